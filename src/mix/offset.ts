/**
 * How late a vocal take is against its backing track, from the backing's bleed in the take.
 *
 * A take recorded while the backing plays from a loudspeaker holds a faint copy of the backing
 * (bleed), delayed by the device's round-trip latency. Generalised cross-correlation (Knapp &
 * Carter 1976, IEEE Trans. ASSP 24(4)) finds the delay: the cross-spectrum of take and backing,
 * averaged over segments of 2 s (or four times the search range, if longer) a quarter apart,
 * turned back into a correlation over lags, peaks at the delay.
 *
 * The bleed lies 20–35 dB under the voice and the room noise, so the weighting decides: each
 * segment's bins count by the inverse of the take's own power there (crossspectrum.ts), so that
 * pauses, where the bleed is least masked, count most. The sum is then normalised by the root
 * of the backing's power weighted alike, a smoothed coherence transform (SCOT; Carter, Nuttall &
 * Cable 1973, Proc. IEEE 61(10)): bins where the bleed is consistently present outweigh bins of
 * noise. Only 150 Hz–3.8 kHz is used (a phone's loudspeaker and a telephone-band take share
 * it), at 14–28 kHz where the rate allows, after an anti-alias low-pass and integer decimation
 * (dsp/decimate). Sub-sample position by a parabola through the peak.
 *
 * Confidence is the peak's height over the correlation's other values in robust standard
 * deviations (median and MAD over every lag of a segment, so the scale does not depend on the
 * range searched). Calibrated on the automix evaluation's tuning set (48 takes of 30 s,
 * eval/automix.ts): with no bleed (the same takes as if sung on headphones) the highest peak
 * reached z = 8.2; every correct estimate had z ≥ 9.3. Confidence is 0 at z = 8 and 1 from
 * z = 11; automix applies the offset from 0.3 (z = 8.9).
 * Fewer than eight segments (under about 5.5–8 s of take over backing, by sample rate) give no
 * estimate.
 * Portable: no Node built-ins.
 */
import { ZhiyinError } from '../errors/index.js';
import { resampleAudio, type PlanarAudio } from '../audio/index.js';
import { RealFft, analysisFactor, decimate, nextPowerOfTwo } from '../dsp/index.js';
import { weightedCrossSpectrum } from './crossspectrum.js';

export interface OffsetEstimate {
  /** How late the take is against the backing, seconds (negative: early). */
  seconds: number;
  /** 0 (no evidence) to 1 (unmistakable). */
  confidence: number;
  /** Height of the correlation peak above the other lags, in robust standard deviations. */
  peakZ: number;
  method: 'gcc-scot-weighted';
  /** Seconds of take over backing that the estimate used. */
  analysedSeconds: number;
  /** True when the take (over the backing) was too short to estimate anything. */
  tooShort: boolean;
}

export interface OffsetOptions {
  /**
   * Largest offset searched either way, seconds (default 0.5; a phone's round trip is usually
   * 50–300 ms). Segments are four times as long (at least 2 s), so a bleed at the largest lag
   * keeps two thirds of its correlation peak.
   */
  maxLagSeconds?: number;
  /** How much of the start is analysed, seconds (default 120). */
  analysisSeconds?: number;
}

const LOW_HZ = 150;
const HIGH_HZ = 3800;
const SMOOTH_BINS = 64;
const MIN_SEGMENTS = 8;

/** Confidence from the peak's robust z-score (see the header for the calibration). */
export const offsetConfidence = (z: number) => Math.min(1, Math.max(0, (z - 8) / 3));

/** Mono, decimated by `factor` (identical filters on take and backing: their phase cancels in the cross-spectrum). */
function analysisSignal(audio: PlanarAudio, factor: number, frames: number): Float32Array {
  const mono = new Float32Array(frames);
  for (const c of audio.channels) for (let i = 0; i < frames; i++) mono[i]! += c[i]!;
  return decimate(mono, factor, audio.sampleRate);
}

/**
 * Finds how late `take` is against `backing` from the backing's bleed in the take.
 * @example const { seconds, confidence } = estimateOffset(take, backing);
 */
export function estimateOffset(
  take: PlanarAudio,
  backing: PlanarAudio,
  options: OffsetOptions = {},
): OffsetEstimate {
  const maxLagSeconds = options.maxLagSeconds ?? 0.5;
  if (!(maxLagSeconds > 0 && maxLagSeconds <= 5))
    throw new ZhiyinError('INVALID_ARGUMENT', 'the offset search must be within ±5 s.');
  const analysisSeconds = options.analysisSeconds ?? 120;
  if (!(analysisSeconds >= 1 && analysisSeconds <= 3600))
    throw new ZhiyinError('INVALID_ARGUMENT', 'the offset analysis must cover 1 s to 1 hour.');
  const sampleRate = backing.sampleRate;
  if (take.sampleRate !== sampleRate) take = resampleAudio(take, sampleRate);
  const factor = analysisFactor(sampleRate, 14_000);
  const rate = sampleRate / factor;
  const seconds = analysisSeconds + 2 * maxLagSeconds;
  const frames = Math.min(
    take.channels[0]?.length ?? 0,
    backing.channels[0]?.length ?? 0,
    Math.round(seconds * sampleRate),
  );
  const x = analysisSignal(take, factor, frames);
  const y = analysisSignal(backing, factor, frames);
  const n = x.length;
  // Segments of at least 2 s and four times the longest lag, a quarter of a segment apart.
  const size = nextPowerOfTwo(Math.ceil(Math.max(2, 4 * maxLagSeconds) * rate));
  const hop = size / 4;
  const none = (analysedSeconds: number, tooShort: boolean): OffsetEstimate => ({
    seconds: 0,
    confidence: 0,
    peakZ: 0,
    method: 'gcc-scot-weighted',
    analysedSeconds,
    tooShort,
  });
  if (n < size + (MIN_SEGMENTS - 1) * hop) return none(n / rate, true);

  const lo = Math.ceil((LOW_HZ / rate) * size),
    hi = Math.floor((HIGH_HZ / rate) * size);
  const spectrum = weightedCrossSpectrum(x, y, {
    size,
    hop,
    lowBin: lo,
    highBin: hi,
    smoothBins: SMOOTH_BINS,
  });
  const segments = spectrum.frames;
  const analysedSeconds = (size + (segments - 1) * hop) / rate;
  // Enough audio, but too much of it silent: no evidence either way.
  if (segments < MIN_SEGMENTS) return none(Math.max(0, analysedSeconds), false);
  // Normalised by the root of the backing's power weighted alike (SCOT).
  const { re: aRe, im: aIm, backingPower: b } = spectrum;
  for (let k = 0; k < aRe.length; k++) {
    if (k < lo || k > hi || !(b[k]! > 0)) {
      aRe[k] = 0;
      aIm[k] = 0;
    } else {
      const d = Math.sqrt(b[k]!);
      aRe[k] = aRe[k]! / d;
      aIm[k] = aIm[k]! / d;
    }
  }
  const fft = new RealFft(size);
  const r = new Float64Array(size);
  fft.inverse(aRe, aIm, r);
  const lag = Math.min(Math.round(maxLagSeconds * rate), size / 2 - 1);
  const at = (d: number) => r[(d + size) % size]!;
  let best = 0,
    bestValue = -Infinity;
  for (let d = -lag; d <= lag; d++) {
    const v = at(d);
    if (v > bestValue) {
      bestValue = v;
      best = d;
    }
  }
  // The spread is taken over every lag of the segment, whatever range is searched, so that
  // the z-score keeps one scale (and its calibration) for any search range.
  const values = Float64Array.from(r).sort();
  const middle = values.length >> 1;
  const median = values[middle]!;
  for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i]! - median);
  values.sort();
  const spread = 1.4826 * values[middle]! || 1e-12;
  const peakZ = (bestValue - median) / spread;
  // Parabolic interpolation around the peak.
  const a = at(best - 1),
    c = at(best + 1);
  const den = a - 2 * bestValue + c;
  const frac = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : 0;
  return {
    seconds: (best + frac) / rate,
    confidence: offsetConfidence(peakZ),
    peakZ,
    method: 'gcc-scot-weighted',
    analysedSeconds,
    tooShort: false,
  };
}
