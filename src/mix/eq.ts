/**
 * Parametric EQ: peaks, low and high shelves, and high- and low-pass filters of 12, 24, 36 or
 * 48 dB per octave (Butterworth cascades of cookbook biquads, dsp/biquad). Each band's design is
 * also its specification: `eqResponseDb` gives the curve the processed audio must follow.
 */
import { BiquadFilter, biquadResponse, designBiquad, type BiquadDesign } from '../dsp/index.js';
import { ZhiyinError } from '../errors/index.js';
import type { PlanarAudio } from '../audio/index.js';

export type EqBand =
  | { type: 'peak'; frequencyHz: number; gainDb: number; q: number }
  | { type: 'lowshelf' | 'highshelf'; frequencyHz: number; gainDb: number; q?: number }
  | { type: 'highpass' | 'lowpass'; frequencyHz: number; slopeDbPerOctave?: 12 | 24 | 36 | 48 };

/** The biquads of one band (a pass filter of 24 dB/octave is two, with Butterworth Qs). */
function sections(band: EqBand, sampleRate: number): BiquadDesign[] {
  if (!(band.frequencyHz > 0 && band.frequencyHz < sampleRate / 2))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `an EQ band at ${band.frequencyHz} Hz is outside 0–${sampleRate / 2} Hz (half the sample rate).`,
    );
  if (band.type === 'highpass' || band.type === 'lowpass') {
    const order = (band.slopeDbPerOctave ?? 12) / 6;
    // Butterworth: the poles of an order-n filter in pairs, Q_k = 1 / (2 sin((2k − 1)π / 2n)).
    return Array.from({ length: order / 2 }, (_, k) => ({
      type: band.type,
      frequencyHz: band.frequencyHz,
      sampleRate,
      q: 1 / (2 * Math.sin(((2 * k + 1) * Math.PI) / (2 * order))),
    }));
  }
  const b = band as Extract<EqBand, { gainDb: number }>;
  const type = b.type === 'peak' ? 'peaking' : b.type;
  return [
    { type, frequencyHz: b.frequencyHz, sampleRate, gainDb: b.gainDb, q: b.q ?? Math.SQRT1_2 },
  ];
}

/**
 * The designed response of a set of bands at a frequency, in dB.
 * @example eqResponseDb([{ type: 'peak', frequencyHz: 1000, gainDb: 6, q: 1 }], 1000, 48000) // 6
 */
export function eqResponseDb(bands: EqBand[], frequencyHz: number, sampleRate: number): number {
  let db = 0;
  for (const band of bands)
    for (const s of sections(band, sampleRate))
      db += biquadResponse(designBiquad(s), frequencyHz, sampleRate).db;
  return db;
}

/** A streaming EQ for audio of a fixed channel count: state carries across blocks. */
export class ParametricEq {
  private readonly filters: BiquadFilter[][];

  constructor(bands: EqBand[], sampleRate: number, channels: number) {
    const designs = bands.flatMap((b) => sections(b, sampleRate)).map((d) => designBiquad(d));
    this.filters = Array.from({ length: channels }, () => designs.map((c) => new BiquadFilter(c)));
  }

  /** Filters each channel of a block in place and returns it. */
  process(channels: Float32Array[]): Float32Array[] {
    channels.forEach((x, ch) => {
      for (const f of this.filters[ch] ?? []) f.process(x, x);
    });
    return channels;
  }
}

/**
 * A copy of `audio` through the EQ.
 * @example const warmer = equalize(audio, [{ type: 'lowshelf', frequencyHz: 250, gainDb: 3 }]);
 */
export function equalize(audio: PlanarAudio, bands: EqBand[]): PlanarAudio {
  const eq = new ParametricEq(bands, audio.sampleRate, audio.channels.length);
  return {
    sampleRate: audio.sampleRate,
    channels: eq.process(audio.channels.map((c) => c.slice())),
  };
}
