/**
 * WAV (RIFF/WAVE, RF64, BW64) reading and writing, our own code: it is the format everything
 * passes through, it must stream with bounded memory, and it must meet hostile input with a
 * clear error, so we keep it small and fully under test (and fuzzed).
 *
 * Reads PCM 8/16/24/32-bit (also 12- or 20-bit in wider containers), IEEE float 32/64,
 * A-law and µ-law, plain or WAVE_FORMAT_EXTENSIBLE, any channel count up to 1024 and any
 * rate. A data size of 0xFFFFFFFF (written by streaming tools such as ffmpeg on a pipe) or 0
 * (a recording whose header was never finished) means "until the end of the file" (as in
 * ffmpeg; a chunk written after such data cannot be told from audio and is read as samples). Writes 16/24-bit PCM (with TPDF dither) and 32-bit
 * float, WAVE_FORMAT_EXTENSIBLE when there are more than two channels or more than 16 bits.
 * References: Microsoft "Multiple Channel Audio Data and WAVE Files"; EBU Tech 3306 (RF64).
 */
import { ZhiyinError } from '../errors/index.js';
import type { ByteReader } from './bytes.js';
import {
  DitherNoise,
  bytesPerSample,
  decodeInterleaved,
  encodeFloat32Interleaved,
  encodeIntegerInterleaved,
  type SampleEncoding,
} from './pcm.js';
import { defaultChannelMask } from './layout.js';
import type { AudioInfo, PlanarAudio } from './types.js';

/** The most channels we accept (Ambisonics of 31st order would need 1024). */
export const MAX_CHANNELS = 1024;
/** Bytes of PCM decoded per output chunk (about 0.7 s of 48 kHz stereo float). */
const CHUNK_BYTES = 1 << 18;
const UNKNOWN_SIZE = 0xffffffff;

/** A parsed WAV header, positioned at the start of the sample data. */
export interface WavHeader {
  info: AudioInfo;
  encoding: SampleEncoding;
  blockAlign: number;
  /** Bytes of sample data the header declares; undefined when it says "until the end". */
  dataBytes: number | undefined;
}

const text = (b: Uint8Array, at: number) =>
  String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

const corrupt = (what: string) =>
  new ZhiyinError(
    'CORRUPT_DATA',
    `This WAV file is damaged: ${what}. Re-export it from its source.`,
  );

/** Reads the RIFF header and chunks up to the start of the sample data. */
export async function readWavHeader(reader: ByteReader): Promise<WavHeader> {
  const riff = await reader.read(12);
  if (riff.length < 12)
    throw new ZhiyinError('TRUNCATED', 'The WAV file ends inside its 12-byte header.');
  const magic = text(riff, 0);
  if (magic === 'RIFX' || magic === 'FFIR') {
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      'Big-endian WAV (RIFX) is not supported: convert it with `ffmpeg -i in.wav out.wav`.',
    );
  }
  if ((magic !== 'RIFF' && magic !== 'RF64' && magic !== 'BW64') || text(riff, 8) !== 'WAVE') {
    throw corrupt('it does not start with RIFF…WAVE');
  }
  const container = magic === 'RIFF' ? 'wav' : 'rf64';
  let ds64DataSize: number | undefined;
  let fmt: Omit<WavHeader, 'dataBytes'> | undefined;
  for (let chunkIndex = 0; ; chunkIndex++) {
    const head = await reader.read(8);
    if (head.length < 8) {
      throw new ZhiyinError(
        'TRUNCATED',
        fmt
          ? 'The WAV file has no data chunk (it ends before any audio).'
          : 'The WAV file ends before its format chunk.',
      );
    }
    const id = text(head, 0);
    const size = u32(head, 4);
    if (id === 'ds64') {
      if (size < 24 || size > 1 << 20)
        throw corrupt(`its ds64 chunk has an impossible size (${size})`);
      const body = await reader.read(size);
      if (body.length < 24)
        throw new ZhiyinError('TRUNCATED', 'The RF64 file ends inside its ds64 chunk.');
      ds64DataSize = u64(body, 8);
      if (size % 2) await reader.skip(1);
    } else if (id === 'fmt ') {
      if (size < 14 || size > 4096)
        throw corrupt(`its format chunk has an impossible size (${size} bytes)`);
      const body = await reader.read(size);
      if (body.length < size)
        throw new ZhiyinError('TRUNCATED', 'The WAV file ends inside its format chunk.');
      fmt = parseFmt(body, container);
      if (size % 2) await reader.skip(1);
    } else if (id === 'data') {
      if (!fmt) throw corrupt('its data chunk comes before the format chunk');
      let dataBytes: number | undefined = size;
      if (container === 'rf64' && size === UNKNOWN_SIZE && ds64DataSize !== undefined)
        dataBytes = ds64DataSize;
      // 0xFFFFFFFF (streaming writers) or 0 (recorders that never finished the header): as
      // ffmpeg does, read to the end of the file.
      else if (size === UNKNOWN_SIZE || size === 0) dataBytes = undefined;
      const info = { ...fmt.info, dataOffset: reader.position };
      if (dataBytes !== undefined) {
        info.frames = Math.floor(dataBytes / fmt.blockAlign);
        info.dataBytes = dataBytes;
      }
      return { ...fmt, info, dataBytes };
    } else {
      // Any other chunk (LIST, bext, JUNK, fact, …): skip it without buffering.
      const skip = size + (size % 2);
      const skipped = await reader.skip(skip);
      if (skipped < skip) {
        throw new ZhiyinError(
          'TRUNCATED',
          `The WAV file ends inside a "${printable(id)}" chunk before any audio data (it claims ${size} bytes).`,
        );
      }
    }
    if (chunkIndex > 10_000) throw corrupt('it has more than 10,000 chunks before the audio');
  }
}

function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, '?');
}

function parseFmt(b: Uint8Array, container: 'wav' | 'rf64'): Omit<WavHeader, 'dataBytes'> {
  let tag = u16(b, 0);
  const channelCount = u16(b, 2);
  const sampleRate = u32(b, 4);
  const byteRate = u32(b, 8);
  const blockAlign = u16(b, 12);
  const bits = b.length >= 16 ? u16(b, 14) : 8;
  let channelMask: number | undefined;
  let validBits = bits;
  if (tag === 0xfffe) {
    if (b.length < 40) throw corrupt('its WAVE_FORMAT_EXTENSIBLE format chunk is too short');
    validBits = u16(b, 18) || bits;
    channelMask = u32(b, 20);
    tag = u16(b, 24); // first two bytes of the sub-format GUID
  }
  if (channelCount < 1) throw corrupt('it declares 0 channels');
  if (channelCount > MAX_CHANNELS) {
    throw new ZhiyinError(
      'LIMIT_EXCEEDED',
      `The WAV file declares ${channelCount} channels; Zhiyin reads at most ${MAX_CHANNELS}.`,
    );
  }
  if (sampleRate < 1) throw corrupt('it declares a sample rate of 0 Hz');
  let encoding: SampleEncoding;
  let codec: string;
  if (tag === 1) {
    const containerBits = Math.ceil(bits / 8) * 8;
    if (bits < 1 || containerBits > 32) throw corrupt(`it declares ${bits}-bit PCM`);
    const bytes = (containerBits / 8) as 1 | 2 | 3 | 4;
    encoding = { kind: 'int', bytes };
    codec = bytes === 1 ? 'pcm_u8' : `pcm_s${containerBits}le`;
  } else if (tag === 3) {
    if (bits !== 32 && bits !== 64) throw corrupt(`it declares ${bits}-bit floating point`);
    encoding = { kind: 'float', bytes: (bits / 8) as 4 | 8 };
    codec = `pcm_f${bits}le`;
  } else if (tag === 6 || tag === 7) {
    if (bits !== 8) throw corrupt(`it declares ${bits}-bit G.711`);
    encoding = { kind: tag === 6 ? 'alaw' : 'mulaw' };
    codec = tag === 6 ? 'pcm_alaw' : 'pcm_mulaw';
  } else {
    const names: Record<number, string> = {
      2: 'MS ADPCM',
      0x11: 'IMA ADPCM',
      0x31: 'GSM 6.10',
      0x55: 'MP3',
      0x50: 'MPEG',
      0xff: 'AAC',
    };
    const name = names[tag] ?? `format tag 0x${tag.toString(16)}`;
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `This WAV file holds ${name} audio, which Zhiyin does not decode: convert it with \`ffmpeg -i in.wav -c:a pcm_s16le out.wav\`.`,
    );
  }
  const expectedAlign = channelCount * bytesPerSample(encoding);
  if (blockAlign !== expectedAlign) {
    throw corrupt(
      `its block size (${blockAlign} bytes) does not fit ${channelCount} channels of ${bits}-bit samples`,
    );
  }
  const bitrate = byteRate === sampleRate * blockAlign ? byteRate * 8 : sampleRate * blockAlign * 8;
  const info: AudioInfo = {
    container,
    codec,
    sampleRate,
    channelCount,
    bitDepth:
      encoding.kind === 'int' ? Math.min(validBits, bits) : encoding.kind === 'float' ? bits : 8,
    bitrate,
    lossless: encoding.kind !== 'alaw' && encoding.kind !== 'mulaw',
  };
  if (channelMask !== undefined) info.channelMask = channelMask;
  return { info, encoding, blockAlign };
}

/** Options for streaming the sample data. */
export interface WavStreamOptions {
  /** Keep what could be decoded when the data ends early, instead of failing (default false). */
  tolerateErrors?: boolean;
  onWarning?: (message: string) => void;
}

/** Streams the sample data after {@link readWavHeader} as planar chunks. */
export async function* readWavData(
  reader: ByteReader,
  header: WavHeader,
  options: WavStreamOptions = {},
): AsyncGenerator<PlanarAudio> {
  const { blockAlign, encoding } = header;
  const { channelCount, sampleRate } = header.info;
  const chunkBytes = Math.max(blockAlign, CHUNK_BYTES - (CHUNK_BYTES % blockAlign));
  // A declared partial frame at the end is not audio.
  let remaining =
    header.dataBytes === undefined ? Infinity : header.dataBytes - (header.dataBytes % blockAlign);
  let carry = new Uint8Array(0);
  while (remaining > 0) {
    const piece = await reader.next(Math.min(remaining, chunkBytes) - carry.length);
    if (!piece) break;
    let bytes = piece;
    if (carry.length) {
      bytes = new Uint8Array(carry.length + piece.length);
      bytes.set(carry);
      bytes.set(piece, carry.length);
    }
    const frames = Math.floor(bytes.length / blockAlign);
    const used = frames * blockAlign;
    carry = bytes.slice(used);
    remaining -= used;
    if (frames === 0) continue;
    const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
    decodeInterleaved(bytes.subarray(0, used), encoding, channelCount, frames, channels);
    yield { sampleRate, channels };
  }
  if (header.dataBytes !== undefined && remaining > 0) {
    const short = remaining - carry.length; // bytes of a partial last frame did arrive
    const message = `The WAV file is truncated: its header promises ${header.dataBytes} bytes of audio but the file ends ${short} bytes short.`;
    if (!options.tolerateErrors) {
      throw new ZhiyinError(
        'TRUNCATED',
        `${message} Pass --tolerate-errors (tolerateErrors: true) to keep what is there.`,
      );
    }
    options.onWarning?.(message);
  }
}

/** Sample formats {@link WavEncoder} writes. */
export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

/** Options of {@link WavEncoder} and {@link encodeWav}. */
export interface WavEncodeOptions {
  /** Sample format (default 'pcm16'). */
  format?: WavSampleFormat;
  /** Dither for integer formats (default 'tpdf'; see IntegerEncodeOptions). */
  dither?: 'tpdf' | 'none';
  /** Speaker mask for WAVE_FORMAT_EXTENSIBLE (default: the usual layout for the channel count). */
  channelMask?: number;
  /** Seed of the dither noise, for reproducible files (default fixed). */
  ditherSeed?: number;
}

/**
 * Streaming WAV writer: {@link header} then {@link encode} per chunk. When the length is not
 * known up front, write `header()` first and replace it with `header(framesWritten)` at the
 * end (the Node file writer does this).
 * @example
 * const enc = new WavEncoder({ sampleRate: 48000, channelCount: 2, format: 'pcm24' });
 * const bytes = [enc.header(audio.channels[0].length), enc.encode(audio.channels)];
 */
export class WavEncoder {
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly format: WavSampleFormat;
  private readonly options: WavEncodeOptions;
  private readonly noise: DitherNoise;

  constructor(params: { sampleRate: number; channelCount: number } & WavEncodeOptions) {
    const { sampleRate, channelCount } = params;
    if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff / 8) {
      throw new ZhiyinError('INVALID_ARGUMENT', `Cannot write a WAV file at ${sampleRate} Hz.`);
    }
    if (!Number.isInteger(channelCount) || channelCount < 1 || channelCount > MAX_CHANNELS) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `Cannot write a WAV file with ${channelCount} channels (1–${MAX_CHANNELS}).`,
      );
    }
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    this.format = params.format ?? 'pcm16';
    if (!['pcm16', 'pcm24', 'float32'].includes(this.format)) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `Unknown WAV sample format "${this.format}": use pcm16, pcm24 or float32.`,
      );
    }
    this.options = params;
    this.noise = new DitherNoise(params.ditherSeed);
  }

  /** Bytes per sample frame. */
  get blockAlign(): number {
    return this.channelCount * (this.format === 'pcm16' ? 2 : this.format === 'pcm24' ? 3 : 4);
  }

  /** The RIFF header for `frames` sample frames (sizes 0xFFFFFFFF when unknown). */
  header(frames?: number): Uint8Array {
    const bits = this.format === 'pcm16' ? 16 : this.format === 'pcm24' ? 24 : 32;
    const isFloat = this.format === 'float32';
    const extensible = this.channelCount > 2 || (bits > 16 && !isFloat);
    const fmtSize = extensible ? 40 : isFloat ? 18 : 16;
    const headerSize = 12 + 8 + fmtSize + (isFloat ? 12 : 0) + 8;
    let dataBytes = UNKNOWN_SIZE;
    if (frames !== undefined) {
      dataBytes = frames * this.blockAlign;
      if (headerSize - 8 + dataBytes + (dataBytes % 2) > 0xfffffffe) {
        throw new ZhiyinError(
          'LIMIT_EXCEEDED',
          'The audio is too long for a WAV file (over 4 GiB of samples): write fewer channels, 16-bit samples, or split it.',
        );
      }
    }
    const b = new Uint8Array(headerSize);
    const v = new DataView(b.buffer);
    const put = (at: number, s: string) => {
      for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i);
    };
    put(0, 'RIFF');
    v.setUint32(
      4,
      dataBytes === UNKNOWN_SIZE ? UNKNOWN_SIZE : headerSize - 8 + dataBytes + (dataBytes % 2),
      true,
    );
    put(8, 'WAVE');
    put(12, 'fmt ');
    v.setUint32(16, fmtSize, true);
    v.setUint16(20, extensible ? 0xfffe : isFloat ? 3 : 1, true);
    v.setUint16(22, this.channelCount, true);
    v.setUint32(24, this.sampleRate, true);
    v.setUint32(28, this.sampleRate * this.blockAlign, true);
    v.setUint16(32, this.blockAlign, true);
    v.setUint16(34, bits, true);
    let at = 36;
    if (fmtSize >= 18) {
      v.setUint16(36, fmtSize - 18, true);
      at = 38;
    }
    if (extensible) {
      v.setUint16(38, bits, true);
      v.setUint32(40, this.options.channelMask || defaultChannelMask(this.channelCount), true);
      // Sub-format GUID: xxxxxxxx-0000-0010-8000-00aa00389b71 with the format tag first.
      const guid = [isFloat ? 3 : 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];
      b.set(guid, 44);
      at = 60;
    }
    if (isFloat) {
      put(at, 'fact');
      v.setUint32(at + 4, 4, true);
      v.setUint32(
        at + 8,
        frames === undefined ? UNKNOWN_SIZE : Math.min(frames, UNKNOWN_SIZE),
        true,
      );
      at += 12;
    }
    put(at, 'data');
    v.setUint32(at + 4, dataBytes, true);
    return b;
  }

  /** Encodes one chunk of planar samples (all channels the same length). */
  encode(channels: Float32Array[]): Uint8Array {
    if (channels.length !== this.channelCount) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `Expected ${this.channelCount} channels, got ${channels.length}.`,
      );
    }
    const frames = channels[0]?.length ?? 0;
    if (channels.some((c) => c.length !== frames)) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        'All channels of a chunk must have the same length.',
      );
    }
    if (this.format === 'float32') return encodeFloat32Interleaved(channels, frames);
    return encodeIntegerInterleaved(
      channels,
      frames,
      { bits: this.format === 'pcm16' ? 16 : 24, dither: this.options.dither ?? 'tpdf' },
      this.noise,
    );
  }

  /** The pad byte RIFF needs after an odd-sized data chunk (empty when none is needed). */
  trailer(frames: number): Uint8Array {
    return new Uint8Array((frames * this.blockAlign) % 2);
  }
}

/**
 * Encodes planar audio as a complete WAV file.
 * @example const bytes = encodeWav({ sampleRate: 44100, channels: [left, right] }, { format: 'pcm24' });
 */
export function encodeWav(audio: PlanarAudio, options: WavEncodeOptions = {}): Uint8Array {
  const enc = new WavEncoder({
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
    ...options,
  });
  const frames = audio.channels[0]?.length ?? 0;
  const head = enc.header(frames);
  const body = enc.encode(audio.channels);
  const pad = enc.trailer(frames);
  const out = new Uint8Array(head.length + body.length + pad.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
