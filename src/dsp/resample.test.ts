import { describe, expect, it } from 'vitest';
import { Resampler, resample, resamplerResponse } from './resample.js';
import { rms, sine, sweepAt } from '../../eval/signals.js';

/** SNR (dB) of resampling a 20 Hz–19 kHz sweep, against the sweep evaluated at output times. */
function sweepSnr(inputRate: number, outputRate: number): number {
  const seconds = 2;
  const x = Float32Array.from({ length: seconds * inputRate }, (_, n) =>
    sweepAt(n / inputRate, 20, 19_000, seconds),
  );
  const y = resample(x, { inputRate, outputRate });
  let signal = 0,
    error = 0;
  for (let n = 0; n < y.length; n++) {
    const ref = sweepAt(n / outputRate, 20, 19_000, seconds);
    signal += ref * ref;
    error += (y[n]! - ref) ** 2;
  }
  return 10 * Math.log10(signal / error);
}

describe('Resampler', () => {
  for (const [from, to] of [
    [44_100, 48_000],
    [48_000, 44_100],
    [44_100, 48_001],
    [48_000, 96_000],
    [96_000, 44_100],
  ] as const) {
    it(`keeps a 20 Hz–19 kHz sweep at ≥ 90 dB SNR from ${from} to ${to} Hz`, () => {
      expect(sweepSnr(from, to)).toBeGreaterThanOrEqual(90);
    });
  }

  it('designs a kernel with < 0.001 dB passband ripple and ≥ 115 dB stopband rejection', () => {
    for (const [inputRate, outputRate] of [
      [44_100, 48_000],
      [48_000, 44_100],
      [48_000, 16_000],
    ] as const) {
      const r = resamplerResponse({ inputRate, outputRate });
      expect(r.passbandRippleDb).toBeLessThan(0.001);
      expect(r.stopbandAttenuationDb).toBeGreaterThanOrEqual(115);
      expect(r.stopbandEdgeHz).toBeCloseTo(Math.min(inputRate, outputRate) / 2, 6);
    }
  });

  it('rejects a tone above the new Nyquist frequency when downsampling', () => {
    const x = sine(23_000, 48_000, 48_000, 0.9);
    const y = resample(x, { inputRate: 48_000, outputRate: 44_100 });
    const mid = y.subarray(4000, y.length - 4000);
    expect(20 * Math.log10(rms(mid) / rms(x))).toBeLessThan(-110);
  });

  it('produces ceil(n·out/in) samples, the same in chunks as whole, aligned in time', () => {
    const x = new Float32Array(10_001);
    x[5000] = 1;
    const whole = resample(x, { inputRate: 44_100, outputRate: 48_000 });
    expect(whole.length).toBe(Math.ceil((10_001 * 48_000) / 44_100));
    const r = new Resampler({ inputRate: 44_100, outputRate: 48_000 });
    const parts: Float32Array[] = [];
    for (let i = 0; i < x.length; i += 333) parts.push(r.process(x.subarray(i, i + 333)));
    parts.push(r.flush());
    const chunked = new Float32Array(whole.length);
    let o = 0;
    for (const p of parts) {
      chunked.set(p, o);
      o += p.length;
    }
    expect(o).toBe(whole.length);
    expect(Array.from(chunked)).toEqual(Array.from(whole));
    // The impulse at input 5000 (t = 113.38 ms) peaks at output round(5000·48000/44100) = 5442.
    let peak = 0;
    for (let i = 1; i < whole.length; i++)
      if (Math.abs(whole[i]!) > Math.abs(whole[peak]!)) peak = i;
    expect(peak).toBe(5442);
  });

  it('passes a tone at unity gain and copies when the rates match', () => {
    // 300 Hz: whole periods in both 1470-sample (44.1 kHz) and 1600-sample (48 kHz) edges
    const x = sine(300, 44_100, 44_100, 0.5);
    const y = resample(x, { inputRate: 44_100, outputRate: 48_000 });
    expect(
      20 * Math.log10(rms(y, 1600, y.length - 1600) / rms(x, 1470, x.length - 1470)),
    ).toBeCloseTo(0, 4);
    expect(Array.from(resample(x, { inputRate: 8000, outputRate: 8000 }))).toEqual(Array.from(x));
  });

  it('rejects nonsense rates', () => {
    expect(() => new Resampler({ inputRate: 0, outputRate: 48_000 })).toThrow(/inputRate/);
    expect(() => new Resampler({ inputRate: 44_100.5, outputRate: 48_000 })).toThrow(
      /whole number/,
    );
  });
});
