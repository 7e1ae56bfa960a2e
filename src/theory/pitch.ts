/**
 * Spelled pitches and intervals: a pitch is a letter, an alteration and an octave (scientific
 * pitch notation, C4 = middle C = MIDI 60), so that F♯ and G♭ stay different; an interval is
 * a generic size (unison 1, second 2, …) with a quality (P, M, m, A, d) and its semitones.
 */
import { ZhiyinError } from '../errors/index.js';

export type Step = 'C' | 'D' | 'E' | 'F' | 'G' | 'A' | 'B';
export const STEPS: readonly Step[] = ['C', 'D', 'E', 'F', 'G', 'A', 'B'];
/** Semitones of each letter above C. */
const STEP_SEMITONES = [0, 2, 4, 5, 7, 9, 11];

export interface Pitch {
  step: Step;
  /** −2 (double flat) … +2 (double sharp). */
  alter: number;
  octave: number;
}

const ACCIDENTALS: Record<string, number> = {
  '': 0,
  '#': 1,
  '♯': 1,
  b: -1,
  '♭': -1,
  '##': 2,
  x: 2,
  '𝄪': 2,
  bb: -2,
  '𝄫': -2,
};

/**
 * Parses "C4", "F#3", "Bb5", "E♭4", "G##2"; the octave may be left out with `defaultOctave`.
 * @example parsePitch('F#4') // { step: 'F', alter: 1, octave: 4 }
 */
export function parsePitch(text: string, defaultOctave?: number): Pitch {
  const m = /^\s*([A-Ga-g])(##|bb|#|♯|b|♭|x|𝄪|𝄫)?(-?\d+)?\s*$/u.exec(text);
  const octave = m?.[3] !== undefined ? Number(m[3]) : defaultOctave;
  if (!m || octave === undefined)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `"${text}" is not a pitch: write a letter, an optional ♯/♭ (# or b) and an octave, e.g. F#4 or Bb3.`,
    );
  return { step: m[1]!.toUpperCase() as Step, alter: ACCIDENTALS[m[2] ?? '']!, octave };
}

/** MIDI number of a pitch (C4 = 60). */
export function pitchToMidi(p: Pitch): number {
  return 12 * (p.octave + 1) + STEP_SEMITONES[STEPS.indexOf(p.step)]! + p.alter;
}

/** Pitch class 0–11 (C = 0). */
export function pitchClass(p: Pitch): number {
  return (((STEP_SEMITONES[STEPS.indexOf(p.step)]! + p.alter) % 12) + 12) % 12;
}

/** "F♯4"; with `ascii`, "F#4". */
export function pitchName(p: Pitch, options: { ascii?: boolean; octave?: boolean } = {}): string {
  const sharp = options.ascii ? '#' : '♯',
    flat = options.ascii ? 'b' : '♭';
  const acc = p.alter > 0 ? sharp.repeat(p.alter) : flat.repeat(-p.alter);
  return `${p.step}${acc}${options.octave === false ? '' : p.octave}`;
}

/**
 * The spelling of MIDI `midi` on letter `step` (the alteration that makes it sound right).
 * @example spellOn(66, 'G') // G♭4
 */
export function spellOn(midi: number, step: Step): Pitch {
  const base = STEP_SEMITONES[STEPS.indexOf(step)]!;
  // The octave whose letter lies nearest the pitch.
  let octave = Math.floor(midi / 12) - 1;
  let alter = midi - (12 * (octave + 1) + base);
  if (alter > 6) {
    octave++;
    alter -= 12;
  } else if (alter < -6) {
    octave--;
    alter += 12;
  }
  return { step, alter, octave };
}

export interface Interval {
  /** Generic size: 1 unison, 2 second, … 8 octave, 9 ninth … (always ≥ 1; see `descending`). */
  number: number;
  quality: 'P' | 'M' | 'm' | 'A' | 'd' | 'AA' | 'dd';
  semitones: number;
  descending: boolean;
  /** "M3", "P5", "m7", "A4". */
  name: string;
  /** Chinese name, e.g. 大三度, 纯五度, 增四度. */
  zh: string;
}

const PERFECT = new Set([1, 4, 5]);
const ZH_NUMBERS = [
  '',
  '一',
  '二',
  '三',
  '四',
  '五',
  '六',
  '七',
  '八',
  '九',
  '十',
  '十一',
  '十二',
  '十三',
  '十四',
  '十五',
];
const ZH_QUALITY: Record<Interval['quality'], string> = {
  P: '纯',
  M: '大',
  m: '小',
  A: '增',
  d: '减',
  AA: '倍增',
  dd: '倍减',
};

/**
 * The interval from `a` to `b`.
 * @example interval(parsePitch('C4'), parsePitch('E4')).name // 'M3'
 */
export function interval(a: Pitch, b: Pitch): Interval {
  const descending =
    pitchToMidi(b) < pitchToMidi(a) ||
    (pitchToMidi(b) === pitchToMidi(a) && letterIndex(b) < letterIndex(a));
  const [lo, hi] = descending ? [b, a] : [a, b];
  const steps = letterIndex(hi) - letterIndex(lo);
  const semitones = pitchToMidi(hi) - pitchToMidi(lo);
  const number = steps + 1;
  const simple = ((number - 1) % 7) + 1;
  const octaves = Math.floor((number - 1) / 7);
  const reference = STEP_SEMITONES[simple - 1]! + 12 * octaves; // major or perfect size
  const diff = semitones - reference;
  let quality: Interval['quality'];
  if (PERFECT.has(simple))
    quality = diff === 0 ? 'P' : diff === 1 ? 'A' : diff === -1 ? 'd' : diff > 0 ? 'AA' : 'dd';
  else
    quality =
      diff === 0
        ? 'M'
        : diff === -1
          ? 'm'
          : diff === 1
            ? 'A'
            : diff === -2
              ? 'd'
              : diff > 0
                ? 'AA'
                : 'dd';
  const zhNumber = number === 1 ? '一' : (ZH_NUMBERS[number] ?? String(number));
  return {
    number,
    quality,
    semitones: descending ? -semitones : semitones,
    descending,
    name: `${quality}${number}`,
    zh: `${ZH_QUALITY[quality]}${zhNumber}度`,
  };
}

function letterIndex(p: Pitch): number {
  return 7 * p.octave + STEPS.indexOf(p.step);
}
