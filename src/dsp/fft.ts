/**
 * The FFT Zhiyin uses: {@link RealFft} for real signals, {@link Fft} for complex ones.
 *
 * Backend choice by benchmark (BENCHMARKS.md, "FFT"): real transforms run on PFFFT-WASM (SIMD,
 * single precision) when it loaded and the size is ≥ 32, otherwise on our double-precision
 * JS kernel (fft-kernel.ts). Ask for `precision: 'float64'` when the last bits matter
 * (filter design, measuring very deep stopbands); single precision is plenty for audio.
 */
import { RealFft64, requirePowerOfTwo, type RealArray } from './fft-kernel.js';
import {
  pffftForward,
  pffftForwardPacked,
  pffftInverse,
  pffftInversePacked,
  pffftSupports,
} from './pffft.js';

export { Fft, type RealArray } from './fft-kernel.js';
export { pffftAvailable } from './pffft.js';

/** Options of {@link RealFft}. */
export interface RealFftOptions {
  /** `float32` (default; fastest kernel available) or `float64` (our JS kernel, exact to ~1e-15). */
  precision?: 'float32' | 'float64';
}

/**
 * FFT of real signals of a fixed power-of-two size N ≥ 2, giving the N/2+1 non-negative
 * frequency bins (the others are their complex conjugates). Forward is unscaled; inverse is
 * scaled by 1/N so that it inverts forward.
 * @example
 * const fft = new RealFft(1024);
 * const re = new Float64Array(fft.bins), im = new Float64Array(fft.bins);
 * fft.forward(signal, re, im);
 */
export class RealFft {
  readonly size: number;
  /** Which kernel this instance runs on. */
  readonly backend: 'pffft-wasm' | 'js-float64';
  private readonly js: RealFft64 | undefined;

  constructor(size: number, options: RealFftOptions = {}) {
    requirePowerOfTwo(size, 2);
    this.size = size;
    const useWasm = options.precision !== 'float64' && pffftSupports(size);
    this.backend = useWasm ? 'pffft-wasm' : 'js-float64';
    this.js = useWasm ? undefined : new RealFft64(size);
  }

  /** Number of output bins, N/2 + 1. */
  get bins(): number {
    return this.size / 2 + 1;
  }

  /** Spectrum of `input` (length ≤ N; shorter means zero-padded) into `outRe`, `outIm` (≥ N/2+1). */
  forward(input: ArrayLike<number>, outRe: RealArray, outIm: RealArray): void {
    if (this.js) this.js.forward(input, outRe, outIm);
    else pffftForward(this.size, input, outRe, outIm);
  }

  /** Real signal (length N) from N/2+1 bins; the imaginary parts of DC and Nyquist are ignored. */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, output: RealArray): void {
    if (this.js) this.js.inverse(re, im, output);
    else pffftInverse(this.size, re, im, output);
  }

  /**
   * Forward transform into one packed array of length N: [X0, X(N/2), re1, im1, re2, im2, …]
   * (real DC and Nyquist first). Saves unpacking where the spectrum is only multiplied and
   * transformed back, as in correlation.
   */
  forwardPacked(input: Float32Array, out: RealArray): void {
    if (!this.js) return pffftForwardPacked(this.size, input, out);
    const h = this.size / 2;
    const re = new Float64Array(h + 1),
      im = new Float64Array(h + 1);
    this.js.forward(input, re, im);
    out[0] = re[0]!;
    out[1] = re[h]!;
    for (let k = 1; k < h; k++) {
      out[2 * k] = re[k]!;
      out[2 * k + 1] = im[k]!;
    }
  }

  /** Inverse of {@link forwardPacked}, scaled by 1/N. */
  inversePacked(packed: RealArray, output: RealArray): void {
    if (!this.js) return pffftInversePacked(this.size, packed, output);
    const h = this.size / 2;
    const re = new Float64Array(h + 1),
      im = new Float64Array(h + 1);
    re[0] = packed[0]!;
    re[h] = packed[1]!;
    for (let k = 1; k < h; k++) {
      re[k] = packed[2 * k]!;
      im[k] = packed[2 * k + 1]!;
    }
    this.js.inverse(re, im, output);
  }
}

/**
 * Smallest power of two ≥ n.
 * @example nextPowerOfTwo(1000) // 1024
 */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
