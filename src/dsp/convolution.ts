/**
 * Linear convolution by FFT: one-shot ({@link convolve}) and streaming with a uniformly
 * partitioned overlap-save convolver ({@link PartitionedConvolver}; Wefers 2015,
 * "Partitioned convolution algorithms for real-time auralization", ch. 5), which keeps the
 * cost per block proportional to the block size however long the impulse response is.
 */
import { RealFft, nextPowerOfTwo } from './fft.js';
import { requirePowerOfTwo } from './fft-kernel.js';

/**
 * Full linear convolution of `a` and `b` (length a + b − 1); direct for tiny inputs, FFT otherwise.
 * @example convolve(new Float32Array([1, 2]), new Float32Array([1, 1])) // [1, 3, 2]
 */
export function convolve(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length === 0 || b.length === 0) return new Float32Array(0);
  const outLength = a.length + b.length - 1;
  if (Math.min(a.length, b.length) <= 32) {
    const out = new Float64Array(outLength);
    for (let i = 0; i < a.length; i++) {
      const ai = a[i]!;
      for (let j = 0; j < b.length; j++) out[i + j]! += ai * b[j]!;
    }
    return Float32Array.from(out);
  }
  const n = nextPowerOfTwo(outLength);
  const fft = new RealFft(n);
  const bins = fft.bins;
  const ar = new Float64Array(bins),
    ai = new Float64Array(bins);
  const br = new Float64Array(bins),
    bi = new Float64Array(bins);
  fft.forward(a, ar, ai);
  fft.forward(b, br, bi);
  for (let k = 0; k < bins; k++) {
    const r = ar[k]! * br[k]! - ai[k]! * bi[k]!;
    ai[k] = ar[k]! * bi[k]! + ai[k]! * br[k]!;
    ar[k] = r;
  }
  const full = new Float32Array(n);
  fft.inverse(ar, ai, full);
  return full.slice(0, outLength);
}

/** Options of {@link PartitionedConvolver}. */
export interface PartitionedConvolverOptions {
  /** Partition and block length in samples, a power of two (default 512). */
  blockSize?: number;
}

/**
 * Streaming convolution with a fixed impulse response. Feed input of any chunk length to
 * {@link process}; it returns the output samples that are final so far (in order, starting at
 * t = 0). {@link flush} returns the rest, so that the whole output has input + IR − 1 samples
 * and equals {@link convolve} of the whole input.
 * @example
 * const conv = new PartitionedConvolver(impulse);
 * for (const chunk of chunks) sink(conv.process(chunk));
 * sink(conv.flush());
 */
export class PartitionedConvolver {
  readonly blockSize: number;
  private readonly irLength: number;
  private readonly fft: RealFft;
  private readonly bins: number;
  private readonly partitions: number;
  /** Spectra of the IR partitions, partition-major. */
  private readonly hRe: Float64Array;
  private readonly hIm: Float64Array;
  /** Frequency-domain delay line of input block spectra (a ring of `partitions` entries). */
  private readonly xRe: Float64Array;
  private readonly xIm: Float64Array;
  private ring = 0;
  /** The previous and current input block (overlap-save window of 2·blockSize). */
  private readonly window: Float32Array;
  private filled = 0;
  private readonly accRe: Float64Array;
  private readonly accIm: Float64Array;
  private readonly time: Float64Array;
  private inputTotal = 0;
  private outputTotal = 0;

  constructor(impulse: Float32Array, options: PartitionedConvolverOptions = {}) {
    const blockSize = options.blockSize ?? 512;
    requirePowerOfTwo(blockSize, 16, 'blockSize');
    this.blockSize = blockSize;
    this.irLength = impulse.length;
    this.fft = new RealFft(2 * blockSize);
    this.bins = blockSize + 1;
    this.partitions = Math.max(1, Math.ceil(impulse.length / blockSize));
    const total = this.partitions * this.bins;
    this.hRe = new Float64Array(total);
    this.hIm = new Float64Array(total);
    const re = new Float64Array(this.bins),
      im = new Float64Array(this.bins);
    for (let p = 0; p < this.partitions; p++) {
      this.fft.forward(impulse.subarray(p * blockSize, (p + 1) * blockSize), re, im);
      this.hRe.set(re, p * this.bins);
      this.hIm.set(im, p * this.bins);
    }
    this.xRe = new Float64Array(total);
    this.xIm = new Float64Array(total);
    this.window = new Float32Array(2 * blockSize);
    this.accRe = new Float64Array(this.bins);
    this.accIm = new Float64Array(this.bins);
    this.time = new Float64Array(2 * blockSize);
  }

  /** Convolves the next chunk of input; returns the output samples completed by it. */
  process(input: Float32Array): Float32Array {
    this.inputTotal += input.length;
    const B = this.blockSize;
    const blocks: Float32Array[] = [];
    let i = 0;
    while (i < input.length) {
      const take = Math.min(B - this.filled, input.length - i);
      this.window.set(input.subarray(i, i + take), B + this.filled);
      this.filled += take;
      i += take;
      if (this.filled === B) blocks.push(this.runBlock());
    }
    return concat(blocks);
  }

  /** Ends the input: returns the remaining output (the tail of the impulse response). */
  flush(): Float32Array {
    const target =
      this.inputTotal === 0 || this.irLength === 0 ? 0 : this.inputTotal + this.irLength - 1;
    const blocks: Float32Array[] = [];
    while (this.outputTotal < target) {
      this.window.fill(0, this.blockSize + this.filled);
      this.filled = this.blockSize;
      blocks.push(this.runBlock());
    }
    const out = concat(blocks);
    const excess = this.outputTotal - target;
    this.outputTotal = target;
    return excess > 0 ? out.subarray(0, out.length - excess) : out;
  }

  private runBlock(): Float32Array {
    const B = this.blockSize,
      bins = this.bins,
      P = this.partitions;
    const slot = this.ring * bins;
    const re = this.accRe,
      im = this.accIm; // reused as scratch for the input spectrum
    this.fft.forward(this.window, re, im);
    this.xRe.set(re, slot);
    this.xIm.set(im, slot);
    re.fill(0);
    im.fill(0);
    for (let p = 0; p < P; p++) {
      const x = ((this.ring - p + P) % P) * bins,
        h = p * bins;
      const xr = this.xRe,
        xi = this.xIm,
        hr = this.hRe,
        hi = this.hIm;
      for (let k = 0; k < bins; k++) {
        const a = xr[x + k]!,
          b = xi[x + k]!,
          c = hr[h + k]!,
          d = hi[h + k]!;
        re[k]! += a * c - b * d;
        im[k]! += a * d + b * c;
      }
    }
    this.ring = (this.ring + 1) % P;
    this.fft.inverse(re, im, this.time);
    // Slide the window: the current block becomes the previous one.
    this.window.copyWithin(0, B);
    this.filled = 0;
    this.outputTotal += B;
    return Float32Array.from(this.time.subarray(B, 2 * B));
  }
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
