/**
 * A split-band de-esser: the signal is split at `frequencyHz` into a low part and a high part
 * (a Butterworth high-pass and its exact complement, low = x − high, so the two always sum
 * back to the input), the RMS level of the high part drives a compressor static curve
 * (compressor.ts), and only the high part is turned down. Below the threshold the output is
 * the input itself; vowels and voiced sounds below the split frequency are never touched.
 */
import { BiquadFilter, designBiquad } from '../dsp/index.js';
import { ZhiyinError } from '../errors/index.js';
import { compressorCurveDb } from './compressor.js';

export interface DeEsserSettings {
  /** Where sibilance starts, Hz (default 5000). */
  frequencyHz?: number;
  /** RMS level of the high band above which it is turned down, dBFS (default −30). */
  thresholdDb?: number;
  /** Compression ratio of the high band (default 4). */
  ratio?: number;
  /** Largest reduction, dB (default 12). */
  rangeDb?: number;
  /** Attack and release of the reduction, seconds (defaults 0.001 and 0.06). */
  attackSeconds?: number;
  releaseSeconds?: number;
  /** Window of the RMS detector, seconds (default 0.005). */
  rmsWindowSeconds?: number;
}

/**
 * The reduction (dB, ≥ 0) the de-esser aims at for a steady high-band RMS level.
 * @example deEsserReductionDb(-10, { thresholdDb: -30, ratio: 4, rangeDb: 12 }) // 12 (15, capped)
 */
export function deEsserReductionDb(levelDb: number, s: DeEsserSettings = {}): number {
  const curve = { thresholdDb: s.thresholdDb ?? -30, ratio: s.ratio ?? 4, kneeDb: 0 };
  return Math.min(s.rangeDb ?? 12, Math.max(0, levelDb - compressorCurveDb(levelDb, curve)));
}

const DB_TO_LN = -Math.LN10 / 20;

/** A streaming, channel-linked de-esser: state carries across blocks. */
export class DeEsser {
  private readonly s: DeEsserSettings;
  private readonly split: BiquadFilter[];
  private readonly aAttack: number;
  private readonly aRelease: number;
  private readonly aRms: number;
  private meanSquare = 0;
  private reduction = 0;
  /** The largest reduction applied so far, dB (for reports). */
  maxReductionDb = 0;

  constructor(settings: DeEsserSettings, sampleRate: number, channels: number) {
    const f = settings.frequencyHz ?? 5000;
    if (!(f >= 1000 && f < sampleRate / 2))
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `de-esser: the split frequency must be from 1 kHz to below ${sampleRate / 2} Hz, got ${f}.`,
      );
    const ratio = settings.ratio ?? 4;
    if (!(ratio >= 1 && ratio <= 100))
      throw new ZhiyinError('INVALID_ARGUMENT', `de-esser: ratio must be 1–100, got ${ratio}.`);
    this.s = settings;
    const design = designBiquad({ type: 'highpass', frequencyHz: f, sampleRate });
    this.split = Array.from({ length: channels }, () => new BiquadFilter(design));
    this.aAttack = Math.exp(-1 / ((settings.attackSeconds ?? 0.001) * sampleRate));
    this.aRelease = Math.exp(-1 / ((settings.releaseSeconds ?? 0.06) * sampleRate));
    this.aRms = Math.exp(-1 / ((settings.rmsWindowSeconds ?? 0.005) * sampleRate));
  }

  /** De-esses a block of channels in place and returns it. */
  process(channels: Float32Array[]): Float32Array[] {
    const n = channels[0]?.length ?? 0;
    const highs = channels.map((c, ch) => this.split[ch]!.process(c));
    let ms = this.meanSquare,
      reduction = this.reduction,
      most = this.maxReductionDb;
    const { aRms, aAttack, aRelease } = this;
    // deEsserReductionDb inlined (hard knee): nothing below the threshold, so no logarithm there.
    const thresholdDb = this.s.thresholdDb ?? -30,
      slope = 1 - 1 / (this.s.ratio ?? 4),
      range = this.s.rangeDb ?? 12,
      msThreshold = 10 ** (thresholdDb / 10),
      toDb = 10 / Math.LN10;
    for (let i = 0; i < n; i++) {
      let peak = 0;
      for (let ch = 0; ch < highs.length; ch++) {
        const a = Math.abs(highs[ch]![i]!);
        if (a > peak) peak = a;
      }
      ms = aRms * ms + (1 - aRms) * peak * peak;
      const target =
        ms > msThreshold ? Math.min(range, slope * (toDb * Math.log(ms) - thresholdDb)) : 0;
      const a = target > reduction ? aAttack : aRelease;
      reduction = a * reduction + (1 - a) * target;
      if (reduction > most) most = reduction;
      if (reduction < 1e-6) continue; // untouched: the output is the input
      const cut = 1 - Math.exp(reduction * DB_TO_LN);
      for (let ch = 0; ch < channels.length; ch++)
        channels[ch]![i] = channels[ch]![i]! - cut * highs[ch]![i]!;
    }
    this.meanSquare = ms;
    this.reduction = reduction;
    this.maxReductionDb = most;
    return channels;
  }
}
