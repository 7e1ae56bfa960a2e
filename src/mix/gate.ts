/**
 * A downward expander and gate: below the threshold the level falls `ratio` times faster than
 * the input (a ratio of 20 or more is a gate), never by more than `rangeDb`; the gain is held
 * for `holdSeconds` after the signal was last above the threshold, then released, so a note's
 * decay is not chopped. Detection as in the compressor (peak, linked channels).
 */
import { ZhiyinError } from '../errors/index.js';

export interface ExpanderSettings {
  thresholdDb: number;
  /** Expansion ratio ≥ 1 (default 4; ≥ 20 acts as a gate). */
  ratio?: number;
  /** Largest attenuation, dB (default 40). */
  rangeDb?: number;
  attackSeconds?: number;
  holdSeconds?: number;
  releaseSeconds?: number;
}

/**
 * Static curve: the attenuation (dB, ≥ 0) for an input level.
 * @example expanderAttenuationDb(-50, { thresholdDb: -40, ratio: 3 }) // 20
 */
export function expanderAttenuationDb(levelDb: number, s: ExpanderSettings): number {
  const under = s.thresholdDb - levelDb;
  if (under <= 0) return 0;
  return Math.min(s.rangeDb ?? 40, under * ((s.ratio ?? 4) - 1));
}

/** A streaming, channel-linked expander: state carries across blocks. */
export class Expander {
  private readonly s: ExpanderSettings;
  private readonly aAttack: number;
  private readonly aRelease: number;
  private readonly holdSamples: number;
  private attenuation: number;
  private held = 0;

  constructor(settings: ExpanderSettings, sampleRate: number) {
    const ratio = settings.ratio ?? 4;
    if (!(ratio >= 1 && ratio <= 1000))
      throw new ZhiyinError('INVALID_ARGUMENT', `expander: ratio must be 1–1000, got ${ratio}.`);
    if (!((settings.rangeDb ?? 40) > 0 && (settings.rangeDb ?? 40) <= 120))
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        'expander: range must be above 0 and at most 120 dB.',
      );
    this.s = settings;
    this.aAttack = Math.exp(-1 / ((settings.attackSeconds ?? 0.002) * sampleRate));
    this.aRelease = Math.exp(-1 / ((settings.releaseSeconds ?? 0.1) * sampleRate));
    this.holdSamples = Math.round((settings.holdSeconds ?? 0.05) * sampleRate);
    this.attenuation = settings.rangeDb ?? 40; // closed until the signal opens it
  }

  /** Processes a block of channels in place and returns it. */
  process(channels: Float32Array[]): Float32Array[] {
    const n = channels[0]?.length ?? 0;
    let att = this.attenuation;
    for (let i = 0; i < n; i++) {
      let peak = 0;
      for (const c of channels) peak = Math.max(peak, Math.abs(c[i]!));
      const levelDb = peak > 1e-10 ? 20 * Math.log10(peak) : -200;
      let target = expanderAttenuationDb(levelDb, this.s);
      if (target === 0) this.held = this.holdSamples;
      else if (this.held > 0) {
        this.held--;
        target = Math.min(target, att); // hold: do not close further yet
      }
      // Opening (less attenuation) is the attack; closing is the release.
      const a = target < att ? this.aAttack : this.aRelease;
      att = a * att + (1 - a) * target;
      const gain = 10 ** (-att / 20);
      for (const c of channels) c[i] = c[i]! * gain;
    }
    this.attenuation = att;
    return channels;
  }
}
