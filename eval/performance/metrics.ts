/**
 * Pitch-tracking metrics with the definitions of mir_eval.melody (Raffel et al. 2014):
 * raw pitch accuracy (RPA), raw chroma accuracy (RCA), voicing recall (VR) and voicing false
 * alarm rate (VFA), over the frames of an estimate, against a per-sample ground truth.
 */
import type { PitchTrack } from '../../src/analysis/index.js';
import type { Phrase } from './synth.js';

export interface PitchScores {
  rpa: number;
  rca: number;
  voicingRecall: number;
  voicingFalseAlarm: number;
  /** Median absolute error in cents over frames both voiced and within 50 cents. */
  medianErrorCents: number;
  frames: number;
}

/** The reference at a frame time: f0 in Hz, or 0 where the phrase is silent or fading. */
export function referenceAt(phrase: Phrase, seconds: number): number {
  const i = Math.round(seconds * phrase.sampleRate);
  if (i < 0 || i >= phrase.f0Hz.length) return 0;
  return phrase.amplitude[i]! >= 0.25 ? phrase.f0Hz[i]! : 0;
}

/** Scores an estimate against a phrase; `tolerance` in cents (mir_eval: 50). */
export function scorePitch(track: PitchTrack, phrase: Phrase, tolerance = 50): PitchScores {
  let refVoiced = 0,
    refUnvoiced = 0,
    hit = 0,
    chromaHit = 0,
    recalled = 0,
    falseAlarm = 0;
  const errors: number[] = [];
  for (let i = 0; i < track.times.length; i++) {
    const ref = referenceAt(phrase, track.times[i]!);
    const est = track.voiced[i] ? track.f0Hz[i]! : 0;
    if (ref > 0) {
      refVoiced++;
      if (est > 0) {
        recalled++;
        const cents = 1200 * Math.log2(est / ref);
        if (Math.abs(cents) <= tolerance) {
          hit++;
          errors.push(Math.abs(cents));
        }
        const folded = Math.abs(cents - 1200 * Math.round(cents / 1200));
        if (folded <= tolerance) chromaHit++;
      }
    } else {
      refUnvoiced++;
      if (est > 0) falseAlarm++;
    }
  }
  errors.sort((a, b) => a - b);
  return {
    rpa: hit / Math.max(1, refVoiced),
    rca: chromaHit / Math.max(1, refVoiced),
    voicingRecall: recalled / Math.max(1, refVoiced),
    voicingFalseAlarm: falseAlarm / Math.max(1, refUnvoiced),
    medianErrorCents: errors[errors.length >> 1] ?? NaN,
    frames: track.times.length,
  };
}
