import toneMidi from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { isZhiyinError } from '../errors/index.js';
import { readMidiMelody } from './index.js';

/** A MIDI file from [midi, beats, gapBeats] (the gap after the note is silence). */
function midiFile(notes: [number, number, number][], extra?: [number, number, number]): Uint8Array {
  const m = new toneMidi.Midi();
  const t = m.addTrack();
  let beat = 0;
  for (const [midi, beats, gap] of notes) {
    t.addNote({ midi, ticks: beat * m.header.ppq, durationTicks: beats * m.header.ppq });
    if (extra && extra[1] === beat)
      t.addNote({
        midi: extra[0],
        ticks: beat * m.header.ppq,
        durationTicks: extra[2] * m.header.ppq,
      });
    beat += beats + gap;
  }
  return m.toArray();
}

describe('readMidiMelody', () => {
  it('reads notes in beats with rests from gaps, the highest line where notes overlap', () => {
    const bytes = midiFile(
      [
        [62, 1, 0],
        [64, 0.5, 0],
        [66, 0.5, 1],
        [69, 2, 0],
      ],
      [57, 0, 1],
    );
    const { notes, ppq } = readMidiMelody(bytes);
    expect(ppq).toBeGreaterThan(0);
    expect(notes).toEqual([
      { midi: 62, duration: 1 },
      { midi: 64, duration: 0.5 },
      { midi: 66, duration: 0.5 },
      { duration: 1 },
      { midi: 69, duration: 2 },
    ]);
  });

  it('refuses empty, foreign and damaged files in one clear line', () => {
    const code = (bytes: Uint8Array) => {
      try {
        readMidiMelody(bytes, 'x.mid');
      } catch (e) {
        return isZhiyinError(e) ? e.code : 'not a ZhiyinError';
      }
      return 'read';
    };
    expect(code(new Uint8Array(0))).toBe('EMPTY_INPUT');
    expect(code(new TextEncoder().encode('<score-partwise/>'))).toBe('UNSUPPORTED_FORMAT');
    const good = midiFile([[60, 1, 0]]);
    expect(code(good)).toBe('read');
    // Every truncation of a real file: read or refused, never another error.
    for (let n = 4; n < good.length; n++)
      expect(['read', 'CORRUPT_DATA', 'EMPTY_INPUT']).toContain(code(good.subarray(0, n)));
  });
});
