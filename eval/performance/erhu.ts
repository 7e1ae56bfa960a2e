/**
 * The real erhu contour in ../shared/data/erhu-f0 (AVA's example, Yang, Rajab & Chew 2016;
 * Apache-2.0, read from there, never copied): as a pitch track for the event detector, and
 * resynthesised to audio (bowed timbre) so the tracker can be scored against it.
 *
 * Its ORIGIN.txt lists, read off the contour: vibrato of ~6.3 Hz on the first note
 * (~0.38–1.30 s) and portamenti at ~0.13 s, ~1.37–1.70 s, ~1.94–2.05 s and ~2.63–2.69 s.
 */
import { readFileSync } from 'node:fs';
import type { PitchTrack } from '../../src/analysis/index.js';
import type { Phrase } from './synth.js';

export const ERHU_CONTOUR = 'erhu-f0/Huangjiangqin-1_pitch.csv';

/** The listed events (ORIGIN.txt), seconds. */
export const ERHU_VIBRATO = { start: 0.38, end: 1.3, rateHz: 6.3 };
export const ERHU_PORTAMENTI = [
  { at: 0.13, direction: -1 },
  { at: 1.53, direction: -1 },
  { at: 1.99, direction: 1 },
  { at: 2.66, direction: 1 },
];

export interface Contour {
  times: Float64Array;
  hz: Float32Array;
}

/** Reads the CSV ("time_s,f0_Hz" rows; a header or blank lines are skipped). */
export function readContour(path: string): Contour {
  const rows = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.split(',').map(Number))
    .filter((r) => r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]));
  return {
    times: Float64Array.from(rows, (r) => r[0]!),
    hz: Float32Array.from(rows, (r) => r[1]!),
  };
}

/** The erhu's compass, D4 (the open inner string) to D7, widened by a semitone each way. */
const COMPASS_HZ = [293.66 / 2 ** (1 / 12), 2349.3 * 2 ** (1 / 12)] as const;

/**
 * Which frames are performed pitch. The file has no unvoiced rows: its maker filled each pause
 * with an exponential ramp (the same step of 80–100 cents every frame), out to a floor of
 * 61.7 Hz or a ceiling of 3284 Hz in the long ones. Frames outside the erhu's compass, and
 * ramps (runs of ≥ 4 equal steps ≥ 50 cents, to 1 cent, which no player produces), are
 * unvoiced.
 */
export function performedFrames(hz: Float32Array): Uint8Array {
  const n = hz.length;
  const voiced = Uint8Array.from(hz, (f) => (f >= COMPASS_HZ[0] && f <= COMPASS_HZ[1] ? 1 : 0));
  const step = (i: number) => 1200 * Math.log2(hz[i + 1]! / hz[i]!);
  for (let i = 0; i + 1 < n;) {
    let j = i;
    while (
      j + 1 < n - 1 &&
      Math.abs(step(i)) >= 50 &&
      Math.abs(step(j + 1) - step(i)) <= 1 &&
      hz[i]! > 0
    )
      j++;
    if (j - i + 1 >= 4) for (let k = i; k <= j + 1; k++) voiced[k] = 0;
    i = j + 1;
  }
  return voiced;
}

/** The contour as a pitch track (hop 256 at 44.1 kHz, as it was made), pauses unvoiced. */
export function contourTrack(contour: Contour): PitchTrack {
  const n = contour.times.length;
  const voiced = performedFrames(contour.hz);
  return {
    sampleRate: 44_100,
    hopSize: 256,
    times: contour.times,
    f0Hz: Float32Array.from(contour.hz, (f, i) => (voiced[i] ? f : NaN)),
    voiced,
    voicedProbability: Float32Array.from(voiced),
    confidence: new Float32Array(n).fill(1),
  };
}

/**
 * A phrase that follows the performed frames of the contour (pitch interpolated in cents
 * between frames, 10 ms fades where voicing starts and stops), for render().
 */
export function contourPhrase(contour: Contour, sampleRate = 44_100): Phrase {
  const { times } = contour;
  const performed = performedFrames(contour.hz);
  const hz = Float32Array.from(contour.hz, (f, i) => (performed[i] ? f : 0));
  const last = times[times.length - 1] ?? 0;
  const n = Math.ceil((last + 0.05) * sampleRate);
  const f0Hz = new Float32Array(n);
  const amplitude = new Float32Array(n);
  const fade = Math.round(0.01 * sampleRate);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    while (k + 1 < times.length && times[k + 1]! <= t) k++;
    if (t < times[0]! || k + 1 >= times.length) continue;
    const a = hz[k]!,
      b = hz[k + 1]!;
    if (!(a > 0 && b > 0)) continue;
    const w = (t - times[k]!) / (times[k + 1]! - times[k]!);
    f0Hz[i] = a * Math.pow(b / a, w);
    amplitude[i] = 1;
  }
  // Fades at each voiced edge so that onsets do not click: distances to the edges, two passes.
  const fromStart = new Float32Array(n);
  for (let i = 0, d = 0; i < n; i++) fromStart[i] = d = amplitude[i] ? d + 1 : 0;
  for (let i = n - 1, d = 0; i >= 0; i--) {
    d = amplitude[i] ? d + 1 : 0;
    if (d) amplitude[i] = Math.min(1, fromStart[i]! / fade, d / fade);
  }
  return { sampleRate, f0Hz, amplitude, notes: [], events: [] };
}
