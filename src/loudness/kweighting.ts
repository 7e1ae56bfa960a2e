/**
 * The K-weighting filter of ITU-R BS.1770-4 at any sample rate.
 *
 * BS.1770 tabulates its two biquads (a high-shelf "pre-filter" modelling the head, and the
 * "RLB" high-pass) for 48 kHz only. We derive them at any rate from the analogue prototype
 * parameters that reproduce those 48 kHz coefficients through the bilinear transform: shelf
 * f0 = 1681.974450955533 Hz, gain 3.999843853973347 dB, Q = 0.7071752369554196; high-pass
 * f0 = 38.13547087602444 Hz, Q = 0.5003270373238773 (values as used by libebur128, derived
 * by fitting the standard's coefficients). Tests check that 48 kHz gives the table.
 */
import type { BiquadCoefficients } from '../dsp/index.js';

/** The two K-weighting stages for `sampleRate`: the shelf, then the high-pass. */
export function kWeightingCoefficients(
  sampleRate: number,
): [BiquadCoefficients, BiquadCoefficients] {
  let f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  let q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, gainDb / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  let a0 = 1 + K / q + K * K;
  const shelf: BiquadCoefficients = {
    b0: (Vh + (Vb * K) / q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / q + K * K) / a0,
  };
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / q + K * K;
  const highpass: BiquadCoefficients = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / q + K * K) / a0,
  };
  return [shelf, highpass];
}
