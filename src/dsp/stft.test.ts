import { describe, expect, it } from 'vitest';
import { istft, stft } from './stft.js';
import { noise, sine } from '../../eval/signals.js';
import type { WindowName } from './window.js';

function maxError(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('stft / istft', () => {
  const cases: [WindowName, number, number][] = [
    ['hann', 1024, 256],
    ['hann', 1024, 512],
    ['sqrt-hann', 512, 256],
    ['hamming', 2048, 512],
    ['blackman', 1024, 256],
    ['blackman-harris', 1024, 128],
    ['kaiser', 256, 64],
    ['rectangular', 256, 256],
  ];
  for (const [window, fftSize, hopSize] of cases) {
    it(`reconstructs noise exactly with ${window} N=${fftSize} hop=${hopSize}`, () => {
      const x = noise(10_007, fftSize + hopSize);
      const y = istft(stft(x, { fftSize, hopSize, window }));
      expect(y.length).toBe(x.length);
      expect(maxError(x, y)).toBeLessThan(2e-6);
    });
  }

  it('reconstructs without centring away from the edges', () => {
    const x = noise(8192, 3);
    const spec = stft(x, { fftSize: 512, hopSize: 128, center: false });
    const y = istft(spec);
    expect(maxError(x.subarray(512, 7000), y.subarray(512, 7000))).toBeLessThan(2e-6);
  });

  it('puts a sine in its bin with the window’s coherent gain', () => {
    const n = 1024,
      sr = 16_000,
      bin = 64; // 1000 Hz exactly
    const spec = stft(sine((bin * sr) / n, sr, 8000), { fftSize: n, hopSize: 256 });
    const f = 10; // an interior frame
    const mags = Array.from({ length: spec.bins }, (_, k) =>
      Math.hypot(spec.re[f * spec.bins + k]!, spec.im[f * spec.bins + k]!),
    );
    expect(mags.indexOf(Math.max(...mags))).toBe(bin);
    expect(mags[bin]).toBeCloseTo((n / 2) * 0.5, 0); // Hann coherent gain 0.5
  });

  it('frames the signal as documented', () => {
    const spec = stft(new Float32Array(1000), { fftSize: 256, hopSize: 100 });
    expect(spec.frames).toBe(11); // 1 + floor(1000/100)
    expect(spec.bins).toBe(129);
    expect(stft(new Float32Array(100), { fftSize: 256, center: false }).frames).toBe(0);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => stft(new Float32Array(10), { fftSize: 1000 })).toThrow(/power of two/);
    expect(() => stft(new Float32Array(10), { fftSize: 256, hopSize: 0 })).toThrow(/hopSize/);
  });
});
