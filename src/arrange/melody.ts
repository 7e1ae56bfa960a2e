/**
 * What the advisor needs to know about a melody, once: each note's sounding pitch, onset, bar and
 * beat (for reports a player can find), tie chains (a tied note is one played note) and the key
 * and mode. Shared by the fit report, the pentatonic adaptation and the ornament rules.
 */
import { ZhiyinError } from '../errors/index.js';
import { detectMode, type ModeCandidate } from '../theory/index.js';
import {
  barLength,
  jianpuTonic,
  scoreToMelody,
  soundingMidi,
  toNumber,
  type Score,
} from '../notation/index.js';

/** Where a note is, for people: bar (1-based; a pickup bar is 0) and beat (1-based, in quarters). */
export interface Place {
  bar: number;
  beat: number;
}

/** One played note: a tie chain of written notes. */
export interface PlayedNote {
  /** Indices in score.notes of the chain (first … last). */
  indices: number[];
  midi: number;
  /** Onset and length in quarter notes. */
  onset: number;
  length: number;
  place: Place;
  /** Rest of at least a beat, or the start, before it: a phrase starts here. */
  phraseStart: boolean;
  /** Rest after it, a long note (≥ 2 beats) or the end: a phrase ends here. */
  phraseEnd: boolean;
}

export interface MelodyFacts {
  notes: PlayedNote[];
  /** The best key and mode, and the ranked alternatives. */
  mode: ModeCandidate;
  candidates: ModeCandidate[];
  /** Pitch class of 宫 gong / the major tonic of the key (1 in jianpu). */
  gongPc: number;
}

/** The place of every note of the score (grace notes take the place of the note they precede). */
export function places(score: Score): Place[] {
  const bar = toNumber(barLength(score));
  const pickup = score.pickup ? toNumber(score.pickup) : 0;
  let t = 0;
  return score.notes.map((n) => {
    const pos = t - pickup;
    t += toNumber(n.duration);
    if (pickup > 0 && pos < 0) return { bar: 0, beat: round(pos + pickup + 1) };
    const b = Math.floor(pos / bar + 1e-9);
    return { bar: b + 1, beat: round(pos - b * bar + 1) };
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The played notes and the key of a score.
 * @example melodyFacts(readScore(bytes)).mode.name.en // 'D gong mode (pentatonic)'
 */
export function melodyFacts(
  score: Score,
  known?: Pick<MelodyFacts, 'mode' | 'candidates' | 'gongPc'>,
): MelodyFacts {
  const where = places(score);
  const notes: PlayedNote[] = [];
  let t = 0;
  let restBefore = Infinity;
  score.notes.forEach((n, i) => {
    const length = toNumber(n.duration);
    const midi = soundingMidi(score, n);
    if (n.grace) return;
    if (midi === undefined) {
      restBefore = (restBefore === Infinity ? 0 : restBefore) + length;
      const last = notes[notes.length - 1];
      if (last) last.phraseEnd = true;
      t += length;
      return;
    }
    const last = notes[notes.length - 1];
    const prev = score.notes[last?.indices[last.indices.length - 1] ?? -1];
    if (last && prev?.tieStart && n.tieStop && last.midi === midi && restBefore === 0) {
      last.indices.push(i);
      last.length += length;
    } else
      notes.push({
        indices: [i],
        midi,
        onset: t,
        length,
        place: where[i]!,
        phraseStart: !last || restBefore >= 1 - 1e-9,
        phraseEnd: false,
      });
    restBefore = 0;
    t += length;
  });
  for (const n of notes) if (n.length >= 2) n.phraseEnd = true;
  if (notes.length) notes[notes.length - 1]!.phraseEnd = true;
  if (known) return { ...known, notes };
  // The advisor needs the best reading only (`zhiyin mode` ranks the alternatives).
  const candidates = detectMode(scoreToMelody(score), { limit: 1 });
  const mode = candidates[0];
  if (!mode) throw new ZhiyinError('EMPTY_INPUT', 'the melody has no pitched notes to work with.');
  return { notes, mode, candidates, gongPc: jianpuTonic(mode) };
}

/** The key facts moved by `semitones` (for a transposed copy of the same melody). */
export function shiftKey(
  facts: Pick<MelodyFacts, 'mode' | 'candidates' | 'gongPc'>,
  semitones: number,
): Pick<MelodyFacts, 'mode' | 'candidates' | 'gongPc'> {
  const move = (pc: number) => (((pc + semitones) % 12) + 12) % 12;
  const shift = (c: ModeCandidate): ModeCandidate => ({
    ...c,
    tonicPc: move(c.tonicPc),
    ...(c.gongPc !== undefined ? { gongPc: move(c.gongPc) } : {}),
  });
  return {
    mode: shift(facts.mode),
    candidates: facts.candidates.map(shift),
    gongPc: move(facts.gongPc),
  };
}

/** "bar 3 beat 2" / "第3小节第2拍". */
export function placeText(p: Place): { en: string; zh: string } {
  if (p.bar === 0) return { en: `the upbeat, beat ${p.beat}`, zh: `弱起小节第${p.beat}拍` };
  return {
    en: `bar ${p.bar} beat ${p.beat}`,
    zh: `第${p.bar}小节第${p.beat}拍`,
  };
}

/** A MIDI number as a note name, e.g. "F♯4". */
export function noteName(midi: number): string {
  const names = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];
  return `${names[((midi % 12) + 12) % 12]}${Math.floor(midi / 12) - 1}`;
}
