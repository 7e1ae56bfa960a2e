/**
 * Our own FFT kernels in double precision: complex ({@link Fft}) and real ({@link RealFft64}).
 *
 * An iterative radix-2 decimation-in-time transform on split real/imaginary Float64Arrays with
 * per-stage twiddle tables and the first two stages fused into a radix-4 pass; the real
 * transform packs N reals into N/2 complex values and untangles the halves afterwards.
 * {@link RealFft} (fft.ts) uses the faster PFFFT-WASM kernel for single-precision work and
 * falls back to this one; this one is also the reference for anything that needs double
 * precision (filter design, measuring −120 dB stopbands).
 *
 * Conventions: forward X[k] = Σ x[n]·e^(−2πikn/N), unscaled; inverse is scaled by 1/N, so
 * inverse(forward(x)) = x.
 */
import { ZhiyinError } from '../errors/index.js';

/** Array types the transforms accept for input. */
export type RealArray = Float32Array | Float64Array;

/** Throws INVALID_ARGUMENT unless `size` is a power of two in [min, 2^26]. */
export function requirePowerOfTwo(size: number, min: number, name = 'FFT size'): void {
  if (!Number.isInteger(size) || size < min || size > 1 << 26 || (size & (size - 1)) !== 0) {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `${name} must be a power of two from ${min} to 2^26, got ${size}.`,
    );
  }
}

/**
 * In-place complex FFT of a fixed power-of-two size.
 * @example
 * const fft = new Fft(8);
 * const re = new Float64Array([1, 0, 0, 0, 0, 0, 0, 0]), im = new Float64Array(8);
 * fft.forward(re, im); // re = all ones, im = all zeros
 */
export class Fft {
  readonly size: number;
  private readonly bitReverse: Uint32Array;
  /** Twiddles of all stages from size 8 up, stage after stage: cos then sin (k = 0..half−1). */
  private readonly twiddles: Float64Array;

  constructor(size: number) {
    requirePowerOfTwo(size, 1);
    this.size = size;
    const bits = Math.round(Math.log2(size));
    this.bitReverse = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      this.bitReverse[i] = r;
    }
    let total = 0;
    for (let len = 8; len <= size; len *= 2) total += len; // half cos + half sin per stage
    this.twiddles = new Float64Array(total);
    let offset = 0;
    for (let len = 8; len <= size; len *= 2) {
      const half = len / 2;
      for (let k = 0; k < half; k++) {
        const angle = (2 * Math.PI * k) / len;
        this.twiddles[offset + k] = Math.cos(angle);
        this.twiddles[offset + half + k] = Math.sin(angle);
      }
      offset += len;
    }
  }

  /** Forward transform of (re, im) in place. */
  forward(re: RealArray, im: RealArray): void {
    this.transform(re, im, -1);
  }

  /** Inverse transform of (re, im) in place, scaled by 1/N. */
  inverse(re: RealArray, im: RealArray): void {
    this.transform(re, im, 1);
    const scale = 1 / this.size;
    for (let i = 0; i < this.size; i++) {
      re[i]! *= scale;
      im[i]! *= scale;
    }
  }

  private transform(re: RealArray, im: RealArray, sign: -1 | 1): void {
    const n = this.size;
    if (re.length < n || im.length < n) {
      throw new ZhiyinError('INVALID_ARGUMENT', `FFT of size ${n} needs arrays of that length.`);
    }
    const rev = this.bitReverse;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    if (n === 1) return;
    if (n === 2) {
      const ar = re[0]!,
        ai = im[0]!,
        br = re[1]!,
        bi = im[1]!;
      re[0] = ar + br;
      im[0] = ai + bi;
      re[1] = ar - br;
      im[1] = ai - bi;
      return;
    }
    // Stages of length 2 and 4 fused: a radix-4 butterfly with trivial twiddles (1, ∓i).
    for (let s = 0; s < n; s += 4) {
      const r0 = re[s]!,
        i0 = im[s]!,
        r1 = re[s + 1]!,
        i1 = im[s + 1]!;
      const r2 = re[s + 2]!,
        i2 = im[s + 2]!,
        r3 = re[s + 3]!,
        i3 = im[s + 3]!;
      const ar = r0 + r1,
        ai = i0 + i1,
        br = r0 - r1,
        bi = i0 - i1;
      const cr = r2 + r3,
        ci = i2 + i3,
        dr = r2 - r3,
        di = i2 - i3;
      // Multiply d by ∓i (forward: −i): (dr + i·di)(−i) = di − i·dr
      const er = sign < 0 ? di : -di;
      const ei = sign < 0 ? -dr : dr;
      re[s] = ar + cr;
      im[s] = ai + ci;
      re[s + 2] = ar - cr;
      im[s + 2] = ai - ci;
      re[s + 1] = br + er;
      im[s + 1] = bi + ei;
      re[s + 3] = br - er;
      im[s + 3] = bi - ei;
    }
    const tw = this.twiddles;
    let offset = 0;
    for (let len = 8; len <= n; len *= 2) {
      const half = len >>> 1;
      // Blocks outer, twiddle index inner: contiguous memory access at every stage.
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const wr = tw[offset + k]!;
          const wi = sign * tw[offset + half + k]!;
          const a = start + k;
          const b = a + half;
          const xr = re[b]!,
            xi = im[b]!;
          const tr = wr * xr - wi * xi;
          const ti = wr * xi + wi * xr;
          const ur = re[a]!,
            ui = im[a]!;
          re[a] = ur + tr;
          im[a] = ui + ti;
          re[b] = ur - tr;
          im[b] = ui - ti;
        }
      }
      offset += len;
    }
  }
}

/**
 * Double-precision FFT of real signals of a fixed power-of-two size N ≥ 2, giving the N/2+1
 * non-negative frequency bins (the rest are their complex conjugates).
 * @example
 * const fft = new RealFft64(1024);
 * const re = new Float64Array(513), im = new Float64Array(513);
 * fft.forward(signal, re, im);
 */
export class RealFft64 {
  readonly size: number;
  private readonly half: Fft;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(size: number) {
    requirePowerOfTwo(size, 2);
    this.size = size;
    const h = size / 2;
    this.half = new Fft(h);
    this.zr = new Float64Array(h);
    this.zi = new Float64Array(h);
    this.cos = new Float64Array(h + 1);
    this.sin = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** Number of output bins, N/2 + 1. */
  get bins(): number {
    return this.size / 2 + 1;
  }

  /**
   * Spectrum of `input` (length N) into `outRe`, `outIm` (length ≥ N/2+1).
   * A shorter input is treated as zero-padded.
   */
  forward(input: ArrayLike<number>, outRe: RealArray, outIm: RealArray): void {
    const h = this.size / 2;
    const zr = this.zr,
      zi = this.zi;
    const len = Math.min(input.length, this.size);
    for (let n = 0; n < h; n++) {
      const i = 2 * n;
      zr[n] = i < len ? input[i]! : 0;
      zi[n] = i + 1 < len ? input[i + 1]! : 0;
    }
    this.half.forward(zr, zi);
    const c = this.cos,
      s = this.sin;
    for (let k = 0; k <= h; k++) {
      const k1 = k === h ? 0 : k;
      const k2 = k === 0 ? 0 : h - k;
      const ar = zr[k1]!,
        ai = zi[k1]!,
        br = zr[k2]!,
        bi = -zi[k2]!; // b = conj(Z[h−k])
      const er = 0.5 * (ar + br),
        ei = 0.5 * (ai + bi); // E[k]
      const dr = ar - br,
        di = ai - bi; // Z − conj(Z') = 2i·O
      const or = 0.5 * di,
        oi = -0.5 * dr; // O[k] = (Z − conj(Z'))/(2i)
      // X[k] = E + W^k·O, W^k = cos − i·sin
      outRe[k] = er + c[k]! * or + s[k]! * oi;
      outIm[k] = ei + c[k]! * oi - s[k]! * or;
    }
  }

  /** Real signal (length N) from the N/2+1 bins in `re`, `im`; scaled so that it inverts {@link forward}. */
  inverse(re: ArrayLike<number>, im: ArrayLike<number>, output: RealArray): void {
    const h = this.size / 2;
    const zr = this.zr,
      zi = this.zi;
    const c = this.cos,
      s = this.sin;
    for (let k = 0; k < h; k++) {
      const ar = re[k]!,
        ai = im[k]!,
        br = re[h - k]!,
        bi = -im[h - k]!; // conj(X[h−k])
      const er = 0.5 * (ar + br),
        ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br),
        di = 0.5 * (ai - bi);
      // O = (X − conj(X'))/2 · e^(+2πik/N)
      const or = dr * c[k]! - di * s[k]!;
      const oi = dr * s[k]! + di * c[k]!;
      // Z = E + i·O
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.half.inverse(zr, zi);
    for (let n = 0; n < h; n++) {
      output[2 * n] = zr[n]!;
      output[2 * n + 1] = zi[n]!;
    }
  }
}
