/**
 * Resampler quality report, for common conversions: the designed kernel's response (passband
 * ripple, stopband rejection), and measured on real output: SNR on a 20 Hz–19 kHz exponential
 * sweep, and the strongest image or alias of a tone near the top of the band (or above the
 * new Nyquist frequency when downsampling). Prints a Markdown table.
 */
import { RealFft, makeWindow, resample, resamplerResponse } from '../src/dsp/index.js';
import { markdownTable } from '../bench/harness.js';
import { sweepAt } from './signals.js';

/**
 * Level (dB) of the strongest spectral component of `y` away from `keepHz`, relative to
 * `referenceAmplitude`: images and aliases a resampler should have removed.
 */
function strayLevelDb(
  y: Float32Array,
  sampleRate: number,
  keepHz: number | undefined,
  referenceAmplitude: number,
): number {
  const n = 1 << 16;
  const start = Math.floor((y.length - n) / 2);
  const w = makeWindow('blackman-harris', n);
  const frame = Float64Array.from({ length: n }, (_, i) => y[start + i]! * w[i]!);
  const fft = new RealFft(n, { precision: 'float64' });
  const re = new Float64Array(fft.bins),
    im = new Float64Array(fft.bins);
  fft.forward(frame, re, im);
  const gain = w.reduce((a, b) => a + b, 0) / 2; // a sine of amplitude A peaks at A·Σw/2
  let worst = 0;
  for (let k = 1; k < fft.bins; k++) {
    const hz = (k * sampleRate) / n;
    if (keepHz !== undefined && Math.abs(hz - keepHz) < 100) continue;
    worst = Math.max(worst, Math.hypot(re[k]!, im[k]!) / gain);
  }
  return 20 * Math.log10(worst / referenceAmplitude);
}

/** A 5-second tone at `hz` and `sampleRate`, amplitude 0.5. */
function tone(hz: number, sampleRate: number): Float32Array {
  return Float32Array.from(
    { length: 5 * sampleRate },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / sampleRate),
  );
}

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
    // Upsampling: a tone at 0.9 of the input Nyquist frequency must not leave an image.
    // Downsampling: a tone between the new and the old Nyquist frequency must vanish.
    const low = Math.min(from, to);
    const probeHz = to >= from ? 0.9 * (from / 2) : low / 2 + 0.3 * (from / 2 - low / 2);
    const out = resample(tone(probeHz, from), { inputRate: from, outputRate: to });
    const stray = strayLevelDb(out, to, to >= from ? probeHz : undefined, 0.5);
    rows.push([
      `${from} → ${to}`,
      (r.passbandEdgeHz / 1000).toFixed(2),
      r.passbandRippleDb.toExponential(1),
      r.stopbandAttenuationDb.toFixed(1),
      (10 * Math.log10(s / e)).toFixed(1),
      `${stray.toFixed(1)} (${(probeHz / 1000).toFixed(2)} kHz tone)`,
      ((seconds * 1000) / ms).toFixed(0),
    ]);
  }
  return markdownTable(
    [
      'conversion (Hz)',
      'passband to (kHz)',
      'designed passband ripple (dB)',
      'designed stopband rejection (dB)',
      'sweep SNR (dB)',
      'strongest image or alias, measured (dB)',
      'speed (× real time, mono)',
    ],
    rows,
  );
}
