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
}

/** Bytes fed to a decoder per call. */
const FEED_BYTES = 1 << 16;

/**
 * Streams planar chunks decoded from `reader` (positioned at the container start) with the
 * decoder for `info.codec`. `info` comes from the headers and is checked against the output.
 */
export async function* decodeCompressed(
  reader: ByteReader,
  info: AudioInfo,
  options: CompressedDecodeOptions = {},
): AsyncGenerator<PlanarAudio> {
  beginQuiet();
  let decoder: WasmDecoder | undefined;
  try {
    decoder = createDecoder(info);
    await decoder.ready;
    let total = 0;
    const take = (r: DecodedResult): PlanarAudio | undefined => {
      if (r.errors.length) {
        const e = r.errors[0]!;
        const message = `The ${info.codec.toUpperCase()} stream is damaged near frame ${e.frameNumber}: ${e.message}.`;
        if (!options.tolerateErrors) {
          throw new ZhiyinError(
            'CORRUPT_DATA',
            `${message} Pass --tolerate-errors (tolerateErrors: true) to skip damaged frames.`,
          );
        }
        for (const err of r.errors)
          options.onWarning?.(`${info.codec} frame ${err.frameNumber}: ${err.message}`);
      }
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
      total += r.samplesDecoded;
      return {
        sampleRate: r.sampleRate,
        channels: channels.map((c) =>
          c.length === r.samplesDecoded ? c : c.subarray(0, r.samplesDecoded),
        ),
      };
    };
    for (let bytes = await reader.next(FEED_BYTES); bytes; bytes = await reader.next(FEED_BYTES)) {
      const chunk = take(await decoder.decode(bytes));
      if (chunk) yield chunk;
    }
    if (decoder.flush) {
      const chunk = take(await decoder.flush());
      if (chunk) yield chunk;
    }
    if (total === 0) {
      throw new ZhiyinError(
        'CORRUPT_DATA',
        `The ${info.codec.toUpperCase()} stream holds no decodable audio frames.`,
      );
    }
  } catch (error) {
    if (error instanceof ZhiyinError) throw error;
    // The decoders throw plain Errors on malformed input (e.g. codec-parser on a bad header).
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `The ${info.codec.toUpperCase()} stream could not be decoded (${detail}).`,
      { cause: error },
    );
  } finally {
    try {
      decoder?.free();
    } catch {
      // freeing a decoder that failed to start can throw; nothing is left to release
    }
    endQuiet();
  }
}
