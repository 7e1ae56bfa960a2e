/**
 * Adapters around the WebAssembly decoders of the wasm-audio-decoders project (MIT; the same
 * code runs in Node and browsers): FLAC (also in Ogg), MPEG layer I–III (mpg123, gapless),
 * Ogg Vorbis and Ogg Opus. Well-kept decoders of the reference C libraries beat anything we
 * would write; our part is the streaming contract, channel/rate checks and errors.
 *
 * The decoders report damaged frames in an `errors` list and also print them to the console.
 * We turn the list into a ZhiyinError (or warnings with `tolerateErrors`), so while one of
 * our decoders is open, console lines that start with the decoders' own prefixes are dropped.
 */
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { MPEGDecoder } from 'mpg123-decoder';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { ZhiyinError } from '../errors/index.js';
import type { ByteReader } from './bytes.js';
import { OggPageChecker } from './ogg.js';
import type { AudioInfo, PlanarAudio } from './types.js';

/** What every wasm-audio-decoders decoder returns. */
interface DecodedResult {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string; frameNumber: number }[];
}

interface WasmDecoder {
  ready: Promise<void>;
  decode(bytes: Uint8Array): DecodedResult | Promise<DecodedResult>;
  flush?: () => Promise<DecodedResult>;
  free(): void;
}

const DECODER_PREFIXES = [
  '@wasm-audio-decoders',
  'mpg123-decoder',
  'libopus',
  'codec-parser',
  'ogg-opus-decoder',
  'opus-decoder',
];
let quietDepth = 0;
let saved: { error: typeof console.error; warn: typeof console.warn } | undefined;

function filtered(original: (...args: unknown[]) => void) {
  return (...args: unknown[]) => {
    const first = args[0];
    if (typeof first === 'string' && DECODER_PREFIXES.some((p) => first.startsWith(p))) return;
    original(...args);
  };
}

function beginQuiet(): void {
  if (quietDepth++ === 0) {
    saved = { error: console.error, warn: console.warn };
    console.error = filtered(saved.error);
    console.warn = filtered(saved.warn);
  }
}

function endQuiet(): void {
  if (--quietDepth === 0 && saved) {
    console.error = saved.error;
    console.warn = saved.warn;
    saved = undefined;
  }
}

function createDecoder(info: AudioInfo): WasmDecoder {
  if (info.codec === 'flac') return new FLACDecoder() as unknown as WasmDecoder;
  if (info.codec === 'vorbis') return new OggVorbisDecoder() as unknown as WasmDecoder;
  if (info.codec === 'opus') return new OggOpusDecoder() as unknown as WasmDecoder;
  if (info.container === 'mp3')
    return new MPEGDecoder({ enableGapless: true }) as unknown as WasmDecoder;
  throw new ZhiyinError('UNSUPPORTED_FORMAT', `No built-in decoder for ${info.codec}.`);
}

/** Options of {@link decodeCompressed}. */
export interface CompressedDecodeOptions {
  tolerateErrors?: boolean;
  onWarning?: (message: string) => void;
  /** Opus pre-skip from the OpusHead header (samples at 48 kHz), for exact trimming. */
  opusPreSkip?: number;
}

/** Bytes fed to a decoder per call. */
const FEED_BYTES = 1 << 16;

/**
 * The FLAC decoder scales an N-bit sample s to s / (2^(N−1) − 1); everything else in Zhiyin
 * (and ffmpeg) uses s / 2^(N−1). Multiplying by (2^(N−1) − 1) / 2^(N−1) and storing as
 * float32 gives exactly s / 2^(N−1) for every sample of every depth up to 24 bits (checked
 * exhaustively), so lossless stays sample-exact; at 32 bits it is within one float step.
 */
function rescaleFlac(channels: Float32Array[], bitDepth: number): void {
  if (!(bitDepth >= 4 && bitDepth <= 32)) return;
  const full = 2 ** (bitDepth - 1);
  const k = (full - 1) / full;
  for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i] = ch[i]! * k;
}

/**
 * Streams planar chunks decoded from `reader` (positioned at the container start) with the
 * decoder for `info.codec`. `info` comes from the headers and is checked against the output.
 * Integrity: Ogg pages are verified (ogg.ts); FLAC and Ogg streams whose headers state their
 * length are checked against it, so skipped damaged frames do not pass unnoticed.
 */
export async function* decodeCompressed(
  reader: ByteReader,
  info: AudioInfo,
  options: CompressedDecodeOptions = {},
): AsyncGenerator<PlanarAudio> {
  const problem = (code: 'CORRUPT_DATA' | 'TRUNCATED', message: string): void => {
    if (!options.tolerateErrors) {
      throw new ZhiyinError(
        code,
        `${message} Pass --tolerate-errors (tolerateErrors: true) to keep what can be decoded.`,
      );
    }
    options.onWarning?.(message);
  };
  const name =
    info.codec === 'flac' && info.container === 'ogg' ? 'OGG FLAC' : info.codec.toUpperCase();
  // The decoders throw plain Errors (or WebAssembly traps) on malformed input: those are the
  // file's fault, so they become CORRUPT_DATA. Errors from our own code stay what they are.
  const guarded = async <T>(what: () => T | Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (error) {
      if (error instanceof ZhiyinError) throw error;
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new ZhiyinError(
        'CORRUPT_DATA',
        `The ${name} stream could not be decoded (${detail}).`,
        {
          cause: error,
        },
      );
    }
  };
  beginQuiet();
  let decoder: WasmDecoder | undefined;
  try {
    decoder = await guarded(() => createDecoder(info));
    await guarded(() => decoder!.ready);
    const ogg = info.container === 'ogg' ? new OggPageChecker() : undefined;
    let total = 0;
    const take = (r: DecodedResult & { bitDepth?: number }): PlanarAudio | undefined => {
      for (const e of r.errors)
        problem(
          'CORRUPT_DATA',
          `The ${name} stream is damaged near frame ${e.frameNumber}: ${e.message}.`,
        );
      if (!r.samplesDecoded) return undefined;
      if (r.sampleRate !== info.sampleRate) {
        throw new ZhiyinError(
          'UNSUPPORTED_FORMAT',
          `The sample rate changes from ${info.sampleRate} to ${r.sampleRate} Hz inside the stream (after ${total} frames); split the file first (e.g. with ffmpeg).`,
        );
      }
      // mpg123 always hands out two channels; a mono stream's second one is a copy.
      let channels = r.channelData;
      if (channels.length > info.channelCount && info.container === 'mp3')
        channels = channels.slice(0, info.channelCount);
      if (channels.length !== info.channelCount) {
        throw new ZhiyinError(
          'UNSUPPORTED_FORMAT',
          `The channel count changes from ${info.channelCount} to ${channels.length} inside the stream; split the file first.`,
        );
      }
      channels = channels.map((c) =>
        c.length === r.samplesDecoded ? c : c.subarray(0, r.samplesDecoded),
      );
      if (info.codec === 'flac') rescaleFlac(channels, r.bitDepth ?? info.bitDepth ?? 16);
      if (info.codec === 'vorbis' || info.codec === 'opus') channels = toWavOrder(channels);
      total += r.samplesDecoded;
      return { sampleRate: r.sampleRate, channels };
    };
    // The last chunk is held back until the end, so that it can be trimmed to the exact length.
    let held: PlanarAudio | undefined;
    const feed = async (bytes: Uint8Array): Promise<PlanarAudio | undefined> => {
      if (ogg) {
        const checked = ogg.push(bytes);
        for (const p of checked.problems)
          problem('CORRUPT_DATA', `The Ogg stream is damaged: ${p}.`);
        bytes = checked.pages;
        if (!bytes.length) return undefined;
      }
      return take(await guarded(() => decoder!.decode(bytes)));
    };
    for (let bytes = await reader.next(FEED_BYTES); bytes; bytes = await reader.next(FEED_BYTES)) {
      const chunk = await feed(bytes);
      if (!chunk) continue;
      if (held) yield held;
      held = chunk;
    }
    if (ogg && ogg.leftover() > 0)
      problem(
        'TRUNCATED',
        `The Ogg stream ends inside a page (${ogg.leftover()} bytes left over): the file is truncated.`,
      );
    if (decoder.flush) {
      const flush = decoder.flush.bind(decoder);
      const chunk = take(await guarded(flush));
      if (chunk) {
        if (held) yield held;
        held = chunk;
      }
    }
    if (total === 0) {
      throw new ZhiyinError('CORRUPT_DATA', `The ${name} stream holds no decodable audio frames.`);
    }
    // The exact length, where the headers state it.
    let expected: number | undefined;
    // (Chained Ogg files restart their granules in each link: no single length to check.)
    if (ogg?.endOfStream && ogg.lastGranule >= 0 && ogg.serials.size === 1) {
      expected =
        info.codec === 'opus' ? ogg.lastGranule - (options.opusPreSkip ?? 0) : ogg.lastGranule;
    } else if (
      (info.container === 'flac' || info.container === 'mp3') &&
      info.frames &&
      !info.framesEstimated
    ) {
      expected = info.frames; // FLAC STREAMINFO, or the Xing/LAME frame count of an MP3
    }
    if (expected !== undefined && held) {
      if (total > expected && info.container !== 'mp3') {
        const keep = Math.max(0, frameCount(held) - (total - expected));
        held = {
          sampleRate: held.sampleRate,
          channels: held.channels.map((c) => c.subarray(0, keep)),
        };
      } else if (total < expected - (info.container === 'mp3' ? 1152 : 0) && !ogg) {
        // (MP3: a frame's worth of slack, as encoders count delay and padding differently.)
        // (Ogg streams may legally start at a granule above 0, so for them a shortfall proves
        // nothing; their damage shows in page checksums and sequence numbers instead.)
        problem(
          'CORRUPT_DATA',
          `${expected - total} samples of the ${name} stream are missing: damaged or truncated frames were skipped.`,
        );
      }
    }
    if (held && frameCount(held)) yield held;
  } finally {
    try {
      decoder?.free();
    } catch {
      // freeing a decoder that failed to start can throw; nothing is left to release
    }
    endQuiet();
  }
}

/**
 * Vorbis and Opus (channel mapping family 1) order surround channels L, C, R, …, LFE last
 * (Vorbis I spec §4.3.9); Zhiyin, WAV, FLAC and ffmpeg use L, R, C, LFE, …. For each
 * channel count, the Vorbis index of each WAV-order channel.
 */
const VORBIS_TO_WAV: Record<number, number[]> = {
  3: [0, 2, 1],
  5: [0, 2, 1, 3, 4],
  6: [0, 2, 1, 5, 3, 4],
  7: [0, 2, 1, 6, 5, 3, 4],
  8: [0, 2, 1, 7, 5, 6, 3, 4],
};

function toWavOrder(channels: Float32Array[]): Float32Array[] {
  const order = VORBIS_TO_WAV[channels.length];
  return order ? order.map((i) => channels[i]!) : channels;
}

function frameCount(a: PlanarAudio): number {
  return a.channels[0]?.length ?? 0;
}
