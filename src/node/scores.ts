/** Melody files from disk: size-checked before reading, any score format, one-line errors. */
import { readFile, stat } from 'node:fs/promises';
import { isZhiyinError, ZhiyinError } from '../errors/index.js';
import { MAX_SCORE_BYTES, readScore, type Score } from '../notation/index.js';
import { fileError } from './files.js';

/**
 * Reads MusicXML, .mxl, MIDI, ABC or **kern, sniffed from the content.
 * @example const score = await readScoreFile('tune.musicxml');
 */
export async function readScoreFile(path: string): Promise<Score> {
  let bytes: Uint8Array;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_SCORE_BYTES)
      throw new ZhiyinError(
        'LIMIT_EXCEEDED',
        `${path} is ${(size / 2 ** 20).toFixed(0)} MiB; melody files above ${MAX_SCORE_BYTES / 2 ** 20} MiB are refused.`,
      );
    bytes = await readFile(path);
  } catch (e) {
    throw isZhiyinError(e) ? e : fileError(e, path);
  }
  return readScore(bytes, path);
}
