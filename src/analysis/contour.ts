/**
 * Pitch contours in cents and the small operations the note and event detectors share:
 * voiced runs with short gaps bridged, running medians, linear trends, and extrema.
 */
import type { PitchTrack } from './pyin.js';

/** A voiced stretch of a track: frame range and its pitch in absolute cents (MIDI × 100). */
export interface VoicedRun {
  /** First and one-past-last frame index in the track. */
  start: number;
  end: number;
  /** Pitch per frame of the run, cents; frames of bridged gaps are interpolated. */
  cents: Float64Array;
}

/** Absolute cents of a frequency (A4 = 440 Hz = 6900). */
export function hzToAbsoluteCents(hz: number): number {
  return 6900 + 1200 * Math.log2(hz / 440);
}

/**
 * Voiced runs of a track. Unvoiced gaps of at most `maxGapFrames` inside a run are bridged
 * by linear interpolation (tracker dropouts, not silences).
 */
export function voicedRuns(track: PitchTrack, maxGapFrames = 3): VoicedRun[] {
  const n = track.times.length;
  const runs: VoicedRun[] = [];
  let i = 0;
  while (i < n) {
    while (i < n && !track.voiced[i]) i++;
    if (i >= n) break;
    const start = i;
    let end = i;
    while (end < n) {
      if (track.voiced[end]) {
        end++;
        continue;
      }
      let gap = 0;
      while (end + gap < n && !track.voiced[end + gap]) gap++;
      if (gap <= maxGapFrames && end + gap < n) end += gap;
      else break;
    }
    const cents = new Float64Array(end - start);
    let last = -1;
    for (let k = start; k < end; k++) {
      if (track.voiced[k]) {
        const c = hzToAbsoluteCents(track.f0Hz[k]!);
        if (last >= 0 && k - start - last > 1) {
          const from = cents[last]!;
          for (let g = last + 1; g < k - start; g++)
            cents[g] = from + ((c - from) * (g - last)) / (k - start - last);
        }
        cents[k - start] = c;
        last = k - start;
      }
    }
    runs.push({ start, end, cents });
    i = end;
  }
  return runs;
}

/** Running median with a window of 2·half+1 (shrinking at the edges). */
export function runningMedian(x: ArrayLike<number>, half: number): Float64Array {
  const out = new Float64Array(x.length);
  const window: number[] = [];
  for (let i = 0; i < x.length; i++) {
    window.length = 0;
    for (let k = Math.max(0, i - half); k <= Math.min(x.length - 1, i + half); k++)
      window.push(x[k]!);
    window.sort((a, b) => a - b);
    out[i] = window[window.length >> 1]!;
  }
  return out;
}

/** Median of a slice. */
export function median(x: ArrayLike<number>, from = 0, to = x.length): number {
  const v = Array.prototype.slice.call(x, from, to) as number[];
  v.sort((a, b) => a - b);
  return v.length ? v[v.length >> 1]! : NaN;
}

/** Least-squares line through x[from..to): slope and intercept (at index `from`). */
export function linearTrend(
  x: ArrayLike<number>,
  from: number,
  to: number,
): { slope: number; intercept: number } {
  const n = to - from;
  let sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    const y = x[from + i]!;
    sx += i;
    sy += y;
    sxx += i * i;
    sxy += i * y;
  }
  const den = n * sxx - sx * sx;
  const slope = den ? (n * sxy - sx * sy) / den : 0;
  return { slope, intercept: (sy - slope * sx) / Math.max(1, n) };
}

/** Indices of local maxima (or minima) of x, ignoring flat runs' interiors. */
export function extrema(x: ArrayLike<number>, kind: 'max' | 'min'): number[] {
  const out: number[] = [];
  const sign = kind === 'max' ? 1 : -1;
  for (let i = 1; i + 1 < x.length; i++) {
    const a = sign * x[i - 1]!,
      b = sign * x[i]!,
      c = sign * x[i + 1]!;
    if (b > a && b >= c) out.push(i);
  }
  return out;
}
