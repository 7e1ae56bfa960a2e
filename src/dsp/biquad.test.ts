import { describe, expect, it } from 'vitest';
import { BiquadFilter, biquadResponse, designBiquad, type BiquadType } from './biquad.js';
import { rms, sine } from '../../eval/signals.js';

const sr = 48_000;

/** Gain in dB of the filter on a steady sine, measured after the transient has died out. */
function measuredDb(type: BiquadType, hz: number, f0: number, q?: number, gainDb?: number): number {
  const c = designBiquad({ type, frequencyHz: f0, sampleRate: sr, q, gainDb });
  const x = sine(hz, sr, sr);
  const y = new BiquadFilter(c).process(x);
  return 20 * Math.log10(rms(y, sr / 2) / rms(x, sr / 2));
}

describe('designBiquad (RBJ cookbook)', () => {
  it('peaking: gain at the centre, unity far away', () => {
    const c = designBiquad({ type: 'peaking', frequencyHz: 1000, sampleRate: sr, q: 2, gainDb: 6 });
    expect(biquadResponse(c, 1000, sr).db).toBeCloseTo(6, 6);
    expect(biquadResponse(c, 20, sr).db).toBeCloseTo(0, 2);
    expect(measuredDb('peaking', 1000, 1000, 2, 6)).toBeCloseTo(6, 2);
    expect(measuredDb('peaking', 1000, 1000, 2, -9)).toBeCloseTo(-9, 2);
  });

  it('low and high pass: −3 dB at the corner with Q = 1/√2, pass and stop bands', () => {
    const lp = designBiquad({ type: 'lowpass', frequencyHz: 1000, sampleRate: sr });
    expect(biquadResponse(lp, 1000, sr).db).toBeCloseTo(-3.0103, 3);
    expect(biquadResponse(lp, 10, sr).db).toBeCloseTo(0, 4);
    expect(biquadResponse(lp, 10_000, sr).db).toBeLessThan(-38); // 12 dB/octave
    const hp = designBiquad({ type: 'highpass', frequencyHz: 1000, sampleRate: sr });
    expect(biquadResponse(hp, 1000, sr).db).toBeCloseTo(-3.0103, 3);
    expect(biquadResponse(hp, 20_000, sr).db).toBeCloseTo(0, 2);
    expect(measuredDb('highpass', 100, 1000)).toBeLessThan(-39);
  });

  it('shelves: full gain far inside the shelf, half the gain (dB) at the corner', () => {
    const ls = designBiquad({ type: 'lowshelf', frequencyHz: 200, sampleRate: sr, gainDb: 8 });
    expect(biquadResponse(ls, 5, sr).db).toBeCloseTo(8, 2);
    expect(biquadResponse(ls, 200, sr).db).toBeCloseTo(4, 6);
    expect(biquadResponse(ls, 15_000, sr).db).toBeCloseTo(0, 2);
    const hs = designBiquad({ type: 'highshelf', frequencyHz: 4000, sampleRate: sr, gainDb: -6 });
    expect(biquadResponse(hs, 4000, sr).db).toBeCloseTo(-3, 6);
    expect(biquadResponse(hs, 23_000, sr).db).toBeCloseTo(-6, 1);
    expect(biquadResponse(hs, 20, sr).db).toBeCloseTo(0, 3);
  });

  it('band-pass peaks at 0 dB, notch removes its frequency, all-pass keeps magnitude', () => {
    const bp = designBiquad({ type: 'bandpass', frequencyHz: 2000, sampleRate: sr, q: 4 });
    expect(biquadResponse(bp, 2000, sr).db).toBeCloseTo(0, 6);
    expect(biquadResponse(bp, 200, sr).db).toBeLessThan(-20);
    const notch = designBiquad({ type: 'notch', frequencyHz: 50, sampleRate: sr, q: 10 });
    expect(biquadResponse(notch, 50, sr).magnitude).toBeLessThan(1e-9);
    expect(measuredDb('notch', 50, 50, 10)).toBeLessThan(-60);
    const ap = designBiquad({ type: 'allpass', frequencyHz: 3000, sampleRate: sr });
    for (const f of [100, 3000, 12_000])
      expect(biquadResponse(ap, f, sr).magnitude).toBeCloseTo(1, 9);
    expect(Math.abs(biquadResponse(ap, 3000, sr).phase)).toBeCloseTo(Math.PI, 6); // 2nd order: −π at f0
  });

  it('matches the cookbook coefficients for a 1 kHz low-pass at 48 kHz', () => {
    const c = designBiquad({ type: 'lowpass', frequencyHz: 1000, sampleRate: sr, q: Math.SQRT1_2 });
    // w0 = 2π/48, α = sin(w0)/(2Q); values computed by hand from the cookbook formulas
    const w0 = (2 * Math.PI) / 48,
      alpha = Math.sin(w0) / Math.SQRT2,
      a0 = 1 + alpha;
    expect(c.b0).toBeCloseTo((1 - Math.cos(w0)) / 2 / a0, 14);
    expect(c.a1).toBeCloseTo((-2 * Math.cos(w0)) / a0, 14);
    expect(c.a2).toBeCloseTo((1 - alpha) / a0, 14);
  });

  it('rejects impossible designs', () => {
    expect(() => designBiquad({ type: 'lowpass', frequencyHz: 30_000, sampleRate: sr })).toThrow(
      /frequencyHz/,
    );
    expect(() => designBiquad({ type: 'lowpass', frequencyHz: 100, sampleRate: sr, q: 0 })).toThrow(
      /q must/,
    );
    expect(() =>
      designBiquad({ type: 'wobble' as BiquadType, frequencyHz: 100, sampleRate: sr }),
    ).toThrow(/Unknown/);
  });
});

describe('BiquadFilter', () => {
  it('gives the same output in chunks as in one call', () => {
    const c = designBiquad({ type: 'peaking', frequencyHz: 700, sampleRate: sr, q: 1, gainDb: 12 });
    const x = sine(440, sr, 10_000);
    const whole = new BiquadFilter(c).process(x);
    const f = new BiquadFilter(c);
    const parts = [
      f.process(x.subarray(0, 17)),
      f.process(x.subarray(17, 5000)),
      f.process(x.subarray(5000)),
    ];
    const chunked = new Float32Array(10_000);
    let o = 0;
    for (const p of parts) {
      chunked.set(p, o);
      o += p.length;
    }
    expect(Array.from(chunked)).toEqual(Array.from(whole));
  });

  it('processes in place and resets', () => {
    const c = designBiquad({ type: 'lowpass', frequencyHz: 100, sampleRate: sr });
    const f = new BiquadFilter(c);
    const x = new Float32Array([1, 0, 0, 0]);
    const first = f.process(x.slice());
    f.reset();
    const again = x.slice();
    f.process(again, again);
    expect(Array.from(again)).toEqual(Array.from(first));
  });
});
