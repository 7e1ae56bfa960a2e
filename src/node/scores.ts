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
  if (!(await looksLikeAudio(path)))
    return readScoreFile(path).catch((e: unknown) => {
      // Here a recording would have done too: say so.
      if (
        isZhiyinError(e) &&
        e.code === 'UNSUPPORTED_FORMAT' &&
        /is not a melody file/.test(e.message)
      )
        throw new ZhiyinError(
          'UNSUPPORTED_FORMAT',
          `${path} is neither a melody file (MusicXML, .mxl, MIDI, ABC, **kern) nor a recording (WAV, FLAC, MP3, Ogg, M4A …).`,
        );
      throw e;
    });
  const tempo = options.tempo ?? 120;
  const notes = transcribedMelody(await transcribeFile(path, options), tempo);
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

/**
 * The melody of transcribed notes, in beats on a sixteenth-note grid: notes starting within 30 ms
 * are one chord and the highest is the melody; onsets and ends are rounded to the grid (not the
 * lengths, so timing never drifts), a note ends where the next begins, gaps become rests.
 */
export function transcribedMelody(notes: TranscribedNote[], tempo: number): MelodyNote[] {
  const perSecond = (tempo / 60) * 4; // grid steps per second
  const step = (seconds: number) => Math.round(seconds * perSecond);
  const chords: { start: number; end: number; midi: number }[] = [];
  for (const n of [...notes].sort((a, b) => a.start - b.start)) {
    const last = chords[chords.length - 1];
    if (last && n.start - last.start < 0.03) {
      if (n.midi > last.midi) Object.assign(last, { midi: n.midi, end: n.end });
    } else chords.push({ start: n.start, end: n.end, midi: n.midi });
  }
  const out: MelodyNote[] = [];
  let t = chords.length ? step(chords[0]!.start) : 0;
  chords.forEach((c, i) => {
    const next = i + 1 < chords.length ? step(chords[i + 1]!.start) : Infinity;
    const on = Math.max(t, step(c.start));
    const off = Math.min(Math.max(step(c.end), on + 1), next);
    if (off <= on) return; // shorter than the grid and crowded out by the next note
    if (on > t) out.push({ duration: (on - t) / 4 });
    out.push({ midi: c.midi, duration: (off - on) / 4 });
    t = off;
  });
  return out;
}
