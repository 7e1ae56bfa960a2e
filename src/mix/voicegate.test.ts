import { describe, expect, it } from 'vitest';
import { noise } from '../../eval/signals.js';
import { gateByVoice } from './index.js';

const SR = 44_100;
const level = (x: Float32Array, from: number, to: number) => {
  let s = 0;
  for (let i = Math.round(from * SR); i < Math.round(to * SR); i++) s += x[i]! ** 2;
  return 10 * Math.log10(s / Math.round((to - from) * SR));
};

describe('voice-activity gate', () => {
  it('turns down clicks and hiss away from voiced sound by its range and leaves the voice alone', () => {
    const n = 6 * SR;
    const hiss = noise(n, 4, 0.01);
    // A sung-like tone (220 Hz with harmonics) from 1–2 s and 4–5 s; loud clicks at 3.0 and 3.2 s.
    const x = Float32Array.from(hiss, (v, i) => {
      const t = i / SR;
      const voiced = (t >= 1 && t < 2) || (t >= 4 && t < 5);
      let s = v;
      if (voiced) for (let h = 1; h <= 5; h++) s += (0.2 / h) * Math.sin(2 * Math.PI * 220 * h * t);
      if (Math.abs(t - 3) < 0.002 || Math.abs(t - 3.2) < 0.002) s += 0.5 * Math.sin(i);
      return s;
    });
    const { audio, report } = gateByVoice({ sampleRate: SR, channels: [x] }, { rangeDb: 20 });
    const y = audio.channels[0]!;
    expect(level(x, 2.5, 3.5) - level(y, 2.5, 3.5)).toBeCloseTo(20, 0);
    expect(Math.abs(level(y, 1.1, 1.9) - level(x, 1.1, 1.9))).toBeLessThan(0.01);
    // Open 0.15 s before the voice starts (the ramps run both ways).
    expect(Math.abs(level(y, 0.9, 1) - level(x, 0.9, 1))).toBeLessThan(0.5);
    expect(report.voicedSeconds).toBeGreaterThan(1.8);
    expect(report.voicedSeconds).toBeLessThan(2.2);
    expect(() => gateByVoice({ sampleRate: SR, channels: [x] }, { rangeDb: 0 })).toThrow(/range/);
  });
});
