/**
 * Unit conversions: decibels, gain, pitch (Hz, MIDI, cents).
 *
 * Conventions (VISION.md): A4 = 440 Hz = MIDI 69 unless a reference is given; names carry
 * units. Decibel helpers treat amplitude (20·log10) and power (10·log10) separately.
 */

/**
 * Amplitude ratio for a level in dB (20·log10 convention).
 * @example dbToGain(-6.0206) // ≈ 0.5
 */
export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

/**
 * Level in dB of an amplitude ratio; 0 gives -Infinity.
 * @example gainToDb(0.5) // ≈ -6.02
 */
export function gainToDb(gain: number): number {
  return 20 * Math.log10(Math.abs(gain));
}

/**
 * Level in dB of a power ratio (10·log10 convention); 0 gives -Infinity.
 * @example powerToDb(0.5) // ≈ -3.01
 */
export function powerToDb(power: number): number {
  return 10 * Math.log10(power);
}

/**
 * Power ratio for a level in dB.
 * @example dbToPower(3.0103) // ≈ 2
 */
export function dbToPower(db: number): number {
  return Math.pow(10, db / 10);
}

/**
 * Frequency in Hz of a (possibly fractional) MIDI note number.
 * @example midiToHz(69) // 440
 */
export function midiToHz(midi: number, a4Hz = 440): number {
  return a4Hz * Math.pow(2, (midi - 69) / 12);
}

/**
 * Fractional MIDI note number of a frequency in Hz.
 * @example hzToMidi(261.6256) // ≈ 60
 */
export function hzToMidi(hz: number, a4Hz = 440): number {
  return 69 + 12 * Math.log2(hz / a4Hz);
}

/**
 * Interval in cents from `fromHz` up to `toHz` (negative when `toHz` is lower).
 * @example centsBetween(440, 880) // 1200
 */
export function centsBetween(fromHz: number, toHz: number): number {
  return 1200 * Math.log2(toHz / fromHz);
}

/**
 * Frequency ratio of an interval in cents.
 * @example centsToRatio(700) // ≈ 1.4983 (an equal-tempered fifth)
 */
export function centsToRatio(cents: number): number {
  return Math.pow(2, cents / 1200);
}

/**
 * Interval in cents of a frequency ratio.
 * @example ratioToCents(3 / 2) // ≈ 701.96 (a just fifth)
 */
export function ratioToCents(ratio: number): number {
  return 1200 * Math.log2(ratio);
}

/**
 * Pitch in absolute cents (MIDI number × 100), the internal pitch scale of Zhiyin.
 * @example hzToCents(440) // 6900
 */
export function hzToCents(hz: number, a4Hz = 440): number {
  return hzToMidi(hz, a4Hz) * 100;
}

/**
 * Frequency in Hz of an absolute-cents pitch (MIDI number × 100).
 * @example centsToHz(6900) // 440
 */
export function centsToHz(cents: number, a4Hz = 440): number {
  return midiToHz(cents / 100, a4Hz);
}
