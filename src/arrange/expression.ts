/**
 * Pitch bends that let a MIDI file sound the ornaments: a slide glides into the next note over
 * the end of the note (logistic, like a player's portamento), vibrato is a 5.5 Hz, ±30-cent
 * sine after the first 120 ms, and a trill alternates with its upper note at 8 Hz. Bends are
 * semitones relative to the written note, for scoreToMidi's `bends` option.
 */
import {
  soundingMidi,
  toNumber,
  type BendPoint,
  type Score,
  type ScoreNote,
} from '../notation/index.js';

/** The bend curve of each note of a score at a tempo (quarter notes per minute). */
export function ornamentBends(
  score: Score,
  tempo: number,
): (note: ScoreNote, index: number) => BendPoint[] {
  const perSecond = tempo / 60; // quarters per second
  return (note, index) => {
    const length = toNumber(note.duration);
    if (!note.marks?.length || note.grace || !note.pitch || length <= 0) return [];
    const seconds = length / perSecond;
    const points: BendPoint[] = [];
    const marks = note.marks;
    if (marks.some((m) => m.kind === 'vibrato'))
      for (let s = 0.12; s < seconds - 0.02; s += 1 / 40)
        points.push({
          at: s * perSecond,
          semitones: 0.3 * Math.sin(2 * Math.PI * 5.5 * (s - 0.12)),
        });
    const trill = marks.find((m) => m.kind === 'trill');
    if (trill)
      for (let s = 0, k = 0; s < seconds - 0.02; s += 1 / 16, k++)
        points.push({ at: s * perSecond, semitones: k % 2 ? (trill.value ?? 2) : 0 });
    if (marks.some((m) => m.kind === 'slide' && m.type !== 'stop')) {
      const here = soundingMidi(score, note)!;
      const next = score.notes.slice(index + 1).find((n) => n.pitch && !n.grace);
      if (next) {
        const span = soundingMidi(score, next)! - here;
        const glide = Math.min(0.12, 0.3 * seconds);
        const kept = points.filter((p) => p.at < (seconds - glide) * perSecond);
        for (let k = 0; k <= 8; k++) {
          const s = seconds - glide + (glide * k) / 8;
          const x = (k / 8 - 0.5) * 10;
          kept.push({
            at: Math.min(s, seconds - 0.005) * perSecond,
            semitones: span / (1 + Math.exp(-x)),
          });
        }
        return kept;
      }
    }
    return points;
  };
}
