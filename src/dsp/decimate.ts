/**
 * Integer decimation for analysis: an 8th-order Butterworth low-pass (four cookbook biquads)
 * at 0.4 of the lower rate, then every factor-th sample. Its phase is not linear, so it suits
 * analyses that do not look at phase (pitch, levels) or that compare signals filtered alike
 * (cross-correlation); for listening, use {@link resample}.
 */
import { BiquadFilter, designBiquad } from './biquad.js';

/**
 * The largest factor that divides `sampleRate` and keeps the rate at or above `minRate`
 * (1 when none does).
 * @example analysisFactor(44_100, 14_000) // 3 (14,700 Hz)
 */
export function analysisFactor(sampleRate: number, minRate: number): number {
  for (let f = Math.floor(sampleRate / minRate); f > 1; f--) if (sampleRate % f === 0) return f;
  return 1;
}

/**
 * Low-passes and keeps every `factor`-th sample; returns `x` itself when factor is 1.
 * @example const y = decimate(x, 3, 44_100); // 14,700 Hz
 */
export function decimate(x: Float32Array, factor: number, sampleRate: number): Float32Array {
  if (factor <= 1) return x;
  const order = 8;
  const filters = Array.from(
    { length: order / 2 },
    (_, k) =>
      new BiquadFilter(
        designBiquad({
          type: 'lowpass',
          frequencyHz: (0.4 * sampleRate) / factor,
          sampleRate,
          // Butterworth: Q_k = 1 / (2 sin((2k + 1)π / 2n)).
          q: 1 / (2 * Math.sin(((2 * k + 1) * Math.PI) / (2 * order))),
        }),
      ),
  );
  const y = x.slice();
  for (const f of filters) f.process(y, y);
  const out = new Float32Array(Math.floor(x.length / factor));
  for (let i = 0; i < out.length; i++) out[i] = y[i * factor]!;
  return out;
}
