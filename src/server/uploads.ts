/**
 * Uploads: a file streams to a temporary file in the data folder while its SHA-256 and size are
 * counted (never held whole in memory), is refused past the size limit, has its type sniffed
 * from its bytes (never from its name), is checked (an audio header probed for its length, a
 * score parsed, a mix project checked), then is flushed to disk and renamed to blobs/<first two hex>/<hash>: the same
 * bytes are stored once. The client's name is kept, sanitised, for display only.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { id3v2Size, sniffContainer } from '../audio/index.js';
import { isZhiyinError, ZhiyinError } from '../errors/index.js';
import { checkProject } from '../mix/index.js';
import { MAX_SCORE_BYTES, readScore, sniffScore } from '../notation/index.js';
import { makeFolder, probeAudioFile } from '../node/index.js';
import { ApiError } from './errors.js';
import type { Store, UploadRow } from './store.js';

const MAX_PROJECT_BYTES = 1 << 20;

export interface UploadLimits {
  /** Largest upload, bytes (default 200 MiB). */
  maxBytes: number;
  /** Longest audio upload, seconds (default 20 minutes). */
  maxSeconds: number;
}

/** A client's file name made safe to show and to offer back: no folders, no control characters. */
export function sanitiseName(name: string | undefined): string {
  const base = (name ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  const clean = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  return clean.slice(0, 120) || 'upload';
}

/** The blob path of an upload id (a SHA-256 in hex, checked by the caller). */
export function blobPath(dataDir: string, id: string): string {
  return join(dataDir, 'blobs', id.slice(0, 2), id);
}

async function head(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    let offset = 0;
    const buf = Buffer.alloc(bytes);
    // Skip ID3v2 tags (MP3s may carry several), as the decoders do.
    for (let tags = 0; tags < 8; tags++) {
      const { bytesRead } = await handle.read(buf, 0, 10, offset);
      const skip = id3v2Size(buf.subarray(0, bytesRead));
      if (!skip) break;
      offset += skip;
    }
    const { bytesRead } = await handle.read(buf, 0, bytes, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** What the bytes at `path` are, checked; throws a 4xx ApiError or ZhiyinError otherwise. */
async function identify(
  path: string,
  bytes: number,
  limits: UploadLimits,
): Promise<Pick<UploadRow, 'kind' | 'format' | 'seconds'>> {
  const first = await head(path, 1 << 16);
  const audio = sniffContainer(first);
  if (audio) {
    const info = await probeAudioFile(path).catch((e: unknown) => {
      throw isZhiyinError(e)
        ? new ZhiyinError(e.code, e.message.replaceAll(path, 'the upload'))
        : e;
    });
    // A file cut short (an upload that broke off) is refused now, not when a job reads it.
    const cut = info.warnings.find((w) => /truncated/.test(w));
    if (cut)
      throw new ZhiyinError(
        'TRUNCATED',
        `${cut.replace(/ \(decoding needs [^)]*\)/, '')}: upload the whole file.`,
      );
    const seconds = info.frames !== undefined ? info.frames / info.sampleRate : null;
    if (seconds !== null && seconds > limits.maxSeconds)
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `the upload is ${(seconds / 60).toFixed(1)} min of audio; the server takes at most ${(limits.maxSeconds / 60).toFixed(0)} min.`,
      );
    return { kind: 'audio', format: audio.container, seconds };
  }
  if (/^\s*\{/.test(new TextDecoder().decode(first.subarray(0, 64)))) {
    if (bytes > MAX_PROJECT_BYTES)
      throw new ApiError('PAYLOAD_TOO_LARGE', 'a mix project is at most 1 MiB of JSON.');
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new ZhiyinError(
        'CORRUPT_DATA',
        `the upload looks like JSON but is not valid (${(e as Error).message.split('\n')[0]}).`,
      );
    }
    if ((json as { format?: unknown } | null)?.format === 'zhiyin-mix') {
      checkProject(json, 'the mix project');
      return { kind: 'project', format: 'zhiyin-mix', seconds: null };
    }
  }
  const score = sniffScore(first);
  if (score) {
    if (bytes > MAX_SCORE_BYTES)
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `the score is ${(bytes / 1e6).toFixed(1)} MB; a score is at most ${(MAX_SCORE_BYTES / 1e6).toFixed(0)} MB.`,
      );
    readScore(new Uint8Array(await readFile(path)), 'the upload');
    return { kind: 'score', format: score, seconds: null };
  }
  throw new ApiError(
    'UNSUPPORTED_MEDIA_TYPE',
    'the upload is neither audio Zhiyin reads (WAV, FLAC, MP3, Ogg, M4A/MP4, WebM, AIFF …), a score (MusicXML, MXL, MIDI, ABC, kern) nor a mix project (JSON with "format": "zhiyin-mix").',
  );
}

/**
 * Stores one uploaded file from a stream; `truncated()` says whether the multipart parser cut
 * it at the size limit.
 * @example const row = await receiveUpload(part.file, part.filename, () => part.file.truncated, ...);
 */
export async function receiveUpload(
  stream: Readable,
  name: string | undefined,
  truncated: () => boolean,
  dataDir: string,
  store: Store,
  limits: UploadLimits,
): Promise<{ upload: UploadRow; created: boolean }> {
  const tmpDir = join(dataDir, 'tmp');
  await makeFolder(tmpDir);
  const temp = join(tmpDir, `${randomUUID()}.partial`);
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(stream, count, createWriteStream(temp, { flags: 'wx' }));
    if (truncated() || bytes > limits.maxBytes)
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `the upload is larger than ${(limits.maxBytes / 2 ** 20).toFixed(0)} MiB, the server's limit.`,
      );
    if (bytes === 0)
      throw new ZhiyinError(
        'EMPTY_INPUT',
        'the upload is empty (0 bytes): choose a file with audio or a score in it.',
      );
    const what = await identify(temp, bytes, limits);
    const id = hash.digest('hex');
    const target = blobPath(dataDir, id);
    await makeFolder(join(target, '..'));
    // Flush before the rename, so that a stored upload survives a power cut.
    const handle = await open(temp, 'r+');
    await handle.sync();
    await handle.close();
    const exists = await stat(target).then(
      (s) => s.size === bytes,
      () => false,
    );
    if (exists) await rm(temp, { force: true });
    else await rename(temp, target);
    const created = !store.upload(id);
    return { upload: store.addUpload({ id, name: sanitiseName(name), bytes, ...what }), created };
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
