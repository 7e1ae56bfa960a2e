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

/** Sliding minimum over [i − r, i + r] (monotone deque, linear time). */
function slidingMin(x: Float64Array, r: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const q = new Int32Array(n);
  let head = 0,
    tail = 0,
    next = 0;
  for (let i = 0; i < n; i++) {
    for (; next <= Math.min(n - 1, i + r); next++) {
      while (tail > head && x[q[tail - 1]!]! >= x[next]!) tail--;
      q[tail++] = next;
    }
    while (q[head]! < i - r) head++;
    out[i] = x[q[head]!]!;
  }
  return out;
}

/**
 * Limits `audio` so its true peak stays at or below the ceiling; returns a new buffer.
 * @example const { audio: safe } = limitTruePeak(mix, { ceilingDbtp: -1 });
 */
export function limitTruePeak(
  audio: PlanarAudio,
  settings: LimiterSettings = {},
): { audio: PlanarAudio; report: LimiterReport; gain: Float32Array } {
  const ceilingDb = settings.ceilingDbtp ?? -1;
  const lookahead = settings.lookaheadSeconds ?? 0.005;
  const release = settings.releaseSeconds ?? 0.05;
  if (!(ceilingDb <= 0 && ceilingDb >= -60))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `limiter: the ceiling must be −60 to 0 dBTP, got ${ceilingDb}.`,
    );
  if (!(lookahead >= 0.001 && lookahead <= 0.1) || !(release > 0 && release <= 5))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      'limiter: look-ahead must be 1–100 ms and release above 0 up to 5 s.',
    );
  const { sampleRate, channels } = audio;
  const n = channels[0]?.length ?? 0;
  if (n === 0)
    return {
      audio: { sampleRate, channels: channels.map((c) => c.slice()) },
      report: { maxReductionDb: 0 },
      gain: new Float32Array(0),
    };
  // 0.02 dB below the ceiling: the gain moves slowly but not at all is not promised between samples.
  const ceiling = 10 ** ((ceilingDb - 0.02) / 20);
  const design = truePeakDesign(sampleRate);
  const need = new Float64Array(n).fill(1);
  for (const c of channels) {
    const peaks = interSamplePeaks(c, design);
    for (let i = 0; i < n; i++)
      if (peaks[i]! > ceiling) need[i] = Math.min(need[i]!, ceiling / peaks[i]!);
  }
  const L = Math.max(2, Math.round(lookahead * sampleRate));
  const held = slidingMin(need, L);
  // Moving average over L (centred): ≤ the need within L/2 of each sample.
  const half = Math.floor(L / 2);
  const gain = new Float64Array(n);
  let sum = 0;
  // Beyond the ends the edge value continues (a signal may start or stop at full level).
  const at = (i: number) => held[Math.min(n - 1, Math.max(0, i))]!;
  for (let i = -half; i <= half; i++) sum += at(i);
  const width = 2 * half + 1;
  for (let i = 0; i < n; i++) {
    gain[i] = sum / width;
    sum += at(i + half + 1) - at(i - half);
  }
  const a = Math.exp(-1 / (release * sampleRate));
  let g = 1,
    minGain = 1;
  for (let i = 0; i < n; i++) {
    g = Math.min(gain[i]!, a * g + (1 - a) * gain[i]!);
    gain[i] = g;
    if (g < minGain) minGain = g;
  }
  const out = channels.map((c) => Float32Array.from(c, (v, i) => v * gain[i]!));
  return {
    audio: { sampleRate, channels: out },
    report: { maxReductionDb: -20 * Math.log10(minGain) },
    /** The gain applied to each sample (a master bus applies the same to its stems). */
    gain: Float32Array.from(gain),
  };
}
