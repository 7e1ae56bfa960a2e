/**
 * Reading a monophonic melody from a Humdrum **kern file (humdrum.org, the Humdrum Toolkit
 * reference): the first **kern spine (other spines are ignored; where it splits with *^ its
 * first sub-spine is read, and *v, *x, *+ and *- are followed), the title from the !!!OTL
 * reference record, the key from *k[…] and *D: / *d: / *D:dor designations, the meter from
 * *M3/4. Notes: recips 1 2 4 8 16 32 … and 0 (breve), 00 (longa), 000 (maxima), tuplet recips
 * (3 = a triplet half, 6 = a triplet eighth, 20 = a quintuplet sixteenth: 4/recip quarters),
 * rational recips (3%2), augmentation dots, pitch letters with case and repetition (c = C4,
 * cc = C5, C = C3, CC = C2), accidentals # ## - -- n (kern pitches are absolute: the key
 * signature does not change them), rests r, ties [ _ ] merged into one note as readAbc does,
 * grace notes (q, Q) skipped, chords (space-separated notes in one token: the highest note is
 * the melody, with its own length), comments, barlines, null tokens and other signifiers
 * (articulations, ornaments, beams, slurs, stems) skipped. Durations in quarter notes.
 */
import { ZhiyinError } from '../errors/index.js';
import type { MelodyNote } from '../theory/index.js';

export interface KernTune {
  /** From !!!OTL (the original title); '' when there is none. */
  title: string;
  /**
   * The key, readable: "D major", "F# minor", "D dorian" from a key designation (*D:, *f#:,
   * *D:dor), else the key signature as written ("k[f#c#]"), else ''.
   */
  key: string;
  /** Tonic pitch class and mode from a key designation, when there is one. */
  keyTonicPc?: number;
  /** 'major', 'minor' or a church mode: 'dorian', 'phrygian', 'lydian', 'mixolydian', 'locrian'. */
  keyMode?: string;
  /** Sharps (+) or flats (−) of the *k[…] key signature, when there is one. */
  keyFifths?: number;
  /** From *M3/4; "4/4" when there is none. */
  meter: string;
  notes: MelodyNote[];
}

const LETTER_PC: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };
/** Humdrum's mode words in key designations (*D:dor) and the names we give them. */
const MODES: Record<string, string> = {
  ion: 'major',
  dor: 'dorian',
  phr: 'phrygian',
  lyd: 'lydian',
  mix: 'mixolydian',
  aeo: 'minor',
  loc: 'locrian',
};
const MAX_LENGTH = 1_000_000;

interface Spine {
  /** Which spine (track) this column belongs to; sub-spines of a split share it. */
  track: number;
  /** Its exclusive interpretation, e.g. "**kern"; undefined for a new spine not yet named. */
  kind: string | undefined;
}

interface Parsed {
  midi?: number;
  duration: number;
  /** The note continues a tie (_ or ]). */
  tied: boolean;
}

/**
 * @example readKern('**kern\n*M2/4\n4d\n8e\n8f#\n*-\n').notes // D4 1, E4 0.5, F♯4 0.5
 */
export function readKern(text: string, name = 'the **kern file'): KernTune {
  if (!text.trim()) throw new ZhiyinError('EMPTY_INPUT', `${name} is empty.`);
  if (text.length > MAX_LENGTH)
    throw new ZhiyinError(
      'LIMIT_EXCEEDED',
      `${name} is over 1 MB; one **kern melody is far shorter.`,
    );
  const lines = text.split(/\r?\n/);
  let title = '',
    meter = '',
    key = '';
  let keyTonicPc: number | undefined, keyMode: string | undefined, keyFifths: number | undefined;
  let spines: Spine[] | undefined; // undefined until the exclusive interpretations
  let melody = -1; // the track read
  let nextTrack = 0;
  let ended = false;
  const notes: MelodyNote[] = [];

  for (let ln = 0; ln < lines.length && !ended; ln++) {
    const line = lines[ln]!;
    const at = `${name}: line ${ln + 1}`;
    if (line === '') continue;
    if (line.startsWith('!!')) {
      const otl = /^!!!OTL[^:]*:\s*(.*)$/.exec(line);
      if (otl && !title) title = otl[1]!.trim();
      continue;
    }
    const tokens = line.split('\t');
    if (!spines) {
      if (!tokens.every((t) => t.startsWith('**'))) {
        if (tokens.some((t) => t.startsWith('**')))
          throw new ZhiyinError(
            'CORRUPT_DATA',
            `${at} mixes exclusive interpretations (**kern) with other tokens.`,
          );
        continue; // text before the Humdrum data (or not Humdrum at all): no spine yet
      }
      spines = tokens.map((t) => ({ track: nextTrack++, kind: t }));
      melody = spines.find((s) => s.kind === '**kern')?.track ?? -1;
      if (melody < 0) break;
      continue;
    }
    if (tokens.length !== spines.length)
      throw new ZhiyinError(
        'CORRUPT_DATA',
        `${at} has ${tokens.length} tab-separated tokens where ${spines.length} spines are open.`,
      );
    const column = spines.findIndex((s) => s.track === melody);
    const first = tokens[0]!;
    if (first.startsWith('!')) continue; // local comments
    if (first.startsWith('*')) {
      // Interpretations: in the melody's column they give key and meter.
      const own = column >= 0 ? tokens[column]! : '';
      const m = /^\*M(\d+\/\d+)$/.exec(own);
      if (m && !meter) meter = m[1]!;
      const k = /^\*k\[([a-g#n-]*)\]$/.exec(own);
      if (k && keyFifths === undefined) {
        keyFifths = (k[1]!.match(/#/g)?.length ?? 0) - (k[1]!.match(/-/g)?.length ?? 0);
        if (!key) key = `k[${k[1]}]`;
      }
      const d = /^\*([A-Ga-g])(#*|-*):([a-z]{3})?$/.exec(own);
      if (d && keyTonicPc === undefined) {
        const acc = d[2]!;
        keyTonicPc =
          (LETTER_PC[d[1]!.toLowerCase()]! +
            (acc.startsWith('#') ? acc.length : -acc.length) +
            24) %
          12;
        const mode = d[3] ? MODES[d[3]] : d[1] === d[1]!.toUpperCase() ? 'major' : 'minor';
        if (!mode)
          throw new ZhiyinError(
            'CORRUPT_DATA',
            `${at}: "${d[3]}" in ${own} is not a Humdrum mode (ion dor phr lyd mix aeo loc).`,
          );
        keyMode = mode;
        key = `${d[1]!.toUpperCase()}${acc.replace(/-/g, 'b')} ${mode}`;
      }
      spines = manipulate(spines, tokens, melody, () => nextTrack++, at);
      if (!spines.some((s) => s.track === melody)) ended = true;
      continue;
    }
    if (first.startsWith('=')) continue; // barlines
    if (column < 0) continue;
    const token = tokens[column]!;
    if (token === '.' || /^[=!*]/.test(token)) continue; // null: the previous note goes on
    const note = readToken(token, at);
    if (!note) continue; // grace notes
    const prev = notes[notes.length - 1];
    if (note.tied && prev && prev.midi !== undefined && prev.midi === note.midi)
      prev.duration += note.duration;
    else
      notes.push(
        note.midi === undefined
          ? { duration: note.duration }
          : { midi: note.midi, duration: note.duration },
      );
  }
  if (!spines || melody < 0)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} has no **kern spine (a Humdrum file names its spines on a line such as "**kern").`,
    );
  if (!notes.some((n) => n.midi !== undefined))
    throw new ZhiyinError('EMPTY_INPUT', `${name} has no notes in its first **kern spine.`);
  const tune: KernTune = { title, key, meter: meter || '4/4', notes };
  if (keyTonicPc !== undefined) tune.keyTonicPc = keyTonicPc;
  if (keyMode !== undefined) tune.keyMode = keyMode;
  if (keyFifths !== undefined) tune.keyFifths = keyFifths;
  return tune;
}

/** The spines after a line of interpretations: splits *^, merges *v, exchanges *x, adds *+, ends *-. */
function manipulate(
  spines: Spine[],
  tokens: string[],
  melody: number,
  newTrack: () => number,
  at: string,
): Spine[] {
  const out: Spine[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const s = spines[i]!;
    if (t === '*^') out.push({ ...s }, { ...s });
    else if (t === '*v') {
      // A run of *v merges into one spine; it stays the melody if the melody was in it.
      let j = i;
      while (j + 1 < tokens.length && tokens[j + 1] === '*v') j++;
      const run = spines.slice(i, j + 1);
      out.push(run.find((r) => r.track === melody) ?? s);
      i = j;
    } else if (t === '*x') {
      const other = spines[i + 1];
      if (tokens[i + 1] !== '*x' || !other)
        throw new ZhiyinError('CORRUPT_DATA', `${at}: *x must come in an adjacent pair.`);
      out.push(other, s);
      i++;
    } else if (t === '*+') out.push(s, { track: newTrack(), kind: undefined });
    else if (t === '*-') continue;
    else if (t.startsWith('**')) out.push({ ...s, kind: t });
    else out.push(s);
  }
  return out;
}

/** The note of one **kern data token (a chord: its highest note); undefined for grace notes. */
function readToken(token: string, at: string): Parsed | undefined {
  let best: Parsed | undefined;
  let rest: Parsed | undefined;
  for (const sub of token.split(' ')) {
    if (sub === '' || sub === '.') continue;
    const n = readSubtoken(sub, at);
    if (!n) continue;
    if (n.midi === undefined) rest ??= n;
    else if (!best || n.midi > best.midi!) best = n;
  }
  return best ?? rest;
}

function readSubtoken(sub: string, at: string): Parsed | undefined {
  const fail = (why: string): never => {
    const shown = sub.length > 40 ? `${sub.slice(0, 40)}…` : sub;
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${at}: cannot read the **kern token ${JSON.stringify(shown)} (${why}).`,
    );
  };
  let recip: number | undefined;
  let dots = 0;
  let letters = '';
  let alter = 0;
  let accidentals = '';
  let isRest = false,
    grace = false,
    tied = false;
  let i = 0;
  while (i < sub.length) {
    const c = sub[i]!;
    if (c >= '0' && c <= '9') {
      if (recip !== undefined) fail('two durations');
      const m = /^(\d+)(?:%(\d+))?/.exec(sub.slice(i))!;
      i += m[0].length;
      const digits = m[1]!;
      if (/^0+$/.test(digits)) {
        if (digits.length > 3 || m[2]) fail('a breve recip longer than 000');
        recip = 1 / 2 ** digits.length; // 0 breve, 00 longa, 000 maxima
      } else {
        if (digits.startsWith('0')) fail('a duration with a leading zero');
        const denominator = m[2] === undefined ? 1 : Number(m[2]);
        recip = Number(digits) / denominator;
        if (!(recip > 0) || !Number.isFinite(recip) || recip > 1e6) fail('a duration out of range');
      }
      continue;
    }
    if (c === '.') dots++;
    else if (/[a-gA-G]/.test(c)) {
      if (letters && c !== letters[0]) fail('two pitches in one note');
      letters += c;
    } else if (c === 'r') isRest = true;
    else if (c === '#' || c === '-' || c === 'n') {
      accidentals += c;
      alter += c === '#' ? 1 : c === '-' ? -1 : 0;
    } else if (c === 'q' || c === 'Q') grace = true;
    else if (c === '_' || c === ']') tied = true;
    else if (c < '!' || c > '~') fail(`the character ${JSON.stringify(c)}`);
    // Any other printable ASCII is a signifier we skip: [ ( ) { } ; ' ~ ^ t T M m W w S $ O
    // / \ L J K k x X y ? etc.
    i++;
  }
  if (/#.*-|-.*#/.test(accidentals)) fail('both a sharp and a flat');
  if (grace) return undefined;
  if (!letters && !isRest) fail('no pitch and no rest');
  if (recip === undefined) fail('no duration; a grace note carries q');
  let duration = 4 / recip!;
  duration *= 2 - 0.5 ** dots;
  if (isRest) return { duration, tied: false };
  const letter = letters[0]!;
  const lower = letter === letter.toLowerCase();
  const octave = lower ? 3 + letters.length : 4 - letters.length;
  const midi = 12 * (octave + 1) + LETTER_PC[letter.toLowerCase()]! + alter;
  if (midi < 0 || midi > 127) fail('a pitch outside the MIDI range');
  return { midi, duration, tied };
}
