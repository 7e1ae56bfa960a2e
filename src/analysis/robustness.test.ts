/**
 * Bad input to the performance analysis: sensible output or one clear error, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { isZhiyinError } from '../errors/index.js';
import { PerformanceAnalyzer, analyzePerformance } from './index.js';

const SR = 44_100;
const mono = (x: Float32Array) => ({ sampleRate: SR, channels: [x] });
const sine = (hz: number, seconds: number, gain = 0.5) =>
  Float32Array.from({ length: Math.round(seconds * SR) }, (_, i) =>
    Math.max(-1, Math.min(1, gain * Math.sin((2 * Math.PI * hz * i) / SR))),
  );
/** Seeded uniform noise in [-a, a). */
function noise(n: number, a: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return a * (2 * (s / 2 ** 32) - 1);
  });
}
const voicedFraction = (v: Uint8Array) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

describe('performance analysis on bad input', () => {
  it('finds nothing in silence', () => {
    const a = analyzePerformance(mono(new Float32Array(SR)));
    expect(voicedFraction(a.track.voiced)).toBe(0);
    expect(a.notes).toHaveLength(0);
    expect(a.events).toHaveLength(0);
    expect(a.track.levelDb.every((l) => l === -120)).toBe(true);
  });

  it('finds no pitch in DC', () => {
    const a = analyzePerformance(mono(new Float32Array(SR).fill(0.5)));
    expect(voicedFraction(a.track.voiced)).toBe(0);
    expect(a.notes).toHaveLength(0);
  });

  it('tracks a hard-clipped tone at its pitch', () => {
    // 220 Hz driven 20 dB into clipping: nearly a square wave.
    const a = analyzePerformance(mono(sine(220, 1, 10)));
    expect(a.notes).toHaveLength(1);
    expect(a.notes[0]!.hz).toBeGreaterThan(218);
    expect(a.notes[0]!.hz).toBeLessThan(222);
    expect(a.events.filter((e) => e.kind === 'vibrato')).toHaveLength(0);
  });

  it('reports white noise as mostly unvoiced, with no vibrato or trills', () => {
    const a = analyzePerformance(mono(noise(3 * SR, 0.5)));
    expect(voicedFraction(a.track.voiced)).toBeLessThan(0.1);
    expect(a.events.filter((e) => e.kind === 'vibrato' || e.kind === 'trill')).toHaveLength(0);
  });

  it('takes empty and one-sample input', () => {
    for (const n of [0, 1]) {
      const a = analyzePerformance(mono(new Float32Array(n).fill(0.3)));
      expect(a.notes).toHaveLength(0);
      expect(a.durationSeconds).toBeCloseTo(n / SR, 9);
      expect(a.track.times.length).toBe(a.track.f0Hz.length);
    }
  });

  it('rejects NaN and infinite samples with a clear error naming where', () => {
    for (const bad of [NaN, Infinity]) {
      const x = sine(440, 1);
      x[22_050] = bad;
      let err: unknown;
      try {
        analyzePerformance(mono(x));
      } catch (e) {
        err = e;
      }
      expect(isZhiyinError(err) && err.code).toBe('CORRUPT_DATA');
      expect((err as Error).message).toMatch(/0\.500 s/);
    }
  });

  it('streams in uneven chunks to the same result as whole input', () => {
    const x = sine(330, 2);
    const whole = analyzePerformance(mono(x));
    const a = new PerformanceAnalyzer({ sampleRate: SR });
    for (let i = 0, k = 1; i < x.length; i += k, k = (k * 7 + 3) % 5000)
      a.push(x.subarray(i, i + k));
    const streamed = a.finish();
    expect(Array.from(streamed.track.f0Hz)).toEqual(Array.from(whole.track.f0Hz));
    expect(streamed.notes).toEqual(whole.notes);
  });
});
