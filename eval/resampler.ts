/**
 * Resampler quality report: designed response (passband ripple, stopband rejection) and SNR
 * on a 20 Hz–19 kHz exponential sweep, for common conversions. Prints a Markdown table.
 * Run: npm run build && node dist/eval/resampler.js
 */
import { resample, resamplerResponse } from '../src/dsp/index.js';
import { markdownTable } from '../bench/harness.js';
import { sweepAt } from './signals.js';

export function resamplerReport(): string {
  const rows: (string | number)[][] = [];
  for (const [from, to] of [
    [44_100, 48_000],
    [48_000, 44_100],
    [48_000, 16_000],
    [16_000, 48_000],
    [44_100, 96_000],
    [44_100, 48_001],
  ] as const) {
    const r = resamplerResponse({ inputRate: from, outputRate: to });
    const seconds = 4;
    const x = Float32Array.from({ length: seconds * from }, (_, n) =>
      sweepAt(n / from, 20, 19_000, seconds),
    );
    const t0 = performance.now();
    const y = resample(x, { inputRate: from, outputRate: to });
    const ms = performance.now() - t0;
    let s = 0,
      e = 0;
    const top = Math.min(19_000, 0.45 * Math.min(from, to)); // sweep energy above the passband is meant to go
    for (let n = 0; n < y.length; n++) {
      const t = n / to;
      const ref = sweepAt(t, 20, 19_000, seconds);
      const f = 20 * Math.exp((t * Math.log(19_000 / 20)) / seconds);
      if (f > top) continue;
      s += ref * ref;
      e += (y[n]! - ref) ** 2;
    }
    rows.push([
      `${from} → ${to}`,
      (r.passbandEdgeHz / 1000).toFixed(2),
      r.passbandRippleDb.toExponential(1),
      r.stopbandAttenuationDb.toFixed(1),
      (10 * Math.log10(s / e)).toFixed(1),
      ((seconds * 1000) / ms).toFixed(0),
    ]);
  }
  return markdownTable(
    [
      'conversion (Hz)',
      'passband to (kHz)',
      'passband ripple (dB)',
      'stopband rejection (dB)',
      'sweep SNR (dB)',
      'speed (× real time, mono)',
    ],
    rows,
  );
}
