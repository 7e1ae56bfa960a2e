/**
 * Loudness conformance report: every case of ../shared/data/loudness/expected_values.json
 * (EBU Tech 3341 cases 1–6, Tech 3342 cases 1–4, the BS.2217 gate files), synthesised or read
 * as the file defines, with our measured value and its error; and true-peak readings of
 * constructed inter-sample-peak signals. Prints Markdown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeAudio } from '../src/audio/index.js';
import { measureLoudness } from '../src/loudness/index.js';
import { markdownTable } from '../bench/harness.js';

const SR = 48_000;
const dataDir = resolve('../shared/data/loudness');

function segments(list: [number, number][]): Float32Array[] {
  const total = list.reduce((s, [sec]) => s + Math.round(sec * SR), 0);
  const ch = new Float32Array(total);
  let offset = 0;
  for (const [sec, dbfs] of list) {
    const n = Math.round(sec * SR),
      a = Math.pow(10, dbfs / 20);
    for (let i = 0; i < n; i++)
      ch[offset + i] = a * Math.sin((2 * Math.PI * 1000 * (offset + i)) / SR);
    offset += n;
  }
  return [ch, ch];
}

export async function loudnessReport(): Promise<string> {
  if (!existsSync(resolve(dataDir, 'expected_values.json')))
    return '(skipped: ../shared/data/loudness is absent)';
  const e = JSON.parse(readFileSync(resolve(dataDir, 'expected_values.json'), 'utf8')) as {
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
    files_in_this_folder: Record<string, { expected_LUFS?: number }>;
  };
  const rows: (string | number)[][] = [];
  for (const [name, spec] of Object.entries(e.synthetic_tech3341_integrated)) {
    const channels = spec.channel_dbfs
      ? spec.channel_dbfs.map((db) =>
          Float32Array.from(
            { length: spec.duration_s! * SR },
            (_, i) => Math.pow(10, db / 20) * Math.sin((2 * Math.PI * 1000 * i) / SR),
          ),
        )
      : segments(spec.segments_s_dbfs!);
    const r = measureLoudness({ sampleRate: SR, channels });
    rows.push([
      `Tech ${name} integrated`,
      `${spec.expected_LUFS} LUFS`,
      r.integratedLufs.toFixed(3),
      (r.integratedLufs - spec.expected_LUFS).toFixed(3),
      '±0.1',
    ]);
  }
  for (const [name, spec] of Object.entries(e.synthetic_tech3342_lra)) {
    const r = measureLoudness(
      { sampleRate: SR, channels: segments(spec.segments_s_dbfs) },
      { truePeak: false },
    );
    rows.push([
      `Tech ${name} loudness range`,
      `${spec.expected_LU} LU`,
      r.loudnessRangeLu.toFixed(3),
      (r.loudnessRangeLu - spec.expected_LU).toFixed(3),
      '±0.1',
    ]);
  }
  for (const file of ['1770-2_Comp_RelGateTest.wav', '1770-2_Comp_AbsGateTest.wav']) {
    const r = measureLoudness(await decodeAudio(readFileSync(resolve(dataDir, file))));
    const want = e.files_in_this_folder[file]!.expected_LUFS!;
    rows.push([
      `BS.2217 ${file}`,
      `${want} LUFS`,
      r.integratedLufs.toFixed(3),
      (r.integratedLufs - want).toFixed(3),
      '±0.1',
    ]);
  }
  const tp: (string | number)[][] = [];
  for (const [label, sr, hz, amp, phase] of [
    ['12 kHz at 48 kHz, samples at 45°', 48_000, 12_000, 1, Math.PI / 4],
    ['8 kHz at 48 kHz, samples at 0°/60°', 48_000, 8000, 1, 0],
    [
      '11.025 kHz at 44.1 kHz, 45°, amplitude 1.4 (+2.9 dBTP over)',
      44_100,
      11_025,
      1.4,
      Math.PI / 4,
    ],
    ['17 kHz at 48 kHz (near the 4× worst case)', 48_000, 17_000, 0.5, 1.1],
    ['997 Hz at 48 kHz, amplitude 0.5', 48_000, 997, 0.5, 0.3],
  ] as const) {
    const n = sr,
      fade = 0.02 * sr;
    const x = Float32Array.from({ length: n }, (_, i) => {
      const g =
        i < fade
          ? 0.5 - 0.5 * Math.cos((Math.PI * i) / fade)
          : i > n - fade
            ? 0.5 - 0.5 * Math.cos((Math.PI * (n - i)) / fade)
            : 1;
      return g * amp * Math.sin((2 * Math.PI * hz * i) / sr + phase);
    });
    const r = measureLoudness({ sampleRate: sr, channels: [x] });
    const want = 20 * Math.log10(amp);
    tp.push([
      label,
      want.toFixed(2),
      r.samplePeakDbfs.toFixed(2),
      r.truePeakDbtp.toFixed(2),
      (r.truePeakDbtp - want).toFixed(2),
    ]);
  }
  return `${markdownTable(['case', 'expected', 'measured', 'error', 'tolerance'], rows)}\n\nTrue peak on constructed inter-sample-peak signals (tolerance +0.2/−0.4 dB):\n\n${markdownTable(['signal', 'true peak (dBTP)', 'sample peak (dBFS)', 'measured (dBTP)', 'error (dB)'], tp)}`;
}
