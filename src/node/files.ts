/**
 * Audio files on disk: open for streaming decode (with progress), read whole, probe headers,
 * and write WAV safely. File system errors become ZhiyinErrors that name the file.
 *
 * Writing goes to a temporary file beside the target, renamed into place only when complete,
 * so a failure never leaves half a file or destroys an existing one.
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ZhiyinError, isZhiyinError } from '../errors/index.js';
import {
  WavEncoder,
  collectChunks,
  id3v2Size,
  needsFfmpeg,
  openAudioStream,
  probeAudio,
  sniffContainer,
  type AudioInfo,
  type AudioStream,
  type DecodeOptions,
  type PlanarAudio,
  type WavEncodeOptions,
} from '../audio/index.js';
import { ffmpegAudioStream, ffprobeInfo, hasFfmpeg } from './ffmpeg.js';

/** Turns a Node file system error into a ZhiyinError that names the file and the fix. */
export function fileError(error: unknown, path: string): ZhiyinError {
  if (isZhiyinError(error)) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const messages: Record<string, string> = {
    ENOENT: `File not found: ${path}. Check the path.`,
    EACCES: `Permission denied: ${path}.`,
    EPERM: `Permission denied: ${path}.`,
    EISDIR: `${path} is a directory, not an audio file.`,
    ENOSPC: `The disk is full while writing ${path}.`,
    EROFS: `Cannot write ${path}: the file system is read-only.`,
    ENOTDIR: `A part of the path ${path} is not a directory.`,
  };
  return new ZhiyinError(
    'IO_ERROR',
    messages[code ?? ''] ?? `Cannot access ${path}: ${(error as Error)?.message ?? String(error)}.`,
    { cause: error },
  );
}

/**
 * Creates a folder and its missing parents, one level at a time. Node's own recursive mkdir
 * spins for ever where a file system answers "no such file" about a parent that exists (/proc,
 * some FUSE mounts); this fails with one clear line instead.
 * @example await makeFolder('zhiyin-data/blobs');
 */
export async function makeFolder(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    const info = await stat(p).catch(() => undefined);
    if (info) {
      if (!info.isDirectory())
        throw new ZhiyinError('IO_ERROR', `${p} is a file, so ${path} cannot be a folder there.`);
      break;
    }
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse())
    await mkdir(p).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new ZhiyinError(
          'IO_ERROR',
          `cannot create the folder ${p} (${(e as NodeJS.ErrnoException).code ?? 'error'}): choose a folder you may write to.`,
        );
    });
}

/** Options of {@link openAudioFile}. */
export interface OpenFileOptions extends DecodeOptions {
  /** Called with the fraction done (0–1) as the file is decoded. */
  onProgress?: (fraction: number) => void;
}

async function readHead(
  path: string,
  size: number,
): Promise<{ head: Uint8Array; tail: Uint8Array; size: number }> {
  let handle;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    handle = await open(path, 'r');
    const head = new Uint8Array(Math.min(size, info.size));
    await handle.read(head, 0, head.length, 0);
    const tail = new Uint8Array(Math.min(1 << 17, info.size)); // holds the last Ogg page (≤ 65,307 bytes)
    await handle.read(tail, 0, tail.length, info.size - tail.length);
    return { head, tail, size: info.size };
  } catch (error) {
    throw fileError(error, path);
  } finally {
    await handle?.close();
  }
}

/** Reads up to `length` bytes at `position` of an open file. */
async function readAt(
  handle: Awaited<ReturnType<typeof open>>,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/**
 * Which decoder a file needs: our own, or ffmpeg (for the containers only ffmpeg reads, for
 * Ogg codecs other than Vorbis/Opus/FLAC, and for WAV encodings we do not decode, such as
 * ADPCM, when ffmpeg is installed). Sniffs after any ID3v2 tags, however large.
 */
async function route(path: string): Promise<{ ffmpeg: false } | { ffmpeg: true; info: AudioInfo }> {
  let handle;
  let sniffed: ReturnType<typeof sniffContainer>;
  let head: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (info.size === 0) throw new ZhiyinError('EMPTY_INPUT', `${path} is empty (0 bytes).`);
    handle = await open(path, 'r');
    let offset = 0;
    for (let tags = 0; tags < 8; tags++) {
      const skip = id3v2Size(await readAt(handle, offset, 10));
      if (!skip) break;
      offset += skip;
    }
    head = await readAt(handle, offset, 1 << 16);
    sniffed = sniffContainer(head);
  } catch (error) {
    throw fileError(error, path);
  } finally {
    await handle?.close();
  }
  if (!sniffed) return { ffmpeg: false }; // our decoder names what it found
  let viaFfmpeg =
    needsFfmpeg(sniffed.container) ||
    (sniffed.container === 'ogg' &&
      !['vorbis', 'opus', 'flac', 'truncated'].includes(sniffed.oggCodec ?? ''));
  if (!viaFfmpeg && (sniffed.container === 'wav' || sniffed.container === 'rf64') && hasFfmpeg()) {
    try {
      await probeAudio(head);
    } catch (error) {
      viaFfmpeg = isZhiyinError(error) && error.code === 'UNSUPPORTED_FORMAT';
    }
  }
  if (!viaFfmpeg) return { ffmpeg: false };
  return { ffmpeg: true, info: await ffprobeInfo(path, sniffed.container) };
}

/** A byte stream of a file that reports progress and maps errors. */
async function* fileBytes(
  path: string,
  size: number,
  onProgress?: (fraction: number) => void,
): AsyncGenerator<Uint8Array> {
  let done = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
      done += (chunk as Uint8Array).length;
      onProgress?.(size ? done / size : 1);
      yield chunk as Uint8Array;
    }
  } catch (error) {
    throw fileError(error, path);
  }
}

/**
 * Opens an audio file for streaming decode, in any format Zhiyin reads (ffmpeg for the rest).
 * @example
 * const { info, chunks } = await openAudioFile('take.m4a', { onProgress: (f) => bar.update(f) });
 */
export async function openAudioFile(
  path: string,
  options: OpenFileOptions = {},
): Promise<AudioStream> {
  const how = await route(path);
  if (how.ffmpeg) {
    const stream = await ffmpegAudioStream(path, how.info, options);
    const expected = how.info.frames;
    const onProgress = options.onProgress;
    if (!onProgress || !expected) return stream;
    async function* counted(): AsyncGenerator<PlanarAudio> {
      let frames = 0;
      for await (const chunk of stream.chunks) {
        frames += chunk.channels[0]?.length ?? 0;
        onProgress!(Math.min(1, frames / expected!));
        yield chunk;
      }
    }
    return { info: stream.info, chunks: counted() };
  }
  const { size } = await stat(path).catch((e: unknown) => {
    throw fileError(e, path);
  });
  return openAudioStream(fileBytes(path, size, options.onProgress), options);
}

/**
 * Reads and decodes a whole audio file.
 * @example const audio = await readAudioFile('song.flac');
 */
export async function readAudioFile(
  path: string,
  options: OpenFileOptions & { maxBytes?: number } = {},
): Promise<PlanarAudio & { info: AudioInfo }> {
  const { info, chunks } = await openAudioFile(path, options);
  const audio = await collectChunks(chunks, info.sampleRate, info.channelCount, options.maxBytes);
  return { ...audio, info };
}

/**
 * Header facts of an audio file without decoding it (ffprobe for formats ffmpeg decodes),
 * with warnings where the file contradicts its headers (e.g. a truncated WAV).
 * @example const { sampleRate, channelCount, frames } = await probeAudioFile('song.mp3');
 */
export async function probeAudioFile(
  path: string,
): Promise<AudioInfo & { fileBytes: number; warnings: string[] }> {
  const how = await route(path);
  const { head, tail, size } = await readHead(path, 1 << 20);
  if (how.ffmpeg) return { ...how.info, fileBytes: size, warnings: [] };
  const info =
    head.length < size
      ? await probeAudio(fileBytes(path, size), { tail, totalBytes: size })
      : await probeAudio(head, { tail, totalBytes: size });
  const warnings: string[] = [];
  if (
    info.dataOffset !== undefined &&
    info.dataBytes !== undefined &&
    info.dataOffset + info.dataBytes > size
  ) {
    const held = Math.max(0, size - info.dataOffset);
    warnings.push(
      `the file is truncated: its header promises ${info.dataBytes} bytes of audio, the file holds ${held} (decoding needs --tolerate-errors)`,
    );
  }
  return { ...info, fileBytes: size, warnings };
}

/**
 * Writes planar audio, or a stream of chunks, to a WAV file atomically.
 * @returns the number of sample frames written
 * @example await writeWavFile('out.wav', audio, { format: 'pcm24' });
 */
export async function writeWavFile(
  path: string,
  audio:
    PlanarAudio | { sampleRate: number; channelCount: number; chunks: AsyncIterable<PlanarAudio> },
  options: WavEncodeOptions & {
    /** Called when no samples arrived; the error it returns is thrown and no file is written. */
    onEmpty?: () => Error;
  } = {},
): Promise<number> {
  const channelCount = 'channels' in audio ? audio.channels.length : audio.channelCount;
  const encoder = new WavEncoder({ sampleRate: audio.sampleRate, channelCount, ...options });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.partial`);
  let handle;
  let frames = 0;
  try {
    handle = await open(temp, 'wx');
    await handle.write(encoder.header());
    const chunks: AsyncIterable<PlanarAudio> = 'channels' in audio ? single(audio) : audio.chunks;
    for await (const chunk of chunks) {
      const n = chunk.channels[0]?.length ?? 0;
      if (!n) continue;
      encoder.header(frames + n); // throws LIMIT_EXCEEDED before a WAV would overflow 4 GiB
      await handle.write(encoder.encode(chunk.channels));
      frames += n;
    }
    if (frames === 0 && options.onEmpty) throw options.onEmpty();
    await handle.write(encoder.trailer(frames));
    await handle.write(encoder.header(frames), 0, undefined, 0);
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    return frames;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    if ((error as NodeJS.ErrnoException)?.code === 'ENOENT' && !existsSync(dirname(path))) {
      throw new ZhiyinError('IO_ERROR', `Cannot write ${path}: its folder does not exist.`, {
        cause: error,
      });
    }
    throw fileError(error, path);
  }
}

async function* single(audio: PlanarAudio): AsyncGenerator<PlanarAudio> {
  const n = audio.channels[0]?.length ?? 0;
  const step = 1 << 16;
  for (let i = 0; i < n; i += step)
    yield {
      sampleRate: audio.sampleRate,
      channels: audio.channels.map((c) => c.subarray(i, i + step)),
    };
}
