/**
 * A look-ahead true-peak limiter (offline, sample-accurate). For each sample the gain that keeps
 * its inter-sample peak (loudness/truepeak: the same 4× interpolator as the true-peak meter) at
 * the ceiling is found; the gain curve is the minimum of that over ±L (the look-ahead), averaged
 * over L — so it is never above the needed gain within L/2 of any sample and it ramps down over
 * L before a peak instead of clipping — then released with a one-pole of the release time, taken
 * as a minimum so the release never lifts the gain above what is needed. Channels are linked.
 */
import type { PlanarAudio } from '../audio/index.js';
import { ZhiyinError } from '../errors/index.js';
import { interSamplePeaks, truePeakDesign } from '../loudness/index.js';

export interface LimiterSettings {
  /** True-peak ceiling, dBTP (default −1). */
  ceilingDbtp?: number;
  /** Look-ahead, seconds (default 0.005). */
  lookaheadSeconds?: number;
  /** Release time constant, seconds (default 0.05). */
  releaseSeconds?: number;
}

export interface LimiterReport {
  /** Largest gain reduction applied, dB. */
  maxReductionDb: number;
}

/**
 * Sliding minimum over [i − r, i + r] into `out`, positions outside counting as 1 (the largest
 * value a gain need takes): van Herk / Gil–Werman, three comparisons a sample whatever r.
 */
function slidingMin(x: Float32Array, r: number, out: Float32Array, scratch: Float32Array): void {
  const n = x.length;
  const w = 2 * r + 1;
  // In scratch (2·(n + 2r)): minima from each block's start and to each block's end, blocks of
  // w positions from −r.
  const at = (i: number) => (i >= 0 && i < n ? x[i]! : 1);
  const m = n + 2 * r;
  const prefix = scratch.subarray(0, m), // index j ↔ position j − r
    suffix = scratch.subarray(m, 2 * m);
  for (let j = 0; j < m; j++) {
    const v = at(j - r);
    prefix[j] = j % w === 0 ? v : Math.min(prefix[j - 1]!, v);
  }
  for (let j = m - 1; j >= 0; j--) {
    const v = at(j - r);
    suffix[j] = j % w === w - 1 || j === m - 1 ? v : Math.min(suffix[j + 1]!, v);
  }
  // Window [i − r, i + r] ↔ [i, i + 2r] in j: the suffix from its start, the prefix to its end.
  for (let i = 0; i < n; i++) {
    const a = suffix[i]!,
      b = prefix[i + 2 * r]!;
    out[i] = a < b ? a : b;
  }
}

/**
 * A true-peak limiter for one signal at any input gain: the inter-sample peaks are found once
 * (a master bus tries several normalisation gains, and peaks scale with the gain), so each
 * further gain costs only the gain curve. Peaks are computed exactly above the ceiling at the
 * largest gain asked so far; a larger gain recomputes them.
 * @example const limiter = new TruePeakLimiter(mix.channels, 44_100, { ceilingDbtp: -1 });
 * const { gain } = limiter.gainCurve(1.5); // per-sample gain after the 1.5× input gain
 */
export class TruePeakLimiter {
  private readonly ceiling: number;
  private readonly lookahead: number;
  private readonly release: number;
  /** Per sample, the largest inter-sample peak over the channels (exact above `floor`). */
  private peaks: Float32Array | undefined;
  private floor = Infinity;
  private need: Float32Array | undefined;
  private held: Float32Array | undefined;
  private scratch: Float32Array | undefined;

  constructor(
    private readonly channels: Float32Array[],
    private readonly sampleRate: number,
    settings: LimiterSettings = {},
  ) {
    const ceilingDb = settings.ceilingDbtp ?? -1;
    this.lookahead = settings.lookaheadSeconds ?? 0.005;
    this.release = settings.releaseSeconds ?? 0.05;
    if (!(ceilingDb <= 0 && ceilingDb >= -60))
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `limiter: the ceiling must be −60 to 0 dBTP, got ${ceilingDb}.`,
      );
    if (
      !(this.lookahead >= 0.001 && this.lookahead <= 0.1) ||
      !(this.release > 0 && this.release <= 5)
    )
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        'limiter: look-ahead must be 1–100 ms and release above 0 up to 5 s.',
      );
    // 0.02 dB below the ceiling: the gain moves slowly but not at all is not promised between samples.
    this.ceiling = 10 ** ((ceilingDb - 0.02) / 20);
  }

  /** Peaks exact above `needed`; computed 1 dB lower so that a slightly larger gain next time
   * (a normalisation converging) reuses them. */
  private peaksAbove(needed: number): Float32Array {
    if (this.peaks && needed >= this.floor) return this.peaks;
    const floor = needed / 1.12;
    const design = truePeakDesign(this.sampleRate);
    const n = this.channels[0]?.length ?? 0;
    let peaks: Float32Array | undefined;
    for (const c of this.channels) {
      const p = interSamplePeaks(c, design, floor);
      if (!peaks) peaks = p;
      else for (let i = 0; i < n; i++) if (p[i]! > peaks[i]!) peaks[i] = p[i]!;
    }
    this.peaks = peaks ?? new Float32Array(0);
    this.floor = floor;
    return this.peaks;
  }

  /**
   * The gain to apply to each sample of `inputGain · signal` so that its true peak stays at or
   * below the ceiling, and the largest reduction.
   */
  gainCurve(inputGain = 1): { gain: Float32Array; maxReductionDb: number } {
    const n = this.channels[0]?.length ?? 0;
    if (n === 0) return { gain: new Float32Array(0), maxReductionDb: 0 };
    // A peak needs the limiter when inputGain · peak > ceiling.
    const peaks = this.peaksAbove(this.ceiling / inputGain);
    const limit = this.ceiling / inputGain;
    const L = Math.max(2, Math.round(this.lookahead * this.sampleRate));
    // Work buffers, kept for the next gain (a master tries several).
    if (this.need?.length !== n) {
      this.need = new Float32Array(n);
      this.held = new Float32Array(n);
      this.scratch = new Float32Array(2 * (n + 2 * L));
    }
    const need = this.need,
      held = this.held!;
    let first = -1;
    for (let i = 0; i < n; i++) {
      const p = peaks[i]!;
      if (p > limit) {
        need[i] = limit / p;
        if (first < 0) first = i;
      } else need[i] = 1;
    }
    if (first < 0) return { gain: new Float32Array(n).fill(1), maxReductionDb: 0 };
    slidingMin(need, L, held, this.scratch!);
    // Moving average over L (centred): ≤ the need within L/2 of each sample. Beyond the ends
    // the edge value continues (a signal may start or stop at full level).
    const half = Math.floor(L / 2);
    const width = 2 * half + 1;
    const gain = new Float32Array(n);
    let sum = 0;
    for (let i = -half; i <= half; i++) sum += held[Math.min(n - 1, Math.max(0, i))]!;
    // Released with a one-pole, taken as a minimum so it never lifts the gain above the need.
    const a = Math.exp(-1 / (this.release * this.sampleRate));
    let g = 1,
      minGain = 1;
    for (let i = 0; i < n; i++) {
      const want = sum / width;
      const enter = i + half + 1,
        leave = i - half;
      sum += (enter < n ? held[enter]! : held[n - 1]!) - (leave > 0 ? held[leave]! : held[0]!);
      const released = a * g + (1 - a) * want;
      g = want < released ? want : released;
      gain[i] = g;
      if (g < minGain) minGain = g;
    }
    return { gain, maxReductionDb: -20 * Math.log10(minGain) };
  }
}

/**
 * Limits `audio` so its true peak stays at or below the ceiling; returns a new buffer.
 * @example const { audio: safe } = limitTruePeak(mix, { ceilingDbtp: -1 });
 */
export function limitTruePeak(
  audio: PlanarAudio,
  settings: LimiterSettings = {},
): { audio: PlanarAudio; report: LimiterReport; gain: Float32Array } {
  const { sampleRate, channels } = audio;
  const { gain, maxReductionDb } = new TruePeakLimiter(channels, sampleRate, settings).gainCurve(1);
  const n = gain.length;
  const out = channels.map((c) => {
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = c[i]! * gain[i]!;
    return y;
  });
  return {
    audio: { sampleRate, channels: out },
    report: { maxReductionDb },
    /** The gain applied to each sample (a master bus applies the same to its stems). */
    gain,
  };
}
