import { describe, expect, it } from 'vitest';
import { yin } from './yin-tracker.js';
import { Cmndf, parabolicLag, yinGeometry } from './yin.js';
import { sine } from '../../eval/signals.js';

describe('CMNDF', () => {
  it('has its first deep trough at the period of a sine, refined below a sample', () => {
    const g = yinGeometry({ sampleRate: 22_050 });
    const hz = 233.3; // period 94.51 samples
    const frame = sine(hz, 22_050, g.frameSize, 0.5);
    const c = new Cmndf(g);
    const d = new Float64Array(g.maxLag + 1);
    expect(c.compute(frame, d)).toBeGreaterThan(0);
    // (Multiples of the period dip as deep: YIN takes the first trough below its threshold.)
    let best = g.minLag;
    while (d[best]! >= 0.1) best++;
    while (d[best + 1]! < d[best]!) best++;
    expect(best).toBe(95);
    expect(d[best]!).toBeLessThan(0.01);
    expect(parabolicLag(c.difference, best)).toBeCloseTo(22_050 / hz, 1);
  });

  it('is all ones for silence', () => {
    const g = yinGeometry({ sampleRate: 22_050 });
    const d = new Float64Array(g.maxLag + 1);
    expect(new Cmndf(g).compute(new Float32Array(g.frameSize), d)).toBe(0);
    expect(d.every((v) => v === 1)).toBe(true);
  });

  it('uses one period of the lowest pitch as its window', () => {
    const g = yinGeometry({ sampleRate: 22_050, fminHz: 65 });
    expect(g.windowSize).toBe(g.maxLag - 1);
    expect(g.maxLag).toBe(Math.ceil(22_050 / 65) + 1);
  });
});

describe('yin (fast mode)', () => {
  it('tracks a steady tone and leaves silence unvoiced', () => {
    const x = new Float32Array(44_100);
    x.set(sine(440, 44_100, 22_050, 0.4), 11_025);
    const t = yin(x, { sampleRate: 44_100 });
    for (let i = 0; i < t.times.length; i++) {
      const time = t.times[i]!;
      if (time > 0.3 && time < 0.7)
        expect(Math.abs(1200 * Math.log2(t.f0Hz[i]! / 440))).toBeLessThan(2);
      if (time < 0.2 || time > 0.8) expect(t.voiced[i]).toBe(0);
    }
  });
});
