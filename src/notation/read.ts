/**
 * One entry for every melody format: the format is sniffed from the content (never the name):
 * ZIP → compressed MusicXML, `<score-partwise` → MusicXML, MThd → MIDI, a `**kern` spine → Humdrum,
 * a `K:` line → ABC. Each is read into the score model.
 */
import { ZhiyinError } from '../errors/index.js';
import { readAbc } from './abc.js';
import { readKern } from './kern.js';
import { readMidiScore } from './midi.js';
import { readMusicXml } from './musicxml.js';
import { isZip, readMxl } from './mxl.js';
import { fromNumber } from './fraction.js';
import { fifthsOfMajor, melodyToScore, parseMeter, type Score } from './score.js';

export type ScoreFormat = 'musicxml' | 'mxl' | 'midi' | 'kern' | 'abc';

/** Melody files above this are refused before reading (scores are kilobytes to a few MiB). */
export const MAX_SCORE_BYTES = 32 * 2 ** 20;

/** Semitones from a mode word's tonic down to its relative major (ABC and kern mode words). */
const MODE_TO_MAJOR: Record<string, number> = {
  maj: 0,
  major: 0,
  ion: 0,
  min: 9,
  minor: 9,
  m: 9,
  aeo: 9,
  dor: 2,
  phr: 4,
  lyd: 5,
  mix: 7,
  loc: 11,
};

/** The format of a melody file from its first bytes, or undefined. */
export function sniffScore(bytes: Uint8Array): ScoreFormat | undefined {
  if (isZip(bytes)) return 'mxl';
  if (bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'MThd') return 'midi';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1 << 16));
  if (/<score-(partwise|timewise)\b/.test(head)) return 'musicxml';
  if (/^(?:\*\*[^\t\r\n]*\t)*\*\*kern/m.test(head)) return 'kern';
  if (/^K:/m.test(head)) return 'abc';
  return undefined;
}

/**
 * Reads a melody file of any supported format.
 * @example const score = readScore(readFileSync('tune.mxl'), 'tune.mxl');
 */
export function readScore(bytes: Uint8Array, name = 'the score'): Score {
  if (bytes.length === 0) throw new ZhiyinError('EMPTY_INPUT', `${name} is empty.`);
  if (bytes.length > MAX_SCORE_BYTES)
    throw new ZhiyinError(
      'LIMIT_EXCEEDED',
      `${name} is ${(bytes.length / 2 ** 20).toFixed(0)} MiB; melody files above ${MAX_SCORE_BYTES / 2 ** 20} MiB are refused.`,
    );
  const format = sniffScore(bytes);
  const text = () => new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  switch (format) {
    case 'mxl':
      return readMusicXml(readMxl(bytes, name), name);
    case 'midi':
      return readMidiScore(bytes, name);
    case 'musicxml':
      return readMusicXml(text(), name);
    case 'kern': {
      const tune = readKern(text(), name);
      const toMajor = MODE_TO_MAJOR[(tune.keyMode ?? 'maj').slice(0, 3)] ?? 0;
      const fifths =
        tune.keyFifths ??
        (tune.keyTonicPc === undefined ? 0 : fifthsOfMajor(tune.keyTonicPc - toMajor));
      return melodyToScore(tune.notes, {
        title: tune.title,
        key: { fifths, ...(tune.keyMode ? { mode: tune.keyMode } : {}) },
        meter: parseMeter(tune.meter.replace(/^\*?M/, '')) ?? { beats: 4, beatType: 4 },
      });
    }
    case 'abc': {
      const tune = readAbc(text(), name);
      const toMajor = MODE_TO_MAJOR[(tune.keyMode ?? 'maj').toLowerCase().slice(0, 3)] ?? 0;
      const mode =
        tune.keyMode?.toLowerCase().startsWith('m') && toMajor === 9 ? 'minor' : undefined;
      return melodyToScore(tune.notes, {
        title: tune.title,
        key: {
          fifths: tune.keyTonicPc === undefined ? 0 : fifthsOfMajor(tune.keyTonicPc - toMajor),
          ...(mode ? { mode } : {}),
        },
        meter: parseMeter(tune.meter) ?? { beats: 4, beatType: 4 },
        ...(tune.pickup ? { pickup: fromNumber(tune.pickup, 10_080) } : {}),
      });
    }
    default:
      throw new ZhiyinError(
        'UNSUPPORTED_FORMAT',
        `${name} is not a melody file Zhiyin reads (MusicXML, .mxl, MIDI, ABC or **kern).`,
      );
  }
}
