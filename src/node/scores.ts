/**
 * Melody files from disk: size-checked before reading, any score format, one-line errors; and a
 * melody from a recording, through basic-pitch transcription, when the file is audio.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { TranscribedNote } from '../analysis/index.js';
import { sniffContainer } from '../audio/index.js';
import { isZhiyinError, ZhiyinError } from '../errors/index.js';
import {
  MAX_SCORE_BYTES,
  fifthsOfMajor,
  jianpuTonic,
  melodyToScore,
  readScore,
  sniffScore,
  type Score,
} from '../notation/index.js';
import { detectMode, type MelodyNote } from '../theory/index.js';
import { fileError } from './files.js';
import { transcribeFile, type TranscribeFileOptions } from './transcribe.js';

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

export interface MelodyFileOptions extends TranscribeFileOptions {
  /** For recordings: quarter notes per minute used to write their timing (default 120). */
  tempo?: number;
}

/** True when the file starts like a recording (WAV, FLAC, Ogg, MP3, M4A …), not a score. */
async function looksLikeAudio(path: string): Promise<boolean> {
  let head: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      head = new Uint8Array(4096);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw fileError(e, path);
  }
  if (sniffScore(head)) return false;
  const isMp3 = head[0] === 0x49 && head[1] === 0x44 && head[2] === 0x33; // ID3
  const isMpegFrame = head[0] === 0xff && (head[1]! & 0xe0) === 0xe0;
  return !!sniffContainer(head) || isMp3 || isMpegFrame;
}

/**
 * A score from a melody file, or from a recording by transcription: the highest line of the
 * transcribed notes, timed at `tempo` (default 120) and rounded to sixteenth notes, in the key
 * the melody's detected mode gives.
 */
export async function readMelodyFile(
  path: string,
  options: MelodyFileOptions = {},
): Promise<Score> {
  if (!(await looksLikeAudio(path))) return readScoreFile(path);
  const tempo = options.tempo ?? 120;
  const notes = melodyLine(await transcribeFile(path, options), tempo);
  if (!notes.some((n) => n.midi !== undefined))
    throw new ZhiyinError('EMPTY_INPUT', `${path}: no notes were heard in the recording.`);
  const top = detectMode(notes, { limit: 1 })[0]!;
  return melodyToScore(notes, {
    title: basename(path),
    key: { fifths: fifthsOfMajor(jianpuTonic(top)) },
    tempo,
    resolution: 4,
  });
}

/** The highest note at each onset; a note ends where the next begins; gaps become rests. Beats. */
function melodyLine(notes: TranscribedNote[], tempo: number): MelodyNote[] {
  const beat = tempo / 60;
  const sorted = [...notes].sort((a, b) => a.start - b.start || b.midi - a.midi);
  const out: MelodyNote[] = [];
  let time = sorted[0]?.start ?? 0;
  sorted.forEach((n, i) => {
    if (i > 0 && Math.abs(n.start - sorted[i - 1]!.start) < 0.03) return; // a chord: its top note
    const next = sorted.slice(i + 1).find((m) => m.start - n.start >= 0.03);
    const end = next ? Math.min(n.end, next.start) : n.end;
    if (n.start > time + 0.06) out.push({ duration: (n.start - time) * beat });
    if (end > n.start) out.push({ midi: n.midi, duration: (end - Math.max(n.start, time)) * beat });
    time = Math.max(time, end);
  });
  return out.filter((n) => n.duration > 0);
}
