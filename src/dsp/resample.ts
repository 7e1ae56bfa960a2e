/**
 * Band-limited sample-rate conversion by polyphase windowed-sinc interpolation
 * (J. O. Smith, "Digital Audio Resampling", https://ccrma.stanford.edu/~jos/resample/).
 *
 * The kernel is a Kaiser-windowed sinc whose cutoff sits between the passband edge
 * (`passband` × the lower Nyquist frequency) and the lower Nyquist frequency itself, where the
 * stopband begins, so nothing aliases. Its length follows from the stopband attenuation and
 * the transition width (Kaiser's formula). For a rational ratio L/M with L ≤ 4096 the kernel
 * is tabulated at exactly the L phases the conversion visits; otherwise at 4096 phases with
 * linear interpolation between neighbours. Output sample n sits exactly at input time n·M/L
 * (no delay); the stream is zero-extended at both ends. Ratios are limited to 1/128…128.
 * Measured response: eval/resampler.ts and BENCHMARKS.md.
 */
import { ZhiyinError, requireInRange, requireInteger } from '../errors/index.js';
import { RealFft, nextPowerOfTwo } from './fft.js';
import { besselI0, kaiserBetaForAttenuation } from './window.js';

/** Options of {@link Resampler}. */
export interface ResamplerOptions {
  inputRate: number;
  outputRate: number;
  /** Stopband attenuation in dB (default 120). */
  stopbandDb?: number;
  /** Passband edge as a fraction of the lower Nyquist frequency (default 0.9: 19.8 kHz at 44.1 kHz). */
  passband?: number;
}

/** The tabulated kernel shared by all channels (and instances) with the same settings. */
interface Kernel {
  /** L and M of the reduced ratio outputRate/inputRate = L/M. */
  up: number;
  down: number;
  /** Half-width W in input samples; each output uses 2W inputs. */
  halfWidth: number;
  /** Tabulated phases (P); P = L when exact. */
  phases: number;
  exact: boolean;
  /** (P+1) rows of 2W taps. */
  table: Float64Array;
}

const kernels = new Map<string, Kernel>();
const MAX_EXACT_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The continuous kernel g(τ), τ in input samples, and its parameters.
 * Exposed for measurement (eval/resampler.ts).
 */
export function resamplerKernel(options: ResamplerOptions): {
  halfWidth: number;
  cutoff: number;
  evaluate: (tau: number) => number;
} {
  const { inputRate, outputRate } = options;
  const stopbandDb = options.stopbandDb ?? 120;
  const passband = options.passband ?? 0.9;
  requireInteger('inputRate', inputRate, 1, 100_000_000);
  requireInteger('outputRate', outputRate, 1, 100_000_000);
  requireInRange('stopbandDb', stopbandDb, 40, 200);
  requireInRange('passband', passband, 0.5, 0.99);
  const ratio = outputRate / inputRate;
  if (ratio < 1 / 128 || ratio > 128) {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `Resampling from ${inputRate} to ${outputRate} Hz changes the rate more than 128-fold; resample in two steps.`,
    );
  }
  const rho = Math.min(1, ratio);
  const cutoff = (rho * 0.5 * (1 + passband)) / 2; // cycles per input sample
  const transition = rho * 0.5 * (1 - passband);
  const halfWidth = Math.ceil((stopbandDb - 7.95) / (14.36 * transition) / 2);
  const beta = kaiserBetaForAttenuation(stopbandDb);
  const norm = besselI0(beta);
  const evaluate = (tau: number): number => {
    const r = tau / halfWidth;
    if (r <= -1 || r >= 1) return 0;
    const x = 2 * cutoff * tau;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    return 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / norm);
  };
  return { halfWidth, cutoff, evaluate };
}

function kernelFor(options: ResamplerOptions): Kernel {
  const key = `${options.inputRate}/${options.outputRate}/${options.stopbandDb ?? 120}/${options.passband ?? 0.9}`;
  let k = kernels.get(key);
  if (k) return k;
  const { halfWidth, evaluate } = resamplerKernel(options);
  const g = gcd(options.outputRate, options.inputRate);
  const up = options.outputRate / g,
    down = options.inputRate / g;
  const exact = up <= MAX_EXACT_PHASES;
  const phases = exact ? up : MAX_EXACT_PHASES;
  const taps = 2 * halfWidth;
  const table = new Float64Array((phases + 1) * taps);
  for (let p = 0; p <= phases; p++) {
    const phi = p / phases;
    for (let t = 0; t < taps; t++) table[p * taps + t] = evaluate(phi + halfWidth - 1 - t);
  }
  k = { up, down, halfWidth, phases, exact, table };
  if (kernels.size >= 16) kernels.delete(kernels.keys().next().value!); // keep the 16 newest
  kernels.set(key, k);
  return k;
}

/**
 * Streaming single-channel resampler. Feed chunks of any length to {@link process}; call
 * {@link flush} at the end. The whole output has ceil(inputLength · outputRate / inputRate)
 * samples, and chunked processing gives exactly the same samples as one call.
 * @example
 * const r = new Resampler({ inputRate: 44100, outputRate: 48000 });
 * const y = concat(r.process(x), r.flush());
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  private readonly k: Kernel;
  /** Input history; buf[0] holds absolute input index `base`. */
  private buf: Float32Array;
  private len: number;
  private base: number;
  /** Next output's input position: integer part and numerator of the fraction over L. */
  private pos = 0;
  private frac = 0;
  private inputCount = 0;
  private outputCount = 0;

  constructor(options: ResamplerOptions) {
    this.k = kernelFor(options);
    this.inputRate = options.inputRate;
    this.outputRate = options.outputRate;
    const W = this.k.halfWidth;
    // Zeros before the signal: inputs −(W−1) … −1.
    this.buf = new Float32Array(Math.max(4096, 4 * W));
    this.len = W - 1;
    this.base = -(W - 1);
  }

  /** Number of input samples each output depends on (2 × half-width). */
  get taps(): number {
    return 2 * this.k.halfWidth;
  }

  /** Resamples the next chunk; returns the outputs whose inputs are all known now. */
  process(input: Float32Array): Float32Array {
    this.append(input);
    this.inputCount += input.length;
    return this.run(Infinity);
  }

  /** Ends the stream: returns the remaining outputs (the signal is zero-extended). */
  flush(): Float32Array {
    const total = Math.ceil((this.inputCount * this.k.up) / this.k.down);
    this.append(new Float32Array(this.k.halfWidth + 1));
    return this.run(total - this.outputCount);
  }

  private append(input: Float32Array): void {
    if (this.len + input.length > this.buf.length) {
      const grown = new Float32Array(Math.max(2 * this.buf.length, this.len + input.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(input, this.len);
    this.len += input.length;
  }

  private run(limit: number): Float32Array {
    const { up, down, halfWidth: W, phases, exact, table } = this.k;
    const taps = 2 * W;
    const lastAvailable = this.base + this.len - 1;
    // Output n (from now) needs input floor(pos + (frac + n·down)/up) + W ≤ lastAvailable.
    const d = lastAvailable - W - this.pos;
    const possible = d < 0 ? 0 : Math.floor(((d + 1) * up - 1 - this.frac) / down) + 1;
    const count = Math.max(0, Math.min(possible, limit));
    const out = new Float32Array(count);
    const buf = this.buf;
    let pos = this.pos,
      frac = this.frac;
    for (let n = 0; n < count; n++) {
      const start = pos - W + 1 - this.base;
      let acc = 0;
      if (exact) {
        acc = dot(buf, start, table, frac * taps, taps);
      } else {
        const x = (frac / up) * phases;
        const p = Math.floor(x),
          a = x - p;
        const r0 = p * taps,
          r1 = r0 + taps;
        let acc1 = 0;
        for (let t = 0; t < taps; t++) {
          const v = buf[start + t]!;
          acc += v * table[r0 + t]!;
          acc1 += v * table[r1 + t]!;
        }
        acc += a * (acc1 - acc);
      }
      out[n] = acc;
      frac += down;
      if (frac >= up) {
        pos += Math.floor(frac / up);
        frac %= up;
      }
    }
    this.pos = pos;
    this.frac = frac;
    this.outputCount += count;
    // Drop inputs no future output needs.
    const keepFrom = pos - W + 1 - this.base;
    if (keepFrom > 0) {
      const drop = Math.min(keepFrom, this.len);
      this.buf.copyWithin(0, drop, this.len);
      this.len -= drop;
      this.base += drop;
    }
    return out;
  }
}

/** Σ a[i+k]·b[j+k], k < n, with four accumulators so the CPU can overlap the multiplies. */
function dot(a: Float32Array, i: number, b: Float64Array, j: number, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[i + k]! * b[j + k]!;
    s1 += a[i + k + 1]! * b[j + k + 1]!;
    s2 += a[i + k + 2]! * b[j + k + 2]!;
    s3 += a[i + k + 3]! * b[j + k + 3]!;
  }
  for (; k < n; k++) s0 += a[i + k]! * b[j + k]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Resamples a whole mono signal.
 * @example const y = resample(x, { inputRate: 44100, outputRate: 48000 });
 */
export function resample(input: Float32Array, options: ResamplerOptions): Float32Array {
  if (options.inputRate === options.outputRate) return input.slice();
  const r = new Resampler(options);
  const a = r.process(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Measures the designed kernel's frequency response in double precision: the largest
 * deviation from 0 dB in the passband and the weakest rejection in the stopband (which
 * starts at the lower Nyquist frequency and is checked up to 8× the input rate).
 * @example resamplerResponse({ inputRate: 44100, outputRate: 48000 }) // { passbandRippleDb: ~1e-5, stopbandAttenuationDb: ~120 }
 */
export function resamplerResponse(options: ResamplerOptions): {
  passbandEdgeHz: number;
  stopbandEdgeHz: number;
  passbandRippleDb: number;
  stopbandAttenuationDb: number;
} {
  const { halfWidth, evaluate } = resamplerKernel(options);
  const oversample = 16;
  const length = 2 * halfWidth * oversample + 1;
  const size = nextPowerOfTwo(length) * 8;
  const taps = new Float64Array(size);
  for (let m = 0; m < length; m++)
    taps[m] = evaluate((m - (length - 1) / 2) / oversample) / oversample;
  const fft = new RealFft(size, { precision: 'float64' });
  const re = new Float64Array(fft.bins),
    im = new Float64Array(fft.bins);
  fft.forward(taps, re, im);
  const rho = Math.min(1, options.outputRate / options.inputRate);
  const passEdge = rho * 0.5 * (options.passband ?? 0.9); // cycles per input sample
  const stopEdge = rho * 0.5;
  let ripple = 0,
    stop = -Infinity;
  for (let k = 0; k < fft.bins; k++) {
    const f = (k / size) * oversample;
    const db = 20 * Math.log10(Math.hypot(re[k]!, im[k]!));
    if (f <= passEdge) ripple = Math.max(ripple, Math.abs(db));
    else if (f >= stopEdge) stop = Math.max(stop, db);
  }
  return {
    passbandEdgeHz: passEdge * options.inputRate,
    stopbandEdgeHz: stopEdge * options.inputRate,
    passbandRippleDb: ripple,
    stopbandAttenuationDb: -stop,
  };
}
