/**
 * Jianpu (简谱, numbered notation) as text: a key line such as "1=D 4/4", then the melody in
 * bars. Degrees 1–7 of the major scale on the tonic (♯ or ♭ written before the number for the
 * others), octave dots as combining marks (a dot above for each octave up, below for each
 * octave down, from the octave starting at the tonic above middle C: 1=D → D4 is 1), durations
 * as jianpu writes them with a quarter note as the beat: a dash per extra beat (5 - -), a
 * dot for half as much again (5·), one underline for a half beat and two for a quarter, and 0
 * for a rest. A note that crosses a bar line is split there and tied (⁀). Lengths jianpu has
 * no single sign for (triplets, 5/8 …) are written as the nearest quarter beat and counted.
 * jianpuLayout does this layout once, as data; jianpuText writes it as text and jianpuSvg
 * (jianpu-svg.ts) engraves it. jianpuTonic says which pitch is 1 for a detected mode.
 */
import type { MelodyNote, ModeCandidate } from '../theory/index.js';

export interface JianpuOptions {
  /** Pitch class of 1 (do), e.g. 2 for D. */
  tonicPc: number;
  /** How the key line names the tonic (default from the pitch class, e.g. "E♭"). */
  tonicName?: string;
  /** Meter for the key line and the bar lines (default "4/4"). */
  meter?: string;
  /** Length of an upbeat bar, quarter notes (default none). */
  pickup?: number;
}

export interface Jianpu {
  text: string;
  /** How many notes had lengths written as the nearest quarter beat. */
  approximated: number;
}

/** One sign of a jianpu line: a number (note or rest) or a dash that holds a note a beat longer. */
export interface JianpuElement {
  kind: 'note' | 'rest' | 'dash';
  /** '1'–'7' for notes, '0' for rests, '-' for dashes. */
  digit: string;
  /** −1 ♭, 0, +1 ♯ (written before the number). */
  accidental: number;
  /** Octave dots: above for > 0, below for < 0. */
  octave: number;
  /** 0, 1 (a half beat) or 2 (a quarter beat). */
  underlines: number;
  /** An augmentation dot after it: half as much again. */
  dotted: boolean;
  /** The note goes on from the previous bar (a tie from its last number). */
  tied: boolean;
  /** Where it starts in its bar and how long it lasts, in quarter beats (on the quarter-beat grid). */
  onset: number;
  beats: number;
}

/** A melody laid out for jianpu: the key line and bars of elements. */
export interface JianpuLayout {
  /** e.g. "1=D 4/4". */
  keyLine: string;
  /** Beats per bar (quarter notes). */
  barBeats: number;
  bars: JianpuElement[][];
  /** How many notes had lengths written as the nearest quarter beat. */
  approximated: number;
}

/** Semitones from the relative major's tonic up to a Western mode's tonic. */
const ABOVE_RELATIVE_MAJOR: Record<string, number> = {
  major: 0,
  dorian: 2,
  phrygian: 4,
  lydian: 5,
  mixolydian: 7,
  minor: 9,
  'harmonic-minor': 9,
  'melodic-minor': 9,
  locrian: 11,
};

/**
 * The pitch class jianpu calls 1 for a detected mode: for a Chinese mode its gong (宫), for a
 * Western mode the tonic of its relative major (A minor and D Dorian are written in 1=C).
 * @example jianpuTonic(detectMode(notes)[0]) // 7 for D 徵调式 (gong G)
 */
export function jianpuTonic(candidate: ModeCandidate): number {
  const mode = candidate.modes[0];
  if (mode?.system === 'chinese' && candidate.gongPc !== undefined) return candidate.gongPc;
  const above = (mode && ABOVE_RELATIVE_MAJOR[mode.id]) ?? 0;
  return (((candidate.tonicPc - above) % 12) + 12) % 12;
}

/** Degree number and accidental of each semitone above the tonic. */
const DIGITS = ['1', '1', '2', '3', '3', '4', '4', '5', '6', '6', '7', '7'];
const ACCIDENTALS = [0, 1, 0, -1, 0, 0, 1, 0, -1, 0, -1, 0];
const PC_NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];
const DOT_ABOVE = '\u0307',
  DOT_BELOW = '\u0323',
  UNDERLINE = '\u0332',
  DOUBLE_UNDERLINE = '\u0333';

/** Degree, accidental and octave of a MIDI note on a tonic (the octave from the tonic above middle C). */
function degreeOf(
  midi: number,
  tonicPc: number,
): { digit: string; accidental: number; octave: number } {
  const rel = Math.round(midi) - (60 + (((tonicPc % 12) + 12) % 12));
  const k = ((rel % 12) + 12) % 12;
  return { digit: DIGITS[k]!, accidental: ACCIDENTALS[k]!, octave: Math.floor(rel / 12) };
}

/** The jianpu symbol of a MIDI note: degree with accidental and octave dots. */
export function jianpuSymbol(midi: number, tonicPc: number): string {
  const { digit, accidental, octave } = degreeOf(midi, tonicPc);
  return symbolText(digit, accidental, octave);
}

function symbolText(digit: string, accidental: number, octave: number): string {
  const acc = accidental > 0 ? '♯' : accidental < 0 ? '♭' : '';
  return acc + digit + (octave > 0 ? DOT_ABOVE.repeat(octave) : DOT_BELOW.repeat(-octave));
}

type Sign = Pick<JianpuElement, 'kind' | 'digit' | 'accidental' | 'octave'>;

/** One note (or rest) of `beats` as jianpu elements; lengths on the quarter-beat grid. */
function elements(sign: Sign, beats: number, onset: number): JianpuElement[] {
  const q = Math.round(beats * 4) / 4;
  const one = (underlines: number, dotted: boolean, length: number): JianpuElement => ({
    ...sign,
    underlines,
    dotted,
    tied: false,
    onset,
    beats: length,
  });
  if (q === 0.25) return [one(2, false, 0.25)];
  if (q === 0.5) return [one(1, false, 0.5)];
  if (q === 0.75) return [one(1, true, 0.75)];
  if (q === 1.5) return [one(0, true, 1.5)];
  const whole = Math.floor(q),
    frac = q - whole;
  // Rests repeat the 0; notes hold with dashes.
  const hold: Sign =
    sign.kind === 'rest' ? sign : { kind: 'dash', digit: '-', accidental: 0, octave: 0 };
  const out = [one(0, false, Math.min(1, q))];
  for (let k = 1; k < whole; k++) out.push({ ...one(0, false, 1), ...hold, onset: onset + k });
  if (frac && whole) out.push(...elements(hold, frac, onset + whole));
  return out;
}

/**
 * Lays a melody out for jianpu: degrees, octaves, lengths as underlines, dots and dashes, bars
 * (notes crossing a bar line are split there and tied). Used by jianpuText and jianpuSvg.
 * @example jianpuLayout(notes, { tonicPc: 2, meter: '2/4' }).bars.length
 */
export function jianpuLayout(notes: MelodyNote[], options: JianpuOptions): JianpuLayout {
  const meter = options.meter ?? '4/4';
  const [n, d] = meter.split('/').map(Number);
  const barBeats = n && d ? (n * 4) / d : 4;
  const bars: JianpuElement[][] = [[]];
  const pickup = options.pickup ?? 0;
  // An upbeat fills the end of a bar, so its beats group as they would there.
  let inBar = pickup > 0 && pickup < barBeats ? barBeats - pickup : 0,
    approximated = 0;
  for (const note of notes) {
    if (!(note.duration > 0)) continue;
    const q = Math.round(note.duration * 4) / 4;
    if (Math.abs(q - note.duration) > 1e-6 || q === 0) approximated++;
    let left = Math.max(0.25, q);
    const sign: Sign =
      note.midi === undefined
        ? { kind: 'rest', digit: '0', accidental: 0, octave: 0 }
        : { kind: 'note', ...degreeOf(note.midi, options.tonicPc) };
    let first = true;
    while (left > 1e-9) {
      const part = Math.min(left, barBeats - inBar);
      const t = elements(sign, part, inBar);
      if (!first && note.midi !== undefined) t[0]!.tied = true;
      bars[bars.length - 1]!.push(...t);
      inBar += part;
      left -= part;
      first = false;
      if (inBar >= barBeats - 1e-9) {
        bars.push([]);
        inBar = 0;
      }
    }
  }
  if (!bars[bars.length - 1]!.length) bars.pop();
  const keyLine = `1=${options.tonicName ?? PC_NAMES[((options.tonicPc % 12) + 12) % 12]} ${meter}`;
  return { keyLine, barBeats, bars, approximated };
}

/** An element as text: ⁀ for a tie, ♯/♭, the number, octave dots, underlines, a dot. */
function elementText(e: JianpuElement): string {
  const underline = e.underlines === 2 ? DOUBLE_UNDERLINE : e.underlines === 1 ? UNDERLINE : '';
  return `${e.tied ? '⁀' : ''}${symbolText(e.digit, e.accidental, e.octave)}${underline}${e.dotted ? '·' : ''}`;
}

/**
 * @example jianpuText(notes, { tonicPc: 2, meter: '2/4' }).text // "1=D 2/4\n| 3 3̲ 5̲ | …"
 */
export function jianpuText(notes: MelodyNote[], options: JianpuOptions): Jianpu {
  const { keyLine, bars, approximated } = jianpuLayout(notes, options);
  const body = bars.map((b) => b.map(elementText).join(' ')).join(' | ');
  return { text: `${keyLine}\n| ${body} ‖`, approximated };
}
