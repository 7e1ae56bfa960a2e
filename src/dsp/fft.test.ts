import { describe, expect, it } from 'vitest';
import { Fft, RealFft, nextPowerOfTwo, pffftAvailable } from './fft.js';
import { ZhiyinError } from '../errors/index.js';

/** Reference O(N²) DFT. */
function dft(re: number[], im: number[]): { re: number[]; im: number[] } {
  const n = re.length;
  const outRe: number[] = [],
    outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0,
      si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe.push(sr);
    outIm.push(si);
  }
  return { re: outRe, im: outIm };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('Fft', () => {
  for (const n of [1, 2, 4, 8, 16, 64, 256, 1024]) {
    it(`matches the direct DFT at N=${n} and inverts exactly`, () => {
      const r = rng(n);
      const re = Array.from({ length: n }, r),
        im = Array.from({ length: n }, r);
      const ref = dft(re, im);
      const fre = Float64Array.from(re),
        fim = Float64Array.from(im);
      const fft = new Fft(n);
      fft.forward(fre, fim);
      for (let k = 0; k < n; k++) {
        expect(fre[k]).toBeCloseTo(ref.re[k]!, 9);
        expect(fim[k]).toBeCloseTo(ref.im[k]!, 9);
      }
      fft.inverse(fre, fim);
      for (let k = 0; k < n; k++) {
        expect(fre[k]).toBeCloseTo(re[k]!, 12);
        expect(fim[k]).toBeCloseTo(im[k]!, 12);
      }
    });
  }

  it('rejects sizes that are not powers of two', () => {
    expect(() => new Fft(12)).toThrow(ZhiyinError);
    expect(() => new Fft(0)).toThrow(/power of two/);
  });
});

describe.each(['float32', 'float64'] as const)('RealFft (%s)', (precision) => {
  const digits = precision === 'float64' ? 8 : 3;
  it('runs on the kernel its precision asks for', () => {
    const fft = new RealFft(1024, { precision });
    expect(fft.backend).toBe(
      precision === 'float64' || !pffftAvailable() ? 'js-float64' : 'pffft-wasm',
    );
    expect(new RealFft(16, { precision }).backend).toBe('js-float64'); // PFFFT needs N ≥ 32
  });

  for (const n of [2, 4, 8, 32, 512, 4096]) {
    it(`matches the complex DFT of a real signal at N=${n} and inverts`, () => {
      const r = rng(n + 7);
      const x = Array.from({ length: n }, r);
      const ref = dft(x, new Array<number>(n).fill(0));
      const fft = new RealFft(n, { precision });
      const re = new Float64Array(n / 2 + 1),
        im = new Float64Array(n / 2 + 1);
      fft.forward(Float64Array.from(x), re, im);
      for (let k = 0; k <= n / 2; k++) {
        expect(re[k]).toBeCloseTo(ref.re[k]!, digits);
        expect(im[k]).toBeCloseTo(ref.im[k]!, digits);
      }
      const back = new Float64Array(n);
      fft.inverse(re, im, back);
      for (let t = 0; t < n; t++)
        expect(back[t]).toBeCloseTo(x[t]!, precision === 'float64' ? 12 : 5);
    });
  }

  it('finds a sine in the bin of its frequency', () => {
    const n = 1024,
      bin = 37;
    const x = Float32Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * bin * t) / n));
    const fft = new RealFft(n, { precision });
    const re = new Float64Array(fft.bins),
      im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    const mag = Array.from(re, (v, k) => Math.hypot(v, im[k]!));
    expect(mag.indexOf(Math.max(...mag))).toBe(bin);
    expect(mag[bin]).toBeCloseTo(n / 2, 3);
  });

  it('zero-pads a short input', () => {
    const fft = new RealFft(64, { precision });
    const re = new Float64Array(33),
      im = new Float64Array(33);
    fft.forward([1], re, im);
    expect(Array.from(re)).toEqual(new Array(33).fill(1));
  });

  it('nextPowerOfTwo rounds up', () => {
    expect(nextPowerOfTwo(1)).toBe(1);
    expect(nextPowerOfTwo(1000)).toBe(1024);
    expect(nextPowerOfTwo(1024)).toBe(1024);
  });
});
