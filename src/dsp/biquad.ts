/**
 * Second-order IIR ("biquad") filters: design after Robert Bristow-Johnson's "Cookbook
 * formulae for audio EQ biquad filter coefficients" (W3C Audio EQ Cookbook), analysis of
 * their frequency response, and streaming filtering in transposed direct form II with
 * double-precision state.
 */
import { ZhiyinError, requireInRange } from '../errors/index.js';

/** The cookbook's filter shapes. `bandpass` has 0 dB gain at its centre frequency. */
export type BiquadType =
  'lowpass' | 'highpass' | 'bandpass' | 'notch' | 'allpass' | 'peaking' | 'lowshelf' | 'highshelf';

/** What to design: shape, corner/centre frequency, Q and (for peaking and shelves) gain. */
export interface BiquadDesign {
  type: BiquadType;
  frequencyHz: number;
  sampleRate: number;
  /** Quality factor (default 1/√2: Butterworth for low/high-pass, slope S = 1 for shelves). */
  q?: number;
  /** Gain at the centre (peaking) or of the shelf, in dB (default 0). */
  gainDb?: number;
}

/** Normalised coefficients: H(z) = (b0 + b1·z⁻¹ + b2·z⁻²) / (1 + a1·z⁻¹ + a2·z⁻²). */
export interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * Coefficients for a cookbook filter.
 * @example const c = designBiquad({ type: 'peaking', frequencyHz: 1000, q: 1, gainDb: 6, sampleRate: 48000 });
 */
export function designBiquad(design: BiquadDesign): BiquadCoefficients {
  const { type, frequencyHz, sampleRate } = design;
  const q = design.q ?? Math.SQRT1_2;
  const gainDb = design.gainDb ?? 0;
  requireInRange('sampleRate', sampleRate, 1, 10_000_000);
  requireInRange('frequencyHz', frequencyHz, 1e-6, sampleRate / 2 - 1e-9);
  requireInRange('q', q, 1e-4, 1e4);
  requireInRange('gainDb', gainDb, -200, 200);
  const w0 = (2 * Math.PI * frequencyHz) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const A = Math.pow(10, gainDb / 40);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (type) {
    case 'lowpass':
      b1 = 1 - cos;
      b0 = b2 = b1 / 2;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case 'highpass':
      b1 = -(1 + cos);
      b0 = b2 = (1 + cos) / 2;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case 'bandpass':
      b0 = alpha;
      b1 = 0;
      b2 = -alpha;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case 'notch':
      b0 = b2 = 1;
      b1 = -2 * cos;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case 'allpass':
      b0 = 1 - alpha;
      b1 = -2 * cos;
      b2 = 1 + alpha;
      a0 = 1 + alpha;
      a1 = -2 * cos;
      a2 = 1 - alpha;
      break;
    case 'peaking':
      b0 = 1 + alpha * A;
      b1 = -2 * cos;
      b2 = 1 - alpha * A;
      a0 = 1 + alpha / A;
      a1 = -2 * cos;
      a2 = 1 - alpha / A;
      break;
    case 'lowshelf': {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 - (A - 1) * cos + s);
      b1 = 2 * A * (A - 1 - (A + 1) * cos);
      b2 = A * (A + 1 - (A - 1) * cos - s);
      a0 = A + 1 + (A - 1) * cos + s;
      a1 = -2 * (A - 1 + (A + 1) * cos);
      a2 = A + 1 + (A - 1) * cos - s;
      break;
    }
    case 'highshelf': {
      const s = 2 * Math.sqrt(A) * alpha;
      b0 = A * (A + 1 + (A - 1) * cos + s);
      b1 = -2 * A * (A - 1 + (A + 1) * cos);
      b2 = A * (A + 1 + (A - 1) * cos - s);
      a0 = A + 1 - (A - 1) * cos + s;
      a1 = 2 * (A - 1 - (A + 1) * cos);
      a2 = A + 1 - (A - 1) * cos - s;
      break;
    }
    default:
      throw new ZhiyinError('INVALID_ARGUMENT', `Unknown biquad type "${String(type)}".`);
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

/**
 * Complex response of a biquad at a frequency: magnitude (linear), level in dB and phase (rad).
 * @example biquadResponse(c, 1000, 48000).db // ≈ 6 for the peaking example above
 */
export function biquadResponse(
  c: BiquadCoefficients,
  frequencyHz: number,
  sampleRate: number,
): { magnitude: number; db: number; phase: number } {
  const w = (2 * Math.PI * frequencyHz) / sampleRate;
  const c1 = Math.cos(w),
    s1 = Math.sin(w),
    c2 = Math.cos(2 * w),
    s2 = Math.sin(2 * w);
  const nr = c.b0 + c.b1 * c1 + c.b2 * c2,
    ni = -(c.b1 * s1 + c.b2 * s2);
  const dr = 1 + c.a1 * c1 + c.a2 * c2,
    di = -(c.a1 * s1 + c.a2 * s2);
  const den = dr * dr + di * di;
  const hr = (nr * dr + ni * di) / den,
    hi = (ni * dr - nr * di) / den;
  const magnitude = Math.hypot(hr, hi);
  return { magnitude, db: 20 * Math.log10(magnitude), phase: Math.atan2(hi, hr) };
}

/**
 * A streaming biquad: state carries across calls, so a signal filtered in chunks equals the
 * signal filtered whole.
 * @example
 * const lp = new BiquadFilter(designBiquad({ type: 'lowpass', frequencyHz: 200, sampleRate: 48000 }));
 * const y = lp.process(x);
 */
export class BiquadFilter {
  private c: BiquadCoefficients;
  private s1 = 0;
  private s2 = 0;

  constructor(coefficients: BiquadCoefficients) {
    this.c = { ...coefficients };
  }

  /** Changes the coefficients, keeping the state (for smooth automation). */
  setCoefficients(coefficients: BiquadCoefficients): void {
    this.c = { ...coefficients };
  }

  /** Clears the state, as if the filter had only ever seen silence. */
  reset(): void {
    this.s1 = this.s2 = 0;
  }

  /** Filters `input` into `output` (default: a new array; may be `input` itself). */
  process(
    input: Float32Array,
    output: Float32Array = new Float32Array(input.length),
  ): Float32Array {
    const { b0, b1, b2, a1, a2 } = this.c;
    let s1 = this.s1,
      s2 = this.s2;
    for (let i = 0; i < input.length; i++) {
      const x = input[i]!;
      const y = b0 * x + s1;
      s1 = b1 * x - a1 * y + s2;
      s2 = b2 * x - a2 * y;
      output[i] = y;
    }
    // Flush denormals between blocks so long silences do not slow the filter down.
    this.s1 = Math.abs(s1) < 1e-30 ? 0 : s1;
    this.s2 = Math.abs(s2) < 1e-30 ? 0 : s2;
    return output;
  }
}
