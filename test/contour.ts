/** Pitch tracks drawn from a formula, for tests of the contour analysis. */
import type { PitchTrack } from '../src/analysis/index.js';

export const CONTOUR_RATE = 44_100;
export const CONTOUR_HOP = 256;

/** A pitch track sampled from cents(t) (absolute cents, NaN = unvoiced) over `seconds`. */
export function contour(cents: (t: number) => number, seconds: number): PitchTrack {
  const frame = CONTOUR_HOP / CONTOUR_RATE;
  const n = Math.round(seconds / frame);
  const times = Float64Array.from({ length: n }, (_, i) => i * frame);
  const f0Hz = new Float32Array(n);
  const voiced = new Uint8Array(n);
  times.forEach((t, i) => {
    const c = cents(t);
    voiced[i] = Number.isFinite(c) ? 1 : 0;
    f0Hz[i] = voiced[i] ? 440 * 2 ** ((c - 6900) / 1200) : NaN;
  });
  return {
    sampleRate: CONTOUR_RATE,
    hopSize: CONTOUR_HOP,
    times,
    f0Hz,
    voiced,
    voicedProbability: Float32Array.from(voiced),
    confidence: Float32Array.from(voiced),
  };
}
