/**
 * The score model every notation format reads into and writes from: one part, one melody line,
 * notes in order with exact durations (fractions of a quarter note), as written: tied pieces stay
 * separate notes (so MusicXML round trips keep them), and `scoreToMelody` joins them for analysis.
 * Marks carry the ornaments and playing techniques the adaptation advisor writes.
 */
import { spellOn, pitchToMidi, STEPS, type MelodyNote, type Pitch } from '../theory/index.js';
import { add, compare, frac, fromNumber, toNumber, ZERO, type Fraction } from './fraction.js';

export type MarkKind =
  | 'trill'
  | 'mordent'
  | 'inverted-mordent'
  | 'turn'
  | 'vibrato'
  | 'tremolo'
  | 'bend'
  | 'slide'
  | 'glissando'
  | 'staccato'
  | 'accent'
  | 'fermata'
  | 'technique';

export interface Mark {
  kind: MarkKind;
  /** slide and glissando: where the line starts and stops. */
  type?: 'start' | 'stop';
  /** tremolo: strokes (1–8); bend: semitones above the string's pitch. */
  value?: number;
  /** technique: its name as printed (e.g. "轮指 lunzhi"); slide/glissando: optional text. */
  text?: string;
}

export interface ScoreNote {
  /** Absent for a rest. */
  pitch?: Pitch;
  /** Sounding length in quarter notes (after the tuplet ratio); zero for a grace note. */
  duration: Fraction;
  /** A grace note (takes no time of its own); slash: acciaccatura. */
  grace?: { slash: boolean };
  /** e.g. { actual: 3, normal: 2 } for a triplet. */
  tuplet?: { actual: number; normal: number };
  /** Tied to the previous (stop) / next (start) note of the same pitch. */
  tieStart?: boolean;
  tieStop?: boolean;
  marks?: Mark[];
  /** Text directions printed before this note (tempo words, technique instructions). */
  directions?: string[];
}

export interface KeySignature {
  /** −7 (7 flats) … 7 (7 sharps). */
  fifths: number;
  /** 'major', 'minor', 'dorian' …, when the file says. */
  mode?: string;
}

export interface Score {
  title: string;
  composer?: string;
  /** The part's instrument name and General MIDI program (0-based). */
  instrument?: { name: string; program?: number };
  key: KeySignature;
  meter: { beats: number; beatType: number };
  /** Quarter notes per minute, when known. */
  tempo?: number;
  /** Length of an incomplete first bar (anacrusis); absent when the first bar is full. */
  pickup?: Fraction;
  /** Written → sounding, semitones (clarinet in B♭: −2). */
  transpose?: number;
  notes: ScoreNote[];
}

/** Quarter notes in one bar of the meter. */
export function barLength(score: Pick<Score, 'meter'>): Fraction {
  return frac(score.meter.beats * 4, score.meter.beatType);
}

/** Total length of the notes (quarters). */
export function scoreLength(score: Score): Fraction {
  return score.notes.reduce((t, n) => add(t, n.duration), ZERO);
}

/** MIDI number of a note as it sounds (written pitch plus the score's transposition). */
export function soundingMidi(score: Score, note: ScoreNote): number | undefined {
  return note.pitch ? pitchToMidi(note.pitch) + (score.transpose ?? 0) : undefined;
}

/**
 * The melody for analysis: sounding MIDI numbers, tied notes joined, grace notes left out,
 * neighbouring rests joined; durations in quarter notes.
 */
export function scoreToMelody(score: Score): MelodyNote[] {
  const out: MelodyNote[] = [];
  let tieOpen = false;
  for (const note of score.notes) {
    if (note.grace) continue;
    const midi = soundingMidi(score, note);
    const d = toNumber(note.duration);
    const last = out[out.length - 1];
    const joins =
      last &&
      ((midi === undefined && last.midi === undefined) ||
        (tieOpen && note.tieStop && last.midi === midi));
    if (joins) last.duration += d;
    else out.push(midi === undefined ? { duration: d } : { midi, duration: d });
    tieOpen = midi !== undefined && !!note.tieStart;
  }
  return out;
}

/** Letters for each pitch class in sharp keys and in flat keys. */
const SHARP_LETTERS = [0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 5, 6];
const FLAT_LETTERS = [0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 6];

/**
 * Spells a MIDI number as a key signature would: its own tones by the signature, the others
 * with sharps in sharp keys and flats in flat keys.
 * @example pitchName(spellInKey(66, -1)) // 'G♭4'
 */
export function spellInKey(midi: number, fifths: number): Pitch {
  const pc = ((midi % 12) + 12) % 12;
  // The signature's tones: the major scale on its tonic.
  const tonic = (((fifths * 7) % 12) + 12) % 12;
  const rel = (pc - tonic + 12) % 12;
  const degree = [0, 2, 4, 5, 7, 9, 11].indexOf(rel);
  if (degree >= 0) {
    const tonicLetter = (((fifths * 4) % 7) + 7) % 7; // C G D A E B F♯ … by fifths
    return spellOn(midi, STEPS[(tonicLetter + degree) % 7]!);
  }
  const letters = fifths < 0 ? FLAT_LETTERS : SHARP_LETTERS;
  return spellOn(midi, STEPS[letters[pc]!]!);
}

/** The key signature (fifths) of a major tonic pitch class, preferring fewer accidentals. */
export function fifthsOfMajor(tonicPc: number): number {
  const sharps = (((tonicPc * 7) % 12) + 12) % 12; // fifths up from C
  return sharps > 6 ? sharps - 12 : sharps;
}

export interface MelodyToScoreOptions {
  title?: string;
  key?: KeySignature;
  meter?: { beats: number; beatType: number };
  tempo?: number;
  pickup?: Fraction;
  /** Grid durations are rounded to, per quarter note (default 10080: exact for tuplets to 7 and 128ths). */
  resolution?: number;
}

/**
 * A score from a melody (ABC, MIDI, transcription): durations made exact on the grid, pitches
 * spelled in the key.
 */
export function melodyToScore(notes: MelodyNote[], options: MelodyToScoreOptions = {}): Score {
  const key = options.key ?? { fifths: 0 };
  const resolution = options.resolution ?? 10_080;
  const out: ScoreNote[] = [];
  for (const n of notes) {
    const duration = fromNumber(n.duration, resolution);
    if (compare(duration, ZERO) <= 0) continue;
    out.push(
      n.midi === undefined
        ? { duration }
        : { pitch: spellInKey(Math.round(n.midi), key.fifths), duration },
    );
  }
  return {
    title: options.title ?? '',
    key,
    meter: options.meter ?? { beats: 4, beatType: 4 },
    ...(options.tempo ? { tempo: options.tempo } : {}),
    ...(options.pickup && compare(options.pickup, ZERO) > 0 ? { pickup: options.pickup } : {}),
    notes: out,
  };
}

/** Parses "3/4" into a meter; undefined when it is not one. */
export function parseMeter(text: string): { beats: number; beatType: number } | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return text.trim() === 'C' ? { beats: 4, beatType: 4 } : undefined;
  const beats = Number(m[1]),
    beatType = Number(m[2]);
  return beats > 0 && beats <= 64 && [1, 2, 4, 8, 16, 32].includes(beatType)
    ? { beats, beatType }
    : undefined;
}
