/**
 * Decoding any supported audio from bytes: format sniffing, header reading and streaming
 * decode with bounded memory, plus whole-buffer conveniences.
 *
 * Built in (Node and browsers): WAV/RF64 (wav.ts), FLAC, MP3, Ogg Vorbis, Ogg Opus, Ogg FLAC
 * (codecs.ts). M4A/AAC, Matroska/WebM, AIFF, CAF, WMA and audio inside video containers are
 * recognised here but decoded by ffmpeg in Node (src/node); in a browser they get an error
 * that says so.
 */
import { ZhiyinError } from '../errors/index.js';
import { ByteReader } from './bytes.js';
import { decodeCompressed } from './codecs.js';
import {
  containerName,
  id3v2Size,
  opusPreSkip,
  probeCompressed,
  sniffContainer,
  type Sniffed,
} from './sniff.js';
import type { AudioInfo, ByteSource, ContainerFormat, PlanarAudio } from './types.js';
import { readWavData, readWavHeader } from './wav.js';

/** Options for decoding. */
export interface DecodeOptions {
  /**
   * Keep going past damaged frames or a truncated end, reporting each through `onWarning`
   * (default false: the first damage is a ZhiyinError).
   */
  tolerateErrors?: boolean;
  /** Receives one line per problem tolerated. */
  onWarning?: (message: string) => void;
}

/** An open decode: the header facts, then the samples as a stream of planar chunks. */
export interface AudioStream {
  info: AudioInfo;
  /** Chunks of any length, all with `info.sampleRate` and `info.channelCount`. */
  chunks: AsyncGenerator<PlanarAudio>;
}

/** Containers only ffmpeg decodes for us. */
const FFMPEG_CONTAINERS: ReadonlySet<ContainerFormat> = new Set([
  'mp4',
  'adts',
  'matroska',
  'aiff',
  'caf',
  'asf',
  'avi',
  'amr',
  'ac3',
]);

/** True when the container is decoded through ffmpeg (Node only). */
export function needsFfmpeg(container: ContainerFormat): boolean {
  return FFMPEG_CONTAINERS.has(container);
}

/** How many bytes sniffing and header reading may look at. */
const HEAD_BYTES = 1 << 16;

/**
 * Skips ID3v2 tags and identifies the container. Throws UNSUPPORTED_FORMAT or EMPTY_INPUT
 * with a message that names what was found.
 */
async function identify(reader: ByteReader): Promise<{ sniffed: Sniffed; head: Uint8Array }> {
  for (let tags = 0; ; tags++) {
    const peek = await reader.peek(10);
    const id3 = id3v2Size(peek);
    if (!id3) break;
    if (tags > 8 || (await reader.skip(id3)) < id3) {
      throw new ZhiyinError('TRUNCATED', 'The file ends inside its ID3 tag: it holds no audio.');
    }
  }
  const head = await reader.peek(HEAD_BYTES);
  if (head.length === 0) {
    throw new ZhiyinError(
      'EMPTY_INPUT',
      reader.position
        ? 'The file holds only an ID3 tag and no audio.'
        : 'The input is empty (0 bytes).',
    );
  }
  const sniffed = sniffContainer(head);
  if (!sniffed) {
    const hex = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const textual =
      head.length >= 8 &&
      head.subarray(0, 8).every((b) => (b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13);
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `Not an audio format Zhiyin recognises (it starts with ${hex}${textual ? ', which looks like text' : ''}). Supported: WAV, FLAC, MP3, Ogg Vorbis/Opus, and with ffmpeg installed M4A/AAC, WebM, AIFF and video files.`,
    );
  }
  return { sniffed, head };
}

/**
 * Reads just enough of a source to tell its format and header facts.
 * @param extra.tail the last bytes of the file (64 KiB is plenty), for Ogg durations
 * @param extra.totalBytes the file size, for bit rates and constant-bit-rate MP3 durations
 * @example const info = await probeAudio(bytes); // { container: 'flac', sampleRate: 44100, … }
 */
export async function probeAudio(
  source: ByteSource,
  extra: { tail?: Uint8Array; totalBytes?: number } = {},
): Promise<AudioInfo> {
  const reader = new ByteReader(source);
  try {
    const { sniffed, head } = await identify(reader);
    if (sniffed.container === 'wav' || sniffed.container === 'rf64')
      return (await readWavHeader(reader)).info;
    if (needsFfmpeg(sniffed.container)) throw ffmpegNeeded(sniffed.container);
    const streamBytes =
      extra.totalBytes !== undefined ? extra.totalBytes - reader.position : undefined;
    return probeCompressed(sniffed, head, { tail: extra.tail, streamBytes });
  } finally {
    await reader.close();
  }
}

/** The error for a format only ffmpeg decodes, where it is not at hand. */
export function ffmpegNeeded(container: ContainerFormat): ZhiyinError {
  return new ZhiyinError(
    'MISSING_TOOL',
    `${containerName(container)} audio is decoded with ffmpeg, which is not available here: install ffmpeg (e.g. \`sudo apt-get install ffmpeg\` or \`brew install ffmpeg\`) or convert the file to WAV or FLAC first.`,
  );
}

/**
 * Opens a byte source for streaming decode: reads the headers, then yields planar chunks.
 * Memory stays bounded by the chunk size whatever the length of the input.
 * @example
 * const { info, chunks } = await openAudioStream(fileStream);
 * for await (const chunk of chunks) meter.push(chunk.channels);
 */
export async function openAudioStream(
  source: ByteSource,
  options: DecodeOptions = {},
): Promise<AudioStream> {
  const reader = new ByteReader(source);
  try {
    const { sniffed, head } = await identify(reader);
    if (sniffed.container === 'wav' || sniffed.container === 'rf64') {
      const header = await readWavHeader(reader);
      return { info: header.info, chunks: closing(reader, readWavData(reader, header, options)) };
    }
    if (needsFfmpeg(sniffed.container)) throw ffmpegNeeded(sniffed.container);
    const info = probeCompressed(sniffed, head);
    return {
      info,
      chunks: closing(
        reader,
        decodeCompressed(reader, info, { ...options, opusPreSkip: opusPreSkip(head) }),
      ),
    };
  } catch (error) {
    await reader.close();
    throw error;
  }
}

/** Wraps a chunk generator so the reader is closed however iteration ends. */
async function* closing(
  reader: ByteReader,
  chunks: AsyncGenerator<PlanarAudio>,
): AsyncGenerator<PlanarAudio> {
  try {
    yield* chunks;
  } finally {
    await reader.close();
  }
}

/** Options of {@link decodeAudio}. */
export interface DecodeAllOptions extends DecodeOptions {
  /** Refuse to hold more than this many bytes of decoded samples (default 2 GiB). */
  maxBytes?: number;
}

/**
 * Decodes a whole source into memory.
 * @example const { sampleRate, channels, info } = await decodeAudio(await readFile('song.flac'));
 */
export async function decodeAudio(
  source: ByteSource,
  options: DecodeAllOptions = {},
): Promise<PlanarAudio & { info: AudioInfo }> {
  const { info, chunks } = await openAudioStream(source, options);
  const audio = await collectChunks(chunks, info.sampleRate, info.channelCount, options.maxBytes);
  return { ...audio, info };
}

/**
 * Gathers a chunk stream into one planar buffer, refusing to exceed `maxBytes` (default 2 GiB).
 * @example const audio = await collectChunks(stream.chunks, 48000, 2);
 */
export async function collectChunks(
  chunks: AsyncIterable<PlanarAudio>,
  sampleRate: number,
  channelCount: number,
  maxBytes = 2 ** 31,
): Promise<PlanarAudio> {
  const parts: PlanarAudio[] = [];
  let frames = 0;
  for await (const chunk of chunks) {
    frames += chunk.channels[0]?.length ?? 0;
    if (frames * channelCount * 4 > maxBytes) {
      throw new ZhiyinError(
        'LIMIT_EXCEEDED',
        `The decoded audio would exceed ${Math.round(maxBytes / 2 ** 20)} MiB in memory: process it as a stream (openAudioStream) or raise maxBytes.`,
      );
    }
    parts.push(chunk);
  }
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  let offset = 0;
  for (const part of parts) {
    const n = part.channels[0]?.length ?? 0;
    for (let c = 0; c < channelCount; c++) channels[c]!.set(part.channels[c]!, offset);
    offset += n;
  }
  return { sampleRate, channels };
}
