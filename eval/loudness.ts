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
import { fadeInOut, sine } from './signals.js';
import { EBU_SAMPLE_RATE, ebuCases, type LoudnessExpectations } from './ebu-cases.js';

const dataDir = resolve('../shared/data/loudness');

export async function loudnessReport(): Promise<string> {
  if (!existsSync(resolve(dataDir, 'expected_values.json')))
    return '(skipped: ../shared/data/loudness is absent)';
  const e = JSON.parse(
    readFileSync(resolve(dataDir, 'expected_values.json'), 'utf8'),
  ) as LoudnessExpectations;
  const rows: (string | number)[][] = [];
  for (const c of ebuCases(e)) {
    const r = measureLoudness(
      { sampleRate: EBU_SAMPLE_RATE, channels: c.channels() },
      { truePeak: false },
    );
    const value = c.measure === 'integrated' ? r.integratedLufs : r.loudnessRangeLu;
    const unit = c.measure === 'integrated' ? 'LUFS' : 'LU';
    rows.push([
      `${c.name} ${c.measure === 'integrated' ? 'integrated' : 'loudness range'}`,
      `${c.expected} ${unit}`,
      value.toFixed(3),
      (value - c.expected).toFixed(3),
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
    const x = fadeInOut(sine(hz, sr, sr, amp, phase), 0.02 * sr);
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
