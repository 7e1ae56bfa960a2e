/**
 * Channel layouts: which speaker each channel feeds, and how to mix one layout into another.
 *
 * Positions follow the WAVE_FORMAT_EXTENSIBLE speaker mask (bit 0 = front left, in channel
 * order). Files without a mask get the usual layout for their channel count, as ffmpeg and
 * Microsoft define them: mono; stereo; 3.0 (L R C); quad (L R Lb Rb); 5.0; 5.1; 6.1
 * (L R C LFE Cb Ls Rs); 7.1 (L R C LFE Lb Rb Ls Rs).
 *
 * Down-mixing to stereo follows ITU-R BS.775 (centre and surrounds at −3 dB into their side,
 * LFE dropped), extended to the other positions by their side: a speaker on the left goes
 * left, a centred one goes to both at −3 dB (−6 dB for the back and top centres). Mono is the
 * mean of that stereo pair. Up-mixing puts each channel on the same speaker in the new layout
 * (mono goes to both front speakers of stereo, or to the centre of larger layouts).
 */
import { ZhiyinError, requireInteger } from '../errors/index.js';

/** Speaker positions, in mask bit order. */
export const SPEAKERS = [
  'FL',
  'FR',
  'FC',
  'LFE',
  'BL',
  'BR',
  'FLC',
  'FRC',
  'BC',
  'SL',
  'SR',
  'TC',
  'TFL',
  'TFC',
  'TFR',
  'TBL',
  'TBC',
  'TBR',
] as const;
export type Speaker = (typeof SPEAKERS)[number];

/** The usual speaker mask for a channel count (0 when there is none). */
export function defaultChannelMask(channelCount: number): number {
  const masks: Record<number, number> = {
    1: 0x4,
    2: 0x3,
    3: 0x7,
    4: 0x33,
    5: 0x37,
    6: 0x3f,
    7: 0x70f,
    8: 0x63f,
  };
  return masks[channelCount] ?? 0;
}

/**
 * The speaker of each channel, from a mask (default: the usual one for the count); channels
 * beyond the mask's bits have no known position (undefined).
 * @example channelPositions(6) // ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR']
 */
export function channelPositions(
  channelCount: number,
  channelMask?: number,
): (Speaker | undefined)[] {
  const mask = channelMask || defaultChannelMask(channelCount);
  const out: (Speaker | undefined)[] = [];
  for (let bit = 0; bit < SPEAKERS.length && out.length < channelCount; bit++)
    if (mask & (1 << bit)) out.push(SPEAKERS[bit]);
  while (out.length < channelCount) out.push(undefined);
  return out;
}

const H = Math.SQRT1_2;
/** Gains of each speaker into a stereo pair [left, right]. */
const TO_STEREO: Record<Speaker, [number, number]> = {
  FL: [1, 0],
  FR: [0, 1],
  FC: [H, H],
  LFE: [0, 0],
  BL: [H, 0],
  BR: [0, H],
  FLC: [0.9239, 0.3827],
  FRC: [0.3827, 0.9239],
  BC: [0.5, 0.5],
  SL: [H, 0],
  SR: [0, H],
  TC: [0.5, 0.5],
  TFL: [H, 0],
  TFC: [0.5, 0.5],
  TFR: [0, H],
  TBL: [0.5, 0],
  TBC: [0.3536, 0.3536],
  TBR: [0, 0.5],
};

/** Options of {@link remixMatrix}: the speaker masks of the two layouts, when known. */
export interface RemixLayouts {
  fromMask?: number;
  toMask?: number;
}

/**
 * The matrix (rows: output channels, columns: input channels) that mixes `from` channels
 * into `to` channels. Throws UNSUPPORTED_FORMAT where no standard mix exists (e.g. 7.1 to
 * 5.1, or channels without known positions to stereo).
 * @example remixMatrix(6, 2) // 5.1 → stereo per ITU-R BS.775
 */
export function remixMatrix(from: number, to: number, layouts: RemixLayouts = {}): number[][] {
  requireInteger('input channels', from, 1, 1024);
  requireInteger('output channels', to, 1, 1024);
  const m = Array.from({ length: to }, () => new Array<number>(from).fill(0));
  if (from === to) {
    for (let i = 0; i < to; i++) m[i]![i] = 1;
    return m;
  }
  if (from === 1) {
    // Mono: both sides of stereo at full level (a centred source keeps its level on each
    // speaker), or the centre of a larger layout.
    if (to === 2) {
      m[0]![0] = m[1]![0] = 1;
      return m;
    }
    const centre = channelPositions(to, layouts.toMask).indexOf('FC');
    if (centre >= 0) {
      m[centre]![0] = 1;
      return m;
    }
  }
  const source = channelPositions(from, layouts.fromMask);
  if (to <= 2) {
    if (source.some((s) => s === undefined)) {
      throw new ZhiyinError(
        'UNSUPPORTED_FORMAT',
        `There is no standard down-mix of ${from} channels without known speaker positions; mix them yourself (e.g. ffmpeg's pan filter).`,
      );
    }
    source.forEach((speaker, c) => {
      const [l, r] = TO_STEREO[speaker!];
      if (to === 2) {
        m[0]![c] = l;
        m[1]![c] = r;
      } else m[0]![c] = (l + r) / 2;
    });
    return m;
  }
  // Other layouts: every input speaker must exist in the output layout.
  const target = channelPositions(to, layouts.toMask);
  for (let c = 0; c < from; c++) {
    const speaker = source[c];
    const row = speaker === undefined ? -1 : target.indexOf(speaker);
    if (row < 0) {
      throw new ZhiyinError(
        'UNSUPPORTED_FORMAT',
        `Zhiyin mixes ${from} channels down to mono or stereo, or into a layout that has all of their speakers; ${to} channels is neither. Convert to 2 channels, or use ffmpeg's pan filter.`,
      );
    }
    m[row]![c] = 1;
  }
  return m;
}
