/**
 * Conversions between interleaved PCM bytes (little-endian, as in WAV) and planar floats,
 * and dither for integer output.
 *
 * Integer scaling follows the common convention (and ffmpeg's): an N-bit sample s maps to
 * s / 2^(N−1), so full-scale negative is exactly −1 and positive full scale is 1 − 2^(1−N);
 * 8-bit WAV is unsigned with its zero at 128. Encoding rounds to the nearest step and clips
 * to the integer range.
 */

/** How samples are stored. */
export type SampleEncoding =
  | { kind: 'int'; bytes: 1 | 2 | 3 | 4; unsigned8?: boolean }
  | { kind: 'float'; bytes: 4 | 8 }
  | { kind: 'alaw' }
  | { kind: 'mulaw' };

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per stored sample. */
export function bytesPerSample(enc: SampleEncoding): number {
  return enc.kind === 'alaw' || enc.kind === 'mulaw' ? 1 : enc.bytes;
}

/**
 * Decodes `frames` interleaved frames from `bytes` (starting at byte 0) into `out` channels
 * starting at frame `outOffset`.
 */
export function decodeInterleaved(
  bytes: Uint8Array,
  enc: SampleEncoding,
  channelCount: number,
  frames: number,
  out: Float32Array[],
  outOffset = 0,
): void {
  const n = frames * channelCount;
  const aligned = (k: number) => littleEndian && bytes.byteOffset % k === 0;
  if (enc.kind === 'int' && enc.bytes === 2 && aligned(2)) {
    const v = new Int16Array(bytes.buffer, bytes.byteOffset, n);
    deinterleave(v, 1 / 32768, 0, channelCount, frames, out, outOffset);
  } else if (enc.kind === 'float' && enc.bytes === 4 && aligned(4)) {
    deinterleave(
      new Float32Array(bytes.buffer, bytes.byteOffset, n),
      1,
      0,
      channelCount,
      frames,
      out,
      outOffset,
    );
  } else if (enc.kind === 'int' && enc.bytes === 4 && aligned(4)) {
    deinterleave(
      new Int32Array(bytes.buffer, bytes.byteOffset, n),
      1 / 2147483648,
      0,
      channelCount,
      frames,
      out,
      outOffset,
    );
  } else if (enc.kind === 'float' && enc.bytes === 8 && aligned(8)) {
    deinterleave(
      new Float64Array(bytes.buffer, bytes.byteOffset, n),
      1,
      0,
      channelCount,
      frames,
      out,
      outOffset,
    );
  } else if (enc.kind === 'int' && enc.bytes === 1) {
    deinterleave(bytes, 1 / 128, -128, channelCount, frames, out, outOffset);
  } else if (enc.kind === 'int' && enc.bytes === 3) {
    for (let c = 0; c < channelCount; c++) {
      const o = out[c]!;
      for (let f = 0, i = 3 * c; f < frames; f++, i += 3 * channelCount) {
        const v = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16);
        o[outOffset + f] = ((v << 8) >> 8) / 8388608; // sign-extend 24 → 32 bits
      }
    }
  } else if (enc.kind === 'alaw' || enc.kind === 'mulaw') {
    const table = enc.kind === 'alaw' ? ALAW : MULAW;
    for (let c = 0; c < channelCount; c++) {
      const o = out[c]!;
      for (let f = 0, i = c; f < frames; f++, i += channelCount)
        o[outOffset + f] = table[bytes[i]!]!;
    }
  } else {
    // Unaligned or big-endian host: the general, slower path.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = bytesPerSample(enc);
    for (let c = 0; c < channelCount; c++) {
      const o = out[c]!;
      for (let f = 0, i = size * c; f < frames; f++, i += size * channelCount) {
        let v: number;
        if (enc.kind === 'float')
          v = enc.bytes === 4 ? view.getFloat32(i, true) : view.getFloat64(i, true);
        else if (enc.bytes === 2) v = view.getInt16(i, true) / 32768;
        else v = view.getInt32(i, true) / 2147483648;
        o[outOffset + f] = v;
      }
    }
  }
}

function deinterleave(
  v: ArrayLike<number>,
  scale: number,
  bias: number,
  channelCount: number,
  frames: number,
  out: Float32Array[],
  outOffset: number,
): void {
  if (channelCount === 2) {
    const l = out[0]!,
      r = out[1]!;
    for (let f = 0, i = 0; f < frames; f++, i += 2) {
      l[outOffset + f] = (v[i]! + bias) * scale;
      r[outOffset + f] = (v[i + 1]! + bias) * scale;
    }
    return;
  }
  for (let c = 0; c < channelCount; c++) {
    const o = out[c]!;
    for (let f = 0, i = c; f < frames; f++, i += channelCount)
      o[outOffset + f] = (v[i]! + bias) * scale;
  }
}

/** G.711 A-law and µ-law decode tables (ITU-T G.711), scaled to [−1, 1). */
const ALAW = new Float32Array(256);
const MULAW = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  let a = i ^ 0x55;
  const sign = a & 0x80 ? 1 : -1;
  const exponent = (a >> 4) & 7;
  a &= 0x0f;
  const mag = exponent === 0 ? (a << 4) + 8 : ((a << 4) + 0x108) << (exponent - 1);
  ALAW[i] = (sign * mag) / 32768;
  const u = ~i & 0xff;
  const e = (u >> 4) & 7;
  const m = u & 0x0f;
  const t = (((m << 3) + 0x84) << e) - 0x84;
  MULAW[i] = (u & 0x80 ? -t : t) / 32768;
}

/** Integer output formats and how to dither them. */
export interface IntegerEncodeOptions {
  bits: 16 | 24;
  /**
   * 'tpdf' (default): triangular dither of ±1 LSB, decorrelating the rounding error from the
   * signal. Blocks whose samples already lie on the output grid are written exactly, so
   * decoding and re-encoding integer audio is bit-exact. 'none': plain rounding.
   */
  dither?: 'tpdf' | 'none';
}

/** A small seeded PRNG (xorshift32) for dither: reproducible output for reproducible tests. */
export class DitherNoise {
  private state: number;
  constructor(seed = 0x9e3779b9) {
    this.state = seed >>> 0 || 1;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }
}

/** True when every sample, scaled by `scale`, is an integer within range: no requantisation needed. */
function onGrid(channels: Float32Array[], frames: number, scale: number, max: number): boolean {
  for (const ch of channels) {
    for (let f = 0; f < frames; f++) {
      const v = ch[f]! * scale;
      if (v !== Math.round(v) || v > max || v < -max - 1) return false;
    }
  }
  return true;
}

/**
 * Interleaves and quantises planar floats into little-endian integer PCM bytes.
 * @param noise dither source; keep one per stream so blocks continue the same sequence
 */
export function encodeIntegerInterleaved(
  channels: Float32Array[],
  frames: number,
  options: IntegerEncodeOptions,
  noise: DitherNoise,
): Uint8Array {
  const bits = options.bits;
  const size = bits / 8;
  const scale = 2 ** (bits - 1);
  const max = scale - 1,
    min = -scale;
  const channelCount = channels.length;
  const out = new Uint8Array(frames * channelCount * size);
  const dither = options.dither !== 'none' && !onGrid(channels, frames, scale, max);
  const i16 =
    bits === 16 && out.byteOffset % 2 === 0 && littleEndian
      ? new Int16Array(out.buffer, 0, frames * channelCount)
      : undefined;
  for (let c = 0; c < channelCount; c++) {
    const ch = channels[c]!;
    for (let f = 0; f < frames; f++) {
      let v = ch[f]! * scale;
      if (dither) v += noise.next() - noise.next(); // TPDF, ±1 LSB
      let q = Math.round(v);
      if (q > max) q = max;
      else if (q < min) q = min;
      else if (q !== q) q = 0; // NaN
      const idx = f * channelCount + c;
      if (i16) i16[idx] = q;
      else {
        const b = idx * size;
        out[b] = q & 0xff;
        out[b + 1] = (q >> 8) & 0xff;
        if (size === 3) out[b + 2] = (q >> 16) & 0xff;
      }
    }
  }
  return out;
}

/** Interleaves planar floats into little-endian 32-bit float PCM bytes (no clipping). */
export function encodeFloat32Interleaved(channels: Float32Array[], frames: number): Uint8Array {
  const channelCount = channels.length;
  const out = new Float32Array(frames * channelCount);
  for (let c = 0; c < channelCount; c++) {
    const ch = channels[c]!;
    for (let f = 0, i = c; f < frames; f++, i += channelCount) out[i] = ch[f]!;
  }
  if (!littleEndian) {
    const view = new DataView(out.buffer);
    for (let i = 0; i < out.length; i++) view.setFloat32(i * 4, out[i]!, true);
  }
  return new Uint8Array(out.buffer);
}
