/**
 * Loudness: ITU-R BS.1770-4 / EBU R128 metering (momentary, short-term, integrated,
 * loudness range, sample and true peak; streaming, any channel layout) and normalisation
 * to a target with a true-peak ceiling. Portable: no Node built-ins.
 */
import type { PlanarAudio } from '../audio/index.js';
import { LoudnessMeter, type LoudnessMeterOptions, type LoudnessResult } from './meter.js';

export { LoudnessMeter, type LoudnessMeterOptions, type LoudnessResult } from './meter.js';
export {
  planNormalization,
  type NormalizationPlan,
  type NormalizationTarget,
} from './normalize.js';
export { bs1770Weights } from './channels.js';
export { kWeightingCoefficients } from './kweighting.js';
export {
  TruePeakMeter,
  interSamplePeaks,
  truePeakDesign,
  type TruePeakDesign,
} from './truepeak.js';

/**
 * Measures whole audio in one call.
 * @example const { integratedLufs, truePeakDbtp } = measureLoudness(audio);
 */
export function measureLoudness(
  audio: PlanarAudio,
  options: Omit<LoudnessMeterOptions, 'sampleRate' | 'channelCount'> = {},
): LoudnessResult {
  const meter = new LoudnessMeter({
    ...options,
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
  });
  meter.push(audio.channels);
  return meter.result();
}
