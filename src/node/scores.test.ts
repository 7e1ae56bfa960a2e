import { describe, expect, it } from 'vitest';
import type { TranscribedNote } from '../analysis/index.js';
import { transcribedMelody } from './scores.js';

const note = (start: number, end: number, midi: number): TranscribedNote => ({
  start,
  end,
  midi,
  amplitude: 0.8,
  bends: [],
});

describe('the melody of a transcription', () => {
  it('rounds onsets, not lengths, to the sixteenth grid, so timing never drifts', () => {
    // 40 notes of 0.3 s every 0.35 s at 120 bpm: the last starts at 13.65 s = beat 27.3.
    const notes = Array.from({ length: 40 }, (_, i) =>
      note(0.35 * i, 0.35 * i + 0.3, 60 + (i % 5)),
    );
    const line = transcribedMelody(notes, 120);
    let t = 0;
    const onsets: number[] = [];
    for (const n of line) {
      if (n.midi !== undefined) onsets.push(t);
      t += n.duration;
    }
    expect(onsets).toHaveLength(40);
    expect(onsets[39]).toBeCloseTo(27.25, 9);
    onsets.forEach((o, i) => expect(Math.abs(o - 0.7 * i)).toBeLessThanOrEqual(0.125 + 1e-9));
  });

  it('takes the highest note of a chord even when the bass starts a little earlier', () => {
    const line = transcribedMelody([note(1.0, 2.0, 48), note(1.012, 2.0, 72)], 120);
    expect(line.map((n) => n.midi)).toEqual([72]);
  });

  it('keeps a note shorter than a sixteenth as one sixteenth, in order', () => {
    const line = transcribedMelody([note(0, 0.1, 60), note(0.13, 0.5, 62)], 120);
    expect(line.map((n) => n.duration)).toEqual([0.25, 0.75]);
    expect(line.map((n) => n.midi)).toEqual([60, 62]);
    expect(line.every((n) => n.duration > 0)).toBe(true);
  });
});
