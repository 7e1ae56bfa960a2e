/**
 * The EBU loudness test cases of ../shared/data/loudness/expected_values.json, synthesised:
 * Tech 3341 cases 1–6 (integrated loudness) and Tech 3342 cases 1–4 (loudness range) are
 * defined there as 1 kHz sine sequences at 48 kHz; this turns each into a signal and its
 * expected value. Used by the conformance tests and by `npm run eval`.
 */
import { sineSegments } from './signals.js';

export const EBU_SAMPLE_RATE = 48_000;

/** The shape of expected_values.json (the parts we use). */
export interface LoudnessExpectations {
  synthetic_tech3341_integrated: Record<
    string,
    {
      segments_s_dbfs?: [number, number][];
      channel_dbfs?: number[];
      duration_s?: number;
      expected_LUFS: number;
    }
  >;
  synthetic_tech3342_lra: Record<
    string,
    { segments_s_dbfs: [number, number][]; expected_LU: number }
  >;
  files_in_this_folder: Record<string, { expected_LUFS?: number; tolerance?: number }>;
}

/** One synthesised case: what to measure, the expected value, and the signal. */
export interface EbuCase {
  name: string;
  measure: 'integrated' | 'range';
  expected: number;
  channels: () => Float32Array[];
}

export function ebuCases(e: LoudnessExpectations): EbuCase[] {
  const sr = EBU_SAMPLE_RATE;
  const integrated = Object.entries(e.synthetic_tech3341_integrated).map(
    ([name, spec]): EbuCase => ({
      name: `Tech ${name}`,
      measure: 'integrated',
      expected: spec.expected_LUFS,
      channels: () =>
        spec.channel_dbfs
          ? spec.channel_dbfs.map((db) => sineSegments([[spec.duration_s!, db]], sr, 1)[0]!)
          : sineSegments(spec.segments_s_dbfs!, sr),
    }),
  );
  const range = Object.entries(e.synthetic_tech3342_lra).map(([name, spec]): EbuCase => ({
    name: `Tech ${name}`,
    measure: 'range',
    expected: spec.expected_LU,
    channels: () => sineSegments(spec.segments_s_dbfs, sr),
  }));
  return [...integrated, ...range];
}
