import { describe, expect, it } from 'vitest';
import { BiquadFilter, designBiquad } from '../dsp/index.js';
import { DeEsser, deEsserReductionDb } from './index.js';

const SR = 48_000;
const tone = (hz: number, db: number, seconds: number) =>
  Float32Array.from(
    { length: Math.round(seconds * SR) },
    (_, i) => 10 ** (db / 20) * Math.SQRT2 * Math.sin((2 * Math.PI * hz * i) / SR),
  );
const rmsDb = (x: Float32Array, from: number, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return 10 * Math.log10(s / (to - from));
};

describe('de-esser', () => {
  const s = { frequencyHz: 5000, thresholdDb: -30, ratio: 4, rangeDb: 12 };
  it('static curve: nothing below the threshold, (1 − 1/ratio) dB per dB above, at most the range', () => {
    expect(deEsserReductionDb(-35, s)).toBe(0);
    expect(deEsserReductionDb(-26, s)).toBeCloseTo(3, 12);
    expect(deEsserReductionDb(-10, s)).toBe(12);
  });

  it('turns down only the band above the split, by the static curve of its RMS level', () => {
    for (const input of [-24, -18]) {
      const x = tone(8000, input, 0.5);
      const y = new DeEsser(s, SR, 1).process([x.slice()])[0]!;
      // The definition: out = low + g·high, with high the Butterworth high band of the input.
      const high = new BiquadFilter(
        designBiquad({ type: 'highpass', frequencyHz: 5000, sampleRate: SR }),
      ).process(x);
      const level = rmsDb(high, SR / 4);
      const g = 10 ** (-deEsserReductionDb(level, s) / 20);
      let worst = 0;
      for (let i = SR / 4; i < x.length; i++)
        worst = Math.max(worst, Math.abs(y[i]! - (x[i]! - high[i]! + g * high[i]!)));
      expect(worst).toBeLessThan(0.01 * 10 ** (input / 20));
      expect(deEsserReductionDb(level, s)).toBeGreaterThan(1);
    }
  });

  it('leaves a loud vowel-range tone exactly as it was, and releases after sibilance', () => {
    const vowel = tone(500, -6, 0.5);
    expect(new DeEsser(s, SR, 1).process([vowel.slice()])[0]).toEqual(vowel);
    const x = new Float32Array(SR);
    x.set(tone(7000, -12, 0.2));
    x.set(tone(300, -12, 0.8), 0.2 * SR);
    const d = new DeEsser(s, SR, 1);
    const y = d.process([x.slice()])[0]!;
    expect(d.maxReductionDb).toBeGreaterThan(6);
    // 0.5 s after the sibilance (≈ 8 release times) the vowel passes untouched.
    for (let i = 0.7 * SR; i < SR; i += 101) expect(y[i]).toBeCloseTo(x[i]!, 5);
    expect(() => new DeEsser({ frequencyHz: 30_000 }, SR, 1)).toThrow(/split frequency/);
  });
});
