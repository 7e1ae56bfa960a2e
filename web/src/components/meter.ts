/**
 * Momentary loudness (BS.1770-4, 400 ms) of decoded audio every 100 ms, with Zhiyin's own meter
 * (src/loudness, portable), so the studio's live meter shows the same LUFS the mix report does.
 */
import { LoudnessMeter } from '../../../src/loudness/index.js';

export function momentarySeries(channels: Float32Array[], sampleRate: number): Float32Array {
  const out: number[] = [];
  const meter = new LoudnessMeter({
    sampleRate,
    channelCount: channels.length,
    onUpdate: (u) => out.push(u.momentaryLufs),
  });
  meter.push(channels);
  return Float32Array.from(out);
}

/** The series' value at `seconds` (each value ends a 100 ms block). */
export function at(series: Float32Array | undefined, seconds: number): number | undefined {
  if (!series?.length) return undefined;
  const i = Math.min(series.length - 1, Math.max(0, Math.floor(seconds * 10) - 1));
  return series[i];
}
