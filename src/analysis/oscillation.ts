/**
 * Finding periodic modulation in a contour, the common ground of vibrato (a pitch
 * oscillation), trills (a pitch alternation between two notes) and tremolo (a loudness
 * oscillation).
 *
 * 1. Candidate regions: runs of alternating turning points (see findOscillations) with
 *    consistent half-periods and swings, cycle by cycle, so that short ornaments are found
 *    and a region ends where the oscillation does.
 * 2. Parameters of a region, from its extrema after removing the centre line (a moving
 *    average over one period): rate from the mean peak-to-peak time, extent (peak to peak) as
 *    the median height of peaks over their neighbouring troughs, regularity as
 *    1 − (coefficient of variation of the peak-to-peak times), the sinusoid fit R² at that
 *    rate, and the plateau fraction (time spent in the outer halves of the excursion: about
 *    0.67 for a sine, 1 for a square wave, 0.5 for a triangle).
 */
import { extrema, median } from './contour.js';

/** A periodic stretch of a contour. Frame indices are within the contour given. */
export interface Oscillation {
  startFrame: number;
  endFrame: number;
  rateHz: number;
  /** Peak-to-peak extent in the contour's unit (cents or dB). */
  extent: number;
  regularity: number;
  sinusoidR2: number;
  /** Peak-to-peak extent of the best-fitting sinusoid. */
  sinusoidExtent: number;
  plateauFraction: number;
  cycles: number;
  /** The centre line (moving average over one period) over the region. */
  centre: Float64Array;
}

/** Options of {@link findOscillations}. */
export interface OscillationOptions {
  /** Frames per second of the contour. */
  frameRate: number;
  minRateHz?: number;
  maxRateHz?: number;
  /** Smallest peak-to-peak extent that counts. */
  minExtent: number;
  /** Fewest full cycles (default 2). */
  minCycles?: number;
  /** Largest movement of the centre line inside one window (default 40, in the contour's unit). */
  maxCentreDrift?: number;
}

/** Moving average of x[from..to) over `width` frames (centred, shrinking at the edges). */
function movingAverage(x: Float64Array, from: number, to: number, width: number): Float64Array {
  const n = to - from;
  const out = new Float64Array(n);
  const w = Math.max(1, Math.round(width));
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - (w >> 1)),
      b = Math.min(n, a + w);
    let sum = 0;
    for (let k = a; k < b; k++) sum += x[from + k]!;
    out[i] = sum / (b - a);
  }
  return out;
}

/**
 * Turning points of x by the zig-zag rule: a new maximum (minimum) is confirmed once x has
 * fallen (risen) `threshold` below (above) it. Returns alternating extrema.
 */
export function zigzag(
  x: ArrayLike<number>,
  threshold: number,
): { index: number; value: number; max: boolean }[] {
  const out: { index: number; value: number; max: boolean }[] = [];
  if (x.length < 3) return out;
  let direction = 0; // 1 rising (looking for a max), −1 falling
  let ext = 0;
  let lo = 0,
    hi = 0;
  for (let i = 1; i < x.length; i++) {
    const v = x[i]!;
    if (direction === 0) {
      // Ties move the extreme forward: on a flat start the first turn is where motion begins.
      if (v >= x[hi]!) hi = i;
      if (v <= x[lo]!) lo = i;
      if (x[hi]! - x[lo]! >= threshold) {
        direction = hi > lo ? 1 : -1;
        out.push({ index: hi > lo ? lo : hi, value: hi > lo ? x[lo]! : x[hi]!, max: hi < lo });
        ext = hi > lo ? hi : lo;
      }
      continue;
    }
    if (direction === 1) {
      if (v > x[ext]!) ext = i;
      else if (x[ext]! - v >= threshold) {
        out.push({ index: ext, value: x[ext]!, max: true });
        direction = -1;
        ext = i;
      }
    } else {
      if (v < x[ext]!) ext = i;
      else if (v - x[ext]! >= threshold) {
        out.push({ index: ext, value: x[ext]!, max: false });
        direction = 1;
        ext = i;
      }
    }
  }
  return out;
}

/**
 * Periodic regions of a contour with their parameters. Regions are runs of alternating
 * turning points (zig-zag, half the minimum extent) whose half-periods fit the rate range
 * and agree within ±35 %, whose swings are at least the minimum extent and within a factor of
 * 2.5 of each other, and whose mid-levels do not drift by more than `maxCentreDrift` from one
 * swing to the next (a change of note ends a region).
 */
export function findOscillations(x: Float64Array, options: OscillationOptions): Oscillation[] {
  const { frameRate, minExtent } = options;
  const minRate = options.minRateHz ?? 3.5,
    maxRate = options.maxRateHz ?? 10;
  const minCycles = options.minCycles ?? 2;
  const maxDrift = options.maxCentreDrift ?? 40;
  const smooth = Float64Array.from(
    x,
    (_, i) => (x[Math.max(0, i - 1)]! + x[i]! + x[Math.min(x.length - 1, i + 1)]!) / 3,
  );
  const turns = zigzag(smooth, minExtent / 2);
  // Where the contour crosses the middle of each swing: the swing's time. (A turning point's
  // own position is ill-defined on a flat top, as in a trill; the crossings are not.)
  const crossing: number[] = [];
  for (let k = 0; k + 1 < turns.length; k++) {
    const a = turns[k]!,
      b = turns[k + 1]!,
      mid = (a.value + b.value) / 2;
    let at = b.index;
    for (let i = a.index; i < b.index; i++) {
      const u = smooth[i]! - mid,
        v = smooth[i + 1]! - mid;
      if ((u <= 0 && v > 0) || (u >= 0 && v < 0)) {
        at = i + u / (u - v);
        break;
      }
    }
    crossing.push(at);
  }
  const minHalf = frameRate / maxRate / 2,
    maxHalf = frameRate / minRate / 2;
  const out: Oscillation[] = [];
  let first = 0;
  const close = (from: number, to: number) => {
    // turns[from..to] form the run (to inclusive).
    const swings = to - from;
    if (swings < 2 * minCycles) return;
    const halves: number[] = [];
    for (let k = Math.max(from, 1); k < to; k++) halves.push(crossing[k]! - crossing[k - 1]!);
    const half = halves.length ? median(halves) : turns[to]!.index - turns[from]!.index;
    const start = Math.max(0, Math.round(turns[from]!.index - half / 2));
    const end = Math.min(x.length, Math.round(turns[to]!.index + half / 2) + 1);
    const o = measure(x, start, end, 2 * half, frameRate);
    if (
      o &&
      o.extent >= minExtent &&
      o.rateHz >= minRate * 0.9 &&
      o.rateHz <= maxRate * 1.1 &&
      o.cycles >= minCycles - 0.5
    )
      out.push(o);
  };
  // Swing k goes from turns[k−1] to turns[k]; its half-period is the time between the
  // middle crossings of swings k−1 and k.
  for (let k = 2; k < turns.length; k++) {
    const a = turns[k - 1]!,
      b = turns[k]!;
    const half = crossing[k - 1]! - crossing[k - 2]!,
      swing = Math.abs(b.value - a.value);
    let fits = half >= minHalf * 0.8 && half <= maxHalf * 1.2 && swing >= minExtent;
    if (fits && k - first >= 2) {
      const halves: number[] = [],
        swings: number[] = [];
      for (let m = Math.max(first, 1); m < k - 1; m++) {
        halves.push(crossing[m]! - crossing[m - 1]!);
        swings.push(Math.abs(turns[m + 1]!.value - turns[m]!.value));
      }
      if (!halves.length) halves.push(half);
      if (!swings.length) swings.push(swing);
      const h = median(halves),
        sw = median(swings);
      const prev = turns[k - 2]!;
      const drift = Math.abs((a.value + b.value) / 2 - (prev.value + a.value) / 2);
      fits =
        Math.abs(half - h) <= 0.35 * h &&
        swing <= 2.5 * sw &&
        swing >= sw / 2.5 &&
        drift <= Math.max(maxDrift, 0.25 * sw);
    }
    if (!fits) {
      close(first, k - 1);
      // The failing swing may start a new run if it fits on its own.
      first = half >= minHalf * 0.8 && half <= maxHalf * 1.2 && swing >= minExtent ? k - 1 : k;
    }
  }
  close(first, turns.length - 1);
  return out;
}

/**
 * The centre line over [first, last), held at its value half a period inside the first and
 * last extrema: nearer the edges its moving average takes in what lies beyond the oscillation
 * (a jump to the next note), which would bend the centre towards it.
 */
function heldCentre(
  centre: Float64Array,
  first: number,
  last: number,
  extrema: number[],
  p: number,
): Float64Array {
  const lo = Math.min(last - 1, Math.max(first, extrema[0]! + (p >> 1))),
    hi = Math.max(lo, Math.min(last - 1, extrema[extrema.length - 1]! - (p >> 1)));
  return Float64Array.from(
    { length: last - first },
    (_, i) => centre[Math.min(hi, Math.max(lo, first + i))]!,
  );
}

/** Measures the oscillation in x[start..end) with an approximate period (frames). */
function measure(
  x: Float64Array,
  start: number,
  end: number,
  periodFrames: number,
  frameRate: number,
): Oscillation | undefined {
  const n = end - start;
  const p = Math.max(2, Math.round(periodFrames));
  // Centre line: moving average over one period (removes an oscillation of that period).
  const centre = movingAverage(x, start, end, p);
  const y = Float64Array.from(centre, (c, i) => x[start + i]! - c);
  // Light smoothing against tracker noise before looking for extrema.
  const smooth = Float64Array.from(
    y,
    (_, i) => (y[Math.max(0, i - 1)]! + y[i]! + y[Math.min(n - 1, i + 1)]!) / 3,
  );
  const minGap = Math.max(1, Math.round(p / 3));
  const clean = (idx: number[], sign: number) => {
    const kept: number[] = [];
    for (const i of idx) {
      const last = kept[kept.length - 1];
      if (last !== undefined && i - last < minGap) {
        if (sign * smooth[i]! > sign * smooth[last]!) kept[kept.length - 1] = i;
      } else kept.push(i);
    }
    return kept;
  };
  const peaks = clean(
    extrema(smooth, 'max').filter((i) => smooth[i]! > 0),
    1,
  );
  const troughs = clean(
    extrema(smooth, 'min').filter((i) => smooth[i]! < 0),
    -1,
  );
  if (peaks.length < 2 || troughs.length < 1) return undefined;
  const periods: number[] = [];
  for (let k = 1; k < peaks.length; k++) periods.push(peaks[k]! - peaks[k - 1]!);
  const meanPeriod = periods.reduce((a, b) => a + b, 0) / periods.length;
  const sd = Math.sqrt(periods.reduce((a, b) => a + (b - meanPeriod) ** 2, 0) / periods.length);
  // Extent: each peak over the mean of the troughs on either side.
  const heights: number[] = [];
  for (const pk of peaks) {
    const before = troughs.filter((t) => t < pk).pop();
    const after = troughs.find((t) => t > pk);
    const sides = [before, after]
      .filter((t): t is number => t !== undefined)
      .map((t) => smooth[t]!);
    if (sides.length) heights.push(smooth[pk]! - sides.reduce((a, b) => a + b, 0) / sides.length);
  }
  const extent = median(heights);
  // The oscillation spans its extrema, give or take a quarter period; the fits below use
  // only that span, so that flat edges do not dilute them.
  const all = [...peaks, ...troughs].sort((u, v) => u - v);
  const first = Math.max(0, all[0]! - Math.round(p / 4)),
    last = Math.min(n, all[all.length - 1]! + Math.round(p / 4) + 1);
  // Sinusoid fit (least squares on sin and cos), at the rate within ±10 % of the extrema's
  // estimate that fits best; it also refines the rate.
  let yy = 0;
  for (let i = first; i < last; i++) yy += y[i]! * y[i]!;
  const fitAt = (period: number) => {
    const w = (2 * Math.PI) / period;
    let ss = 0,
      sc = 0,
      cc = 0,
      ys = 0,
      yc = 0;
    for (let i = first; i < last; i++) {
      const s = Math.sin(w * i),
        c = Math.cos(w * i);
      ss += s * s;
      sc += s * c;
      cc += c * c;
      ys += y[i]! * s;
      yc += y[i]! * c;
    }
    const det = ss * cc - sc * sc;
    const a = det ? (ys * cc - yc * sc) / det : 0,
      b = det ? (yc * ss - ys * sc) / det : 0;
    let residual = 0;
    for (let i = first; i < last; i++)
      residual += (y[i]! - a * Math.sin(w * i) - b * Math.cos(w * i)) ** 2;
    return { residual, amplitude: Math.hypot(a, b) };
  };
  let bestPeriod = meanPeriod,
    best = fitAt(meanPeriod);
  for (let k = -20; k <= 20; k++) {
    const period = meanPeriod * (1 + 0.005 * k);
    const f = fitAt(period);
    if (f.residual < best.residual) {
      best = f;
      bestPeriod = period;
    }
  }
  const residual = best.residual;
  const r2 = yy > 0 ? Math.max(0, 1 - residual / yy) : 0;
  // Where the shape is sinusoidal the fitted period is the better estimate of the rate.
  const rateHz = r2 >= 0.6 ? frameRate / bestPeriod : frameRate / meanPeriod;
  let outer = 0;
  for (let i = first; i < last; i++) if (Math.abs(y[i]!) > extent / 4) outer++;
  return {
    startFrame: start + first,
    endFrame: start + last,
    rateHz,
    extent,
    regularity: Math.max(0, 1 - sd / meanPeriod),
    sinusoidR2: r2,
    sinusoidExtent: 2 * best.amplitude,
    plateauFraction: outer / (last - first),
    cycles: (peaks[peaks.length - 1]! - peaks[0]!) / meanPeriod,
    centre: heldCentre(centre, first, last, all, p),
  };
}
