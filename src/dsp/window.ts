/**
 * Window functions for spectral analysis and filter design.
 *
 * `periodic` windows (the default) are the right choice for STFT analysis/synthesis: their
 * shifted copies add up to a constant (COLA) at the usual hops. `symmetric` windows are the
 * right choice for FIR filter design. Formulas: Harris (1978), "On the use of windows for
 * harmonic analysis with the discrete Fourier transform", Proc. IEEE 66(1).
 */
import { ZhiyinError, requireInteger } from '../errors/index.js';

/** Names of the windows {@link makeWindow} can build. */
export type WindowName =
  'rectangular' | 'hann' | 'sqrt-hann' | 'hamming' | 'blackman' | 'blackman-harris' | 'kaiser';

/** Options of {@link makeWindow}. */
export interface WindowOptions {
  /** `periodic` (default, for STFT) or `symmetric` (for filter design). */
  symmetry?: 'periodic' | 'symmetric';
  /** Shape parameter of the Kaiser window (default 8.6, about 90 dB side-lobe rejection). */
  kaiserBeta?: number;
}

/**
 * A window of `size` samples.
 * @example const w = makeWindow('hann', 2048); // periodic Hann for an STFT
 */
export function makeWindow(
  name: WindowName,
  size: number,
  options: WindowOptions = {},
): Float64Array {
  requireInteger('window size', size, 1, 1 << 26);
  const symmetric = options.symmetry === 'symmetric';
  const w = new Float64Array(size);
  if (size === 1) {
    w[0] = 1;
    return w;
  }
  // Periodic windows are symmetric windows of size+1 with the last point dropped.
  const denom = symmetric ? size - 1 : size;
  const cosineSum = (a: readonly number[]): void => {
    for (let n = 0; n < size; n++) {
      const x = (2 * Math.PI * n) / denom;
      let v = 0;
      for (let k = 0; k < a.length; k++) v += (k % 2 === 0 ? 1 : -1) * a[k]! * Math.cos(k * x);
      w[n] = v;
    }
  };
  switch (name) {
    case 'rectangular':
      w.fill(1);
      break;
    case 'hann':
      cosineSum([0.5, 0.5]);
      break;
    case 'sqrt-hann':
      cosineSum([0.5, 0.5]);
      for (let n = 0; n < size; n++) w[n] = Math.sqrt(Math.max(0, w[n]!));
      break;
    case 'hamming':
      cosineSum([0.54, 0.46]);
      break;
    case 'blackman':
      cosineSum([0.42, 0.5, 0.08]);
      break;
    case 'blackman-harris':
      cosineSum([0.35875, 0.48829, 0.14128, 0.01168]);
      break;
    case 'kaiser': {
      const beta = options.kaiserBeta ?? 8.6;
      const norm = besselI0(beta);
      for (let n = 0; n < size; n++) {
        const r = (2 * n) / denom - 1;
        w[n] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
      }
      break;
    }
    default:
      throw new ZhiyinError('INVALID_ARGUMENT', `Unknown window "${String(name)}".`);
  }
  return w;
}

/**
 * Modified Bessel function of the first kind, order 0 (power series; converges for all x).
 * @example besselI0(0) // 1
 */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Kaiser β for a stopband attenuation in dB (Kaiser 1974 empirical formula).
 * @example kaiserBetaForAttenuation(120) // ≈ 12.27
 */
export function kaiserBetaForAttenuation(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) {
    return 0.5842 * Math.pow(attenuationDb - 21, 0.4) + 0.07886 * (attenuationDb - 21);
  }
  return 0;
}

/**
 * Filter length (taps) a Kaiser-windowed FIR needs for an attenuation and a transition width
 * given as a fraction of the sample rate (Kaiser 1974).
 * @example kaiserLength(120, 0.05) // ≈ 157 taps
 */
export function kaiserLength(attenuationDb: number, transitionWidth: number): number {
  return Math.ceil((attenuationDb - 7.95) / (14.36 * transitionWidth)) + 1;
}
