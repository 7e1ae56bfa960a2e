/**
 * Time and space: a feedback delay (echoes at multiples of the delay time, each `feedback` times
 * the one before, mixed in at `mix`) and stereo width by mid/side scaling (0 = mono, 1 = as is,
 * 2 = side doubled), both exact at the sample.
 */
import { ZhiyinError } from '../errors/index.js';

export interface DelaySettings {
  seconds: number;
  /** 0 to < 1. */
  feedback: number;
  /** Level of the echoes against the dry signal (linear, default 0.5). */
  mix?: number;
}

/**
 * A copy of a channel with echoes added (delay rounded to whole samples).
 * @example applyDelay(vocal, 48000, { seconds: 0.25, feedback: 0.3 })
 */
export function applyDelay(x: Float32Array, sampleRate: number, s: DelaySettings): Float32Array {
  if (!(s.feedback >= 0 && s.feedback < 1))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `delay: feedback must be 0 to below 1, got ${s.feedback}.`,
    );
  const d = Math.round(s.seconds * sampleRate);
  if (!(d >= 1 && s.seconds <= 10))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `delay: time must be one sample to 10 s, got ${s.seconds} s.`,
    );
  const mix = s.mix ?? 0.5;
  const line = new Float32Array(x.length); // the wet signal: w[n] = x[n − d] + g·w[n − d]
  for (let n = d; n < x.length; n++) line[n] = x[n - d]! + s.feedback * line[n - d]!;
  return Float32Array.from(x, (v, n) => v + mix * line[n]!);
}

/**
 * Left and right with the side (L − R)/2 scaled by `width`, the mid (L + R)/2 kept.
 * @example const [l, r] = stereoWidth(left, right, 0); // mono
 */
export function stereoWidth(
  left: Float32Array,
  right: Float32Array,
  width: number,
): [Float32Array, Float32Array] {
  if (!(width >= 0 && width <= 4))
    throw new ZhiyinError('INVALID_ARGUMENT', `width must be 0–4, got ${width}.`);
  const l = new Float32Array(left.length),
    r = new Float32Array(left.length);
  for (let i = 0; i < left.length; i++) {
    const mid = (left[i]! + right[i]!) / 2,
      side = ((left[i]! - right[i]!) / 2) * width;
    l[i] = mid + side;
    r[i] = mid - side;
  }
  return [l, r];
}
