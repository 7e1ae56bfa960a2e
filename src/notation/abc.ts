/**
 * Reading a monophonic tune in ABC notation (abc standard 2.1, abcnotation.com): the header
 * fields X, T, M, L, Q and K (key signatures with modes: K:D, K:Em, K:ADor, K:Bb mix, K:none),
 * then notes with accidentals (^ ^^ _ __ =, lasting to the bar line as in the standard), octave
 * marks (C, c c'), lengths (A2 A/2 A/ A3/2), rests (z x), ties (-), broken rhythm (> <),
 * triplets (3, chords ([CEG]: the top note is the melody), grace notes ({g}: skipped),
 * decorations and chord symbols (skipped), bar lines and repeats (read once, in order).
 * The first tune of a file is read. Durations are in beats of the L: unit × 4 (quarter = 1).
 */
import { ZhiyinError } from '../errors/index.js';
import { short } from './quote.js';
import type { MelodyNote } from '../theory/index.js';

export interface AbcTune {
  title: string;
  /** The K: field as written, e.g. "Dmix". */
  key: string;
  /** The key's tonic pitch class and mode word from K:, when it has one. */
  keyTonicPc?: number;
  keyMode?: string;
  meter: string;
  notes: MelodyNote[];
  /** Length of an upbeat before the first bar line, quarter notes (absent when none). */
  pickup?: number;
}

const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const ORDER_OF_SHARPS = ['F', 'C', 'G', 'D', 'A', 'E', 'B'];
/** Mode words and their offset from the relative major's tonic (in fifths). */
const MODE_FIFTHS: Record<string, number> = {
  maj: 0,
  ion: 0,
  min: -3,
  m: -3,
  aeo: -3,
  dor: -2,
  phr: -4,
  lyd: 1,
  mix: -1,
  loc: -5,
};
const MAX_LENGTH = 1_000_000;

/**
 * @example readAbc('X:1\nK:D\nDEF|').notes.length // 3
 */
export function readAbc(text: string, name = 'the ABC tune'): AbcTune {
  if (!text.trim()) throw new ZhiyinError('EMPTY_INPUT', `${name} is empty.`);
  if (text.length > MAX_LENGTH)
    throw new ZhiyinError('LIMIT_EXCEEDED', `${name} is over 1 MB; one ABC tune is far shorter.`);
  const lines = text.split(/\r?\n/);
  let title = '',
    meter = '4/4',
    unit = 0,
    keyText = '';
  let signature = new Map<string, number>();
  let keyTonicPc: number | undefined, keyMode: string | undefined;
  let body = '';
  let inBody = false;
  for (const raw of lines) {
    const line = raw.replace(/%.*$/, '');
    const field = /^([A-Za-z]):\s*(.*)$/.exec(line);
    if (!inBody && field) {
      const [, f, v] = field;
      const value = v!.trim();
      if (f === 'T' && !title) title = value;
      else if (f === 'M') meter = value;
      else if (f === 'L') unit = parseFraction(value, name, 'L:');
      else if (f === 'K') {
        keyText = value;
        const k = parseKey(value, name);
        signature = k.signature;
        keyTonicPc = k.tonicPc;
        keyMode = k.mode;
        inBody = true;
      }
      continue;
    }
    if (!inBody) continue;
    if (field && /^[KLMQTPVWw]$/.test(field[1]!)) {
      // Inline field changes in the body: L: and K: matter for reading the notes.
      if (field[1] === 'L') unit = parseFraction(field[2]!.trim(), name, 'L:');
      if (field[1] === 'K') signature = parseKey(field[2]!.trim(), name).signature;
      continue;
    }
    if (!line.trim() && body) break; // a blank line ends the tune
    body += `${line}\n`;
  }
  if (!inBody)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} has no K: (key) field, so its notes cannot be read.`,
    );
  if (!unit) {
    // The standard's default: 1/16 for meters below 3/4, else 1/8.
    const [n, d] = meter.split('/').map(Number);
    unit = n && d && n / d < 0.75 ? 1 / 16 : 1 / 8;
  }
  const { notes, beforeFirstBar } = parseBody(body, signature, unit * 4, name);
  if (!notes.some((n) => n.midi !== undefined))
    throw new ZhiyinError('EMPTY_INPUT', `${name} has no notes.`);
  const tune: AbcTune = { title, key: keyText, meter, notes };
  // An upbeat: notes before the first bar line that fill less than a bar.
  const [mn, md] = meter.split('/').map(Number);
  const barBeats = mn && md ? (4 * mn) / md : 4;
  if (beforeFirstBar !== undefined && beforeFirstBar > 1e-9 && beforeFirstBar < barBeats - 1e-9)
    tune.pickup = beforeFirstBar;
  if (keyTonicPc !== undefined) tune.keyTonicPc = keyTonicPc;
  if (keyMode !== undefined) tune.keyMode = keyMode;
  return tune;
}

function parseFraction(v: string, name: string, what: string): number {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || !Number(m[2]) || !Number(m[1]))
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name}: ${what} must be a fraction such as 1/8, got "${short(v)}".`,
    );
  return Number(m[1]) / Number(m[2]);
}

function parseKey(
  value: string,
  name: string,
): { signature: Map<string, number>; tonicPc?: number; mode?: string } {
  const signature = new Map<string, number>();
  const v = value.trim();
  if (!v || /^(none|HP|Hp)\b/.test(v)) return { signature };
  const m = /^([A-G])([#b]?)\s*([A-Za-z]*)/.exec(v);
  if (!m)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name}: K:${short(value)} is not a key (write e.g. K:D, K:Em, K:ADor).`,
    );
  const modeWord = m[3]!.toLowerCase();
  const modeKey = modeWord === '' ? 'maj' : modeWord === 'm' ? 'm' : modeWord.slice(0, 3);
  const offset = MODE_FIFTHS[modeKey];
  if (offset === undefined)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name}: "${short(m[3]!)}" in K:${short(value)} is not a mode ABC knows.`,
    );
  const tonicPc = (LETTER_PC[m[1]!]! + (m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0) + 12) % 12;
  // Fifths of the tonic's major key (C 0, G 1, F −1 …), then shifted by the mode.
  const majorFifths: Record<string, number> = {
    C: 0,
    G: 1,
    D: 2,
    A: 3,
    E: 4,
    B: 5,
    'F#': 6,
    'C#': 7,
    F: -1,
    Bb: -2,
    Eb: -3,
    Ab: -4,
    Db: -5,
    Gb: -6,
    Cb: -7,
  };
  const fifths = (majorFifths[`${m[1]}${m[2]}`] ?? 0) + offset;
  for (let i = 0; i < Math.abs(fifths); i++)
    if (fifths > 0) signature.set(ORDER_OF_SHARPS[i]!, 1);
    else signature.set(ORDER_OF_SHARPS[6 - i]!, -1);
  // Explicit accidentals after the mode: K:D =c ^g …
  for (const acc of v.matchAll(/(\^\^|\^|__|_|=)([A-Ga-g])/g))
    signature.set(
      acc[2]!.toUpperCase(),
      acc[1] === '^' ? 1 : acc[1] === '^^' ? 2 : acc[1] === '_' ? -1 : acc[1] === '__' ? -2 : 0,
    );
  return { signature, tonicPc, mode: modeKey };
}

function parseBody(
  body: string,
  signature: Map<string, number>,
  unitBeats: number,
  name: string,
): { notes: MelodyNote[]; beforeFirstBar: number | undefined } {
  const notes: MelodyNote[] = [];
  let beforeFirstBar: number | undefined;
  let bar = new Map<string, number>(); // accidentals in force until the bar line
  let i = 0;
  let tie = false;
  let broken = 0; // the next note's length factor after a broken rhythm (0: none)
  let tuplet: { p: number; q: number; left: number } | undefined;
  const s = body;
  const fail = (what: string): never => {
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name}: ${what} at character ${i + 1} of the tune body.`,
    );
  };
  const readLength = (): number => {
    const m = /^(\d*)(\/*)(\d*)/.exec(s.slice(i))!;
    i += m[0].length;
    const num = m[1] ? Number(m[1]) : 1;
    const slashes = m[2]!.length;
    const den = m[3] ? Number(m[3]) : 2 ** slashes;
    if (!num || !den) fail('a note length of zero');
    return slashes || m[3] ? num / (slashes ? den : 1) : num;
  };
  const push = (midi: number | undefined, beats: number) => {
    let d = beats;
    if (broken) {
      d *= broken;
      broken = 0;
    }
    if (tuplet) {
      d *= tuplet.q / tuplet.p;
      if (--tuplet.left === 0) tuplet = undefined;
    }
    const prev = notes[notes.length - 1];
    if (tie && prev && prev.midi === midi && midi !== undefined) prev.duration += d;
    else notes.push(midi === undefined ? { duration: d } : { midi, duration: d });
    tie = false;
  };
  const note = (): { midi: number } | undefined => {
    const m = /^(\^\^|\^|__|_|=)?([A-Ga-g])([,']*)/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    const letter = m[2]!.toUpperCase();
    let octave = m[2] === letter ? 4 : 5;
    for (const c of m[3]!) octave += c === "'" ? 1 : -1;
    let alter: number;
    if (m[1]) {
      alter = m[1] === '^' ? 1 : m[1] === '^^' ? 2 : m[1] === '_' ? -1 : m[1] === '__' ? -2 : 0;
      bar.set(`${letter}${octave}`, alter);
    } else alter = bar.get(`${letter}${octave}`) ?? signature.get(letter) ?? 0;
    return { midi: 12 * (octave + 1) + LETTER_PC[letter]! + alter };
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '|' || c === ':' || c === ']' || (c === '[' && /^\[[\d|]/.test(s.slice(i)))) {
      // Bar lines, repeats, endings ([1 [2 |1).
      beforeFirstBar ??= notes.reduce((t, n) => t + n.duration, 0);
      bar = new Map();
      i++;
      while (i < s.length && /[\d,]/.test(s[i]!)) i++;
      continue;
    }
    if (c === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) fail('an unclosed chord symbol or annotation');
      i = end + 1;
      continue;
    }
    if (c === '!' || c === '+') {
      const end = s.indexOf(c, i + 1);
      if (end < 0) fail('an unclosed decoration');
      i = end + 1;
      continue;
    }
    if (c === '{') {
      const end = s.indexOf('}', i + 1);
      if (end < 0) fail('unclosed grace notes');
      i = end + 1;
      continue;
    }
    if (c === '(' && /^\(\d/.test(s.slice(i))) {
      const m = /^\((\d)(?::(\d)?(?::(\d))?)?/.exec(s.slice(i))!;
      i += m[0].length;
      const p = Number(m[1]);
      const q = m[2]
        ? Number(m[2])
        : p === 3 || p === 6
          ? 2
          : p === 2 || p === 4 || p === 8
            ? 3
            : 2;
      tuplet = { p, q, left: m[3] ? Number(m[3]) : p };
      continue;
    }
    if (c === '[') {
      // A chord: its highest note is the melody; its length is the first note's.
      i++;
      let top: number | undefined, length: number | undefined;
      while (i < s.length && s[i] !== ']') {
        const n = note();
        if (!n) fail('something that is not a note inside a chord');
        const l = readLength();
        length ??= l;
        if (top === undefined || n!.midi > top) top = n!.midi;
      }
      if (s[i] !== ']') fail('an unclosed chord');
      i++;
      const outer = readLength();
      push(top, (length ?? 1) * outer * unitBeats);
      continue;
    }
    if (c === 'z' || c === 'x' || c === 'Z') {
      i++;
      push(undefined, readLength() * unitBeats);
      continue;
    }
    if (c === '-') {
      tie = true;
      i++;
      continue;
    }
    if (c === '>' || c === '<') {
      let k = 0;
      while (s[i] === c) {
        k++;
        i++;
      }
      const last = notes[notes.length - 1];
      if (!last) fail('a broken rhythm with no note before it');
      // a>b: a dotted, b halved; a>>b: a double-dotted, b quartered; '<' the other way round.
      const shift = 1 - 0.5 ** k;
      last!.duration *= c === '>' ? 1 + shift : 1 - shift;
      broken = c === '>' ? 1 - shift : 1 + shift;
      continue;
    }
    const n = note();
    if (n) {
      push(n.midi, readLength() * unitBeats);
      continue;
    }
    if (/[\s\\~.HLMOPSTuvJR`]/.test(c)) {
      i++; // spaces, line continuation, short decorations
      continue;
    }
    fail(`an unexpected "${c}"`);
  }
  return { notes, beforeFirstBar };
}
