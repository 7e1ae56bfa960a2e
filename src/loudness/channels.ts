/**
 * Channel weights of ITU-R BS.1770-4 (Table 4): 1.41 (+1.5 dB) for channels beside the
 * listener (elevation < 30°, 60° ≤ |azimuth| ≤ 120°), 0 for LFE, 1.0 for all others.
 *
 * Without a speaker mask we assume the WAV/SMPTE order for the channel count (mono; L R;
 * L R C; quad L R Ls Rs; 5.0 L R C Ls Rs; 5.1 L R C LFE Ls Rs; 6.1 with a back centre;
 * 7.1 L R C LFE Lb Rb Ls Rs). With a WAVE_FORMAT_EXTENSIBLE mask we read positions from it;
 * the "back" pair of a 5.1 mask (0x3F) is the surround pair at ±110° by convention, while in
 * layouts that also have side channels the back pair sits at ±135–150° and weighs 1.0.
 */

const SURROUND = 1.41;

/** Weights for a channel count, in WAV channel order. */
export function defaultChannelWeights(channelCount: number): number[] {
  switch (channelCount) {
    case 1:
      return [1];
    case 2:
      return [1, 1];
    case 3:
      return [1, 1, 1];
    case 4:
      return [1, 1, SURROUND, SURROUND];
    case 5:
      return [1, 1, 1, SURROUND, SURROUND];
    case 6:
      return [1, 1, 1, 0, SURROUND, SURROUND];
    case 7:
      return [1, 1, 1, 0, SURROUND, SURROUND, 1];
    case 8:
      return [1, 1, 1, 0, 1, 1, SURROUND, SURROUND];
    default:
      return new Array<number>(channelCount).fill(1);
  }
}

/**
 * Weights from a WAVE_FORMAT_EXTENSIBLE speaker mask (bits in channel order).
 * @example weightsFromChannelMask(0x3f) // 5.1: [1, 1, 1, 0, 1.41, 1.41]
 */
export function weightsFromChannelMask(mask: number, channelCount: number): number[] {
  const hasSides = (mask & (0x200 | 0x400)) !== 0;
  const weights: number[] = [];
  for (let bit = 0; bit < 32 && weights.length < channelCount; bit++) {
    if (!(mask & (1 << bit))) continue;
    if (bit === 3)
      weights.push(0); // LFE
    else if (bit === 4 || bit === 5)
      weights.push(hasSides ? 1 : SURROUND); // back left/right
    else if (bit === 9 || bit === 10)
      weights.push(SURROUND); // side left/right
    else weights.push(1);
  }
  while (weights.length < channelCount) weights.push(1); // channels beyond the mask: unassigned
  return weights;
}
