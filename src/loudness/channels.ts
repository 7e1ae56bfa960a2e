/**
 * Channel weights of ITU-R BS.1770-4 (Table 4): 1.41 (+1.5 dB) for channels beside the
 * listener (elevation < 30°, 60° ≤ |azimuth| ≤ 120°), 0 for LFE, 1.0 for all others.
 *
 * Speaker positions come from the channel layout (audio/layout.ts: the WAV mask, or the
 * usual layout for the channel count). The "back" pair of a layout without side channels
 * (5.0, 5.1, quad) is the surround pair at ±110° by convention and weighs 1.41; in layouts
 * that also have side channels (7.1) the back pair sits at ±135–150° and weighs 1.0.
 */
import { channelPositions } from '../audio/index.js';

const SURROUND = 1.41;

/**
 * BS.1770 weights for a layout, in channel order.
 * @example bs1770Weights(6) // 5.1: [1, 1, 1, 0, 1.41, 1.41]
 */
export function bs1770Weights(channelCount: number, channelMask?: number): number[] {
  const positions = channelPositions(channelCount, channelMask);
  const hasSides = positions.includes('SL') || positions.includes('SR');
  return positions.map((p) => {
    if (p === 'LFE') return 0;
    if (p === 'SL' || p === 'SR') return SURROUND;
    if (p === 'BL' || p === 'BR') return hasSides ? 1 : SURROUND;
    return 1;
  });
}
