/**
 * Late-reverberation suppression by spectral subtraction (Lebart, Boucher & Denbigh 2001,
 * Acta Acustica 87: "A new method based on spectral subtraction for speech dereverberation").
 *
 * A room's late reverberation decays exponentially, so its power in a bin `T` seconds from now
 * is the present power times e^(−2ΔT), with Δ = 3·ln 10 / T60. The suppressor smooths each
 * bin's power over time, predicts the late reverberant part from the smoothed power `delay`
 * seconds earlier, and keeps the share of the bin that is not predicted reverberation (a power
 * gain of 1 − late/total, floored so that no bin is emptied). Direct sound and early
 * reflections (within `delay`) are untouched; the tail between notes and words falls.
 * Channels share one gain computed from their mean power, so the stereo image stays put.
 */
import { istft, stft } from '../dsp/index.js';
import { ZhiyinError } from '../errors/index.js';
import type { PlanarAudio } from '../audio/index.js';

export interface DereverbSettings {
  /** Decay time of the room to suppress, seconds (default 1; 0.2–8). */
  rt60Seconds?: number;
  /** How far from the direct sound late reverberation begins, seconds (default 0.05). */
  delaySeconds?: number;
  /** Largest attenuation of a bin, dB (default 15). */
  floorDb?: number;
  /** Share of the predicted reverberation taken away, 0–1 (default 1). */
  amount?: number;
}

/**
 * Returns a copy of `audio` with its late reverberation turned down.
 * @example const closer = dereverberate(take, { rt60Seconds: 0.8 });
 */
export function dereverberate(audio: PlanarAudio, settings: DereverbSettings = {}): PlanarAudio {
  const rt60 = settings.rt60Seconds ?? 1;
  const delay = settings.delaySeconds ?? 0.05;
  const floorDb = settings.floorDb ?? 15;
  const amount = settings.amount ?? 1;
  if (!(rt60 >= 0.2 && rt60 <= 8))
    throw new ZhiyinError('INVALID_ARGUMENT', `de-reverb: T60 must be 0.2–8 s, got ${rt60}.`);
  if (!(delay >= 0.01 && delay <= 0.2))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `de-reverb: the delay must be 0.01–0.2 s, got ${delay}.`,
    );
  if (!(floorDb > 0 && floorDb <= 40))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `de-reverb: the floor must be 0–40 dB, got ${floorDb}.`,
    );
  if (!(amount >= 0 && amount <= 1))
    throw new ZhiyinError('INVALID_ARGUMENT', `de-reverb: the amount must be 0–1, got ${amount}.`);
  const { sampleRate, channels } = audio;
  const fftSize = 2 ** Math.max(8, Math.round(Math.log2(0.023 * sampleRate)));
  const hop = fftSize / 4;
  const specs = channels.map((c) => stft(c, { fftSize, hopSize: hop }));
  const { frames, bins } = specs[0]!;
  const lag = Math.max(1, Math.round((delay * sampleRate) / hop));
  const decay = Math.exp((-2 * 3 * Math.LN10 * lag * hop) / (rt60 * sampleRate)) * amount;
  // Power smoothing with a time constant of about 30 ms (Lebart's recursive average).
  const alpha = Math.exp(-hop / (0.03 * sampleRate));
  const floor = 10 ** (-floorDb / 10);
  const smoothed = new Float32Array(frames * bins);
  const prev = new Float64Array(bins);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < bins; k++) {
      let p = 0;
      for (const s of specs) p += s.re[f * bins + k]! ** 2 + s.im[f * bins + k]! ** 2;
      p /= specs.length;
      // A rise is taken at once (an onset), a fall smoothed (the decay).
      const v = p > prev[k]! ? p : alpha * prev[k]! + (1 - alpha) * p;
      prev[k] = v;
      smoothed[f * bins + k] = v;
    }
  }
  for (let f = lag; f < frames; f++) {
    for (let k = 0; k < bins; k++) {
      const total = smoothed[f * bins + k]!;
      if (!(total > 0)) continue;
      const late = decay * smoothed[(f - lag) * bins + k]!;
      const g = Math.sqrt(Math.max(floor, 1 - late / total));
      for (const s of specs) {
        s.re[f * bins + k]! *= g;
        s.im[f * bins + k]! *= g;
      }
    }
  }
  return { sampleRate, channels: specs.map((s) => istft(s)) };
}
