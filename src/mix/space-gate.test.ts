import { describe, expect, it } from 'vitest';
import { Expander, applyDelay, expanderAttenuationDb, stereoWidth } from './index.js';

const SR = 48_000;
const square = (db: number, seconds: number) =>
  Float32Array.from(
    { length: Math.round(seconds * SR) },
    (_, i) => (i % 48 < 24 ? 1 : -1) * 10 ** (db / 20),
  );
const peakDb = (x: Float32Array, from: number, to = x.length) => {
  let p = 0;
  for (let i = from; i < to; i++) p = Math.max(p, Math.abs(x[i]!));
  return 20 * Math.log10(p);
};

describe('expander and gate', () => {
  const s = { thresholdDb: -40, ratio: 3, rangeDb: 40, holdSeconds: 0.05, releaseSeconds: 0.02 };
  it('static curve: nothing above the threshold, (ratio − 1) dB per dB below, at most the range', () => {
    expect(expanderAttenuationDb(-30, s)).toBe(0);
    expect(expanderAttenuationDb(-50, s)).toBe(20);
    expect(expanderAttenuationDb(-70, s)).toBe(40);
    expect(expanderAttenuationDb(-41, { thresholdDb: -40, ratio: 100, rangeDb: 60 })).toBe(60);
  });

  it('steady levels settle on the curve within 0.1 dB', () => {
    for (const input of [-30, -45, -50, -80]) {
      const x = square(input, 1);
      new Expander(s, SR).process([x]);
      expect(peakDb(x, SR / 2), `${input} dB`).toBeCloseTo(
        input - expanderAttenuationDb(input, s),
        1,
      );
    }
  });

  it('holds the gain open for the hold time after the signal falls, then closes', () => {
    const x = new Float32Array(SR);
    x.set(square(-20, 0.3));
    x.set(square(-55, 0.7), 0.3 * SR);
    new Expander(s, SR).process([x]);
    // Within the 50 ms hold the quiet tail passes at its own level; after it, 30 dB down.
    expect(peakDb(x, 0.3 * SR + 480, 0.3 * SR + 1900)).toBeCloseTo(-55, 1);
    expect(peakDb(x, 0.6 * SR)).toBeCloseTo(-85, 1);
  });
});

describe('delay and width', () => {
  it('an impulse comes back at multiples of the delay, each echo feedback times the last', () => {
    const x = new Float32Array(SR);
    x[0] = 1;
    const y = applyDelay(x, SR, { seconds: 0.1, feedback: 0.5, mix: 0.8 });
    const d = 0.1 * SR;
    [1, 0.8, 0.4, 0.2].forEach((v, k) => expect(y[k * d]).toBeCloseTo(v, 7));
    expect(y.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0)).toBe(10); // 1 + 9 echoes in a second
    expect(() => applyDelay(x, SR, { seconds: 0.1, feedback: 1 })).toThrow(/feedback/);
  });

  it('width 0 is mono, 1 leaves the channels alone, 2 doubles the side', () => {
    const l = Float32Array.from([1, 0.5, -0.25]),
      r = Float32Array.from([0, 0.5, 0.25]);
    const [l0, r0] = stereoWidth(l, r, 0);
    expect(l0).toEqual(r0);
    expect(Array.from(l0)).toEqual([0.5, 0.5, 0]);
    const [l1, r1] = stereoWidth(l, r, 1);
    expect([l1, r1]).toEqual([l, r]);
    const [l2, r2] = stereoWidth(l, r, 2);
    expect(Array.from(l2)).toEqual([1.5, 0.5, -0.5]);
    expect(Array.from(r2)).toEqual([-0.5, 0.5, 0.5]);
  });
});
