/**
 * A feed-forward dynamic-range compressor after Giannoulis, Massberg and Reiss, "Digital Dynamic
 * Range Compressor Design — A Tutorial and Analysis" (JAES 2012): the level is detected per
 * sample (peak, or RMS over a window), turned into dB, mapped by the static curve with a
 * quadratic soft knee, and the gain reduction is smoothed in the log domain with separate attack
 * and release times (their "smooth branching" detector), then make-up gain is added. Channels
 * are linked: one gain, from the loudest channel, so the stereo image does not move.
 * Peak detection follows |x| sample by sample: on a steady sine the gain ripples and settles
 * about 0.2 dB short of the static curve (measured at 1 kHz, 5 ms attack); the RMS detector and
 * steady levels sit on it.
 */
import { ZhiyinError } from '../errors/index.js';

export interface CompressorSettings {
  thresholdDb: number;
  /** ≥ 1 compresses (1: no change; 20 or more: limiting); 0.5–1 expands upward (louder above the threshold). */
  ratio: number;
  /** Width of the soft knee, dB (default 6; 0: hard knee). */
  kneeDb?: number;
  /** Time for the gain reduction to reach 1 − 1/e of a step, seconds (default 0.01). */
  attackSeconds?: number;
  /** Time for the gain reduction to fall by 1 − 1/e, seconds (default 0.1). */
  releaseSeconds?: number;
  /** 'peak' (default) or 'rms' (mean square over `rmsWindowSeconds`, default 0.03 s). */
  detector?: 'peak' | 'rms';
  rmsWindowSeconds?: number;
  /** Gain added after compression, dB (default 0). */
  makeupDb?: number;
}

/**
 * The static curve: output level for an input level (dB), as the tutorial's eq. (4).
 * @example compressorCurveDb(-10, { thresholdDb: -20, ratio: 4, kneeDb: 0 }) // -17.5
 */
export function compressorCurveDb(levelDb: number, s: CompressorSettings): number {
  const { thresholdDb: t, ratio: r } = s;
  const w = s.kneeDb ?? 6;
  const over = levelDb - t;
  if (2 * over < -w) return levelDb;
  if (2 * Math.abs(over) <= w && w > 0)
    return levelDb + ((1 / r - 1) * (over + w / 2) ** 2) / (2 * w);
  return t + over / r;
}

function check(s: CompressorSettings, sampleRate: number): void {
  const bad = (what: string) => new ZhiyinError('INVALID_ARGUMENT', `compressor: ${what}.`);
  if (!(s.ratio >= 0.5 && s.ratio <= 1000))
    throw bad(`ratio must be 0.5–1000 (below 1: upward expansion), got ${s.ratio}`);
  if (!(s.thresholdDb >= -120 && s.thresholdDb <= 24))
    throw bad(`threshold must be −120 to 24 dB, got ${s.thresholdDb}`);
  if (!((s.kneeDb ?? 6) >= 0 && (s.kneeDb ?? 6) <= 48)) throw bad('knee must be 0–48 dB');
  for (const [name, v] of [
    ['attack', s.attackSeconds ?? 0.01],
    ['release', s.releaseSeconds ?? 0.1],
    ['RMS window', s.rmsWindowSeconds ?? 0.03],
  ] as const)
    if (!(v > 0 && v <= 10)) throw bad(`${name} must be above 0 and at most 10 s, got ${v}`);
  if (!(sampleRate > 0)) throw bad('the sample rate must be positive');
}

/** A streaming, channel-linked compressor: state carries across blocks. */
export class Compressor {
  private readonly s: Required<CompressorSettings>;
  private readonly aAttack: number;
  private readonly aRelease: number;
  private readonly aRms: number;
  private reduction = 0; // smoothed gain reduction, dB (≥ 0)
  private meanSquare = 0;
  /** The gain reduction of the last sample processed, dB (for meters and reports). */
  lastReductionDb = 0;

  constructor(settings: CompressorSettings, sampleRate: number) {
    check(settings, sampleRate);
    this.s = {
      kneeDb: 6,
      attackSeconds: 0.01,
      releaseSeconds: 0.1,
      detector: 'peak',
      rmsWindowSeconds: 0.03,
      makeupDb: 0,
      ...settings,
    };
    // One-pole coefficients: a step settles to 1 − 1/e of its size in the given time.
    this.aAttack = Math.exp(-1 / (this.s.attackSeconds * sampleRate));
    this.aRelease = Math.exp(-1 / (this.s.releaseSeconds * sampleRate));
    this.aRms = Math.exp(-1 / (this.s.rmsWindowSeconds * sampleRate));
  }

  /** Compresses a block of channels in place and returns it. */
  process(channels: Float32Array[]): Float32Array[] {
    const gains = this.gainCurve(channels);
    for (const c of channels) for (let i = 0; i < c.length; i++) c[i] = c[i]! * gains[i]!;
    return channels;
  }

  /**
   * The linear gain the compressor would apply to each sample of a block (its state moves on
   * as if it had processed it): a master bus uses it to give stems the gains of their sum.
   */
  gainCurve(channels: Float32Array[]): Float32Array {
    const n = channels[0]?.length ?? 0;
    const { makeupDb, detector } = this.s;
    const gains = new Float32Array(n);
    const makeup = 10 ** (makeupDb / 20);
    // Below the knee the curve is the identity: no logarithm needed (the common case).
    const kneeStart = 10 ** ((this.s.thresholdDb - this.s.kneeDb / 2) / 20);
    const msStart = (kneeStart * kneeStart) / 2; // the RMS detector's level is +3.01 dB
    let reduction = this.reduction,
      meanSquare = this.meanSquare;
    const { aAttack, aRelease, aRms } = this;
    const rms = detector === 'rms';
    const dbToGain = -Math.LN10 / 20;
    const powerToDb = 10 / Math.LN10,
      amplitudeToDb = 20 / Math.LN10;
    // The static curve's gain reduction, inlined (see compressorCurveDb): level − curve(level).
    const t = this.s.thresholdDb,
      w = this.s.kneeDb,
      slope = 1 - 1 / this.s.ratio;
    const reductionAt = (levelDb: number) => {
      const over = levelDb - t;
      if (2 * over < -w) return 0;
      if (2 * Math.abs(over) <= w && w > 0) return (slope * (over + w / 2) ** 2) / (2 * w);
      return slope * over;
    };
    const first = channels[0]!,
      second = channels[1],
      more = channels.length > 2;
    for (let i = 0; i < n; i++) {
      let peak = Math.abs(first[i]!);
      if (second) {
        const a = Math.abs(second[i]!);
        if (a > peak) peak = a;
      }
      if (more)
        for (let c = 2; c < channels.length; c++) {
          const a = Math.abs(channels[c]![i]!);
          if (a > peak) peak = a;
        }
      let target = 0;
      if (rms) {
        meanSquare = aRms * meanSquare + (1 - aRms) * peak * peak;
        // A sine's RMS is its peak − 3.01 dB; +3.01 makes the two detectors agree on sines.
        if (meanSquare > msStart) target = reductionAt(powerToDb * Math.log(meanSquare) + 3.0103);
      } else if (peak > kneeStart) target = reductionAt(amplitudeToDb * Math.log(peak));
      const a = target > reduction ? aAttack : aRelease;
      reduction = a * reduction + (1 - a) * target;
      gains[i] = Math.abs(reduction) < 1e-7 ? makeup : makeup * Math.exp(reduction * dbToGain);
    }
    this.reduction = reduction;
    this.meanSquare = meanSquare;
    this.lastReductionDb = reduction;
    return gains;
  }
}
