/**
 * The cross-spectrum of a vocal take against its backing track, for finding and removing the
 * backing's bleed in the take (offset.ts, bleed.ts). Frames of both are windowed and
 * transformed; each frame's bins are weighted by the inverse of the take's own power there,
 * smoothed over neighbouring bins so that a bin's weight does not depend on its own noise. The
 * bleed is 20–35 dB under the voice and the room noise, which are uncorrelated with the
 * backing: with this weighting the frames where the singer pauses, where the bleed is least
 * masked, carry the estimate (the inverse-variance weighting of per-frame estimates when the
 * masker dominates the take). Portable: no Node built-ins.
 */
import { RealFft, makeWindow } from '../dsp/index.js';

export interface CrossSpectrumOptions {
  /** Frame length, a power of two. */
  size: number;
  /** Samples between frame starts. */
  hop: number;
  /** Bins accumulated, inclusive (default all). */
  lowBin?: number;
  highBin?: number;
  /** Half-width of the smoothing of the take's power, bins. */
  smoothBins: number;
}

export interface WeightedCrossSpectrum {
  /** Σ w·X·conj(Y) per bin: peaks at lag +d when the take holds the backing d samples late. */
  re: Float64Array;
  im: Float64Array;
  /** Σ w·|Y|² per bin. */
  backingPower: Float64Array;
  /** Frames used (silent frames of either signal say nothing and are skipped). */
  frames: number;
}

/**
 * Accumulates the weighted cross-spectrum of `take` against `backing` (same length and rate).
 * @example const { re, im, backingPower } = weightedCrossSpectrum(take, backing, { size: 4096, hop: 2048, smoothBins: 16 });
 */
export function weightedCrossSpectrum(
  take: Float32Array,
  backing: Float32Array,
  options: CrossSpectrumOptions,
): WeightedCrossSpectrum {
  const { size, hop, smoothBins } = options;
  const n = Math.min(take.length, backing.length);
  const fft = new RealFft(size);
  const bins = fft.bins;
  const lo = options.lowBin ?? 0,
    hi = Math.min(bins - 1, options.highBin ?? bins - 1);
  const win = makeWindow('hann', size);
  const re = new Float64Array(bins),
    im = new Float64Array(bins),
    backingPower = new Float64Array(bins);
  const xr = new Float64Array(bins),
    xi = new Float64Array(bins),
    yr = new Float64Array(bins),
    yi = new Float64Array(bins),
    power = new Float64Array(bins);
  const sx = new Float32Array(size),
    sy = new Float32Array(size);
  let frames = 0;
  for (let s = 0; s + size <= n; s += hop) {
    let energyX = 0,
      energyY = 0;
    for (let i = 0; i < size; i++) {
      sx[i] = take[s + i]! * win[i]!;
      sy[i] = backing[s + i]! * win[i]!;
      energyX += sx[i]! * sx[i]!;
      energyY += sy[i]! * sy[i]!;
    }
    if (energyX < 1e-12 || energyY < 1e-12) continue;
    fft.forward(sx, xr, xi);
    fft.forward(sy, yr, yi);
    const from0 = Math.max(0, lo - smoothBins),
      to0 = Math.min(bins - 1, hi + smoothBins);
    for (let k = from0; k <= to0; k++) power[k] = xr[k]! * xr[k]! + xi[k]! * xi[k]!;
    // The take's power over ±smoothBins as a running sum; a floor far below it guards silence.
    let sum = 0,
      from = from0,
      to = from0;
    const floor = (energyX / size) * 1e-9;
    for (let k = lo; k <= hi; k++) {
      for (; to <= Math.min(to0, k + smoothBins); to++) sum += power[to]!;
      for (; from < k - smoothBins; from++) sum -= power[from]!;
      const w = 1 / (Math.max(sum, 0) / (to - from) + floor);
      re[k]! += w * (xr[k]! * yr[k]! + xi[k]! * yi[k]!);
      im[k]! += w * (xi[k]! * yr[k]! - xr[k]! * yi[k]!);
      backingPower[k]! += w * (yr[k]! * yr[k]! + yi[k]! * yi[k]!);
    }
    frames++;
  }
  return { re, im, backingPower, frames };
}
