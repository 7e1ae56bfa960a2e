/**
 * Transcription with basic-pitch's shipped weights (loaded from the installed package) and the
 * MIDI it writes, on synthetic tones with known notes.
 */
import toneMidi from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { loadTranscriptionModel } from '../node/index.js';
import { notesToMidi, toBendValue, transcribe, type TranscribedNote } from './index.js';

const SR = 22_050;
const model = loadTranscriptionModel();

/** Harmonic tones (5 partials, 1/h), each [midi, start, end] with 20 ms fades. */
function tones(list: [number, number, number][], seconds: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR));
  for (const [midi, start, end] of list) {
    const f = 440 * 2 ** ((midi - 69) / 12);
    for (let i = Math.round(start * SR); i < Math.min(x.length, end * SR); i++) {
      const t = i / SR;
      const env = Math.min(1, (t - start) / 0.02, (end - t) / 0.02);
      let v = 0;
      for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * h * f * t) / h;
      x[i]! += 0.15 * env * v;
    }
  }
  return x;
}

const summary = (notes: TranscribedNote[]) =>
  notes.map((n) => `${n.midi}@${n.start.toFixed(1)}-${n.end.toFixed(1)}`);

describe('transcribe (basic-pitch)', () => {
  it('finds the notes of a chord and a melody, and drops the overtones it reports', async () => {
    const x = tones(
      [
        [60, 0.1, 1.5],
        [64, 0.1, 1.5],
        [67, 0.1, 1.5],
        [69, 1.7, 2.3],
        [72, 2.4, 3.0],
      ],
      3.3,
    );
    const notes = await transcribe(model, x, { sampleRate: SR });
    expect(summary(notes)).toEqual([
      '60@0.1-1.5',
      '64@0.1-1.5',
      '67@0.1-1.5',
      '69@1.7-2.3',
      '72@2.4-3.0',
    ]);
    const raw = await transcribe(model, x, { sampleRate: SR, harmonicFilter: false });
    expect(raw.length).toBeGreaterThan(notes.length);
  }, 60_000);

  it('takes any input rate, and measures a detuned note as a bend in semitones', async () => {
    // 44.1 kHz, A4 30 cents sharp.
    const x44 = new Float32Array(2 * 44_100);
    const f = 440 * 2 ** (0.3 / 12);
    for (let i = 0; i < x44.length; i++) {
      const t = i / 44_100;
      x44[i] =
        t > 0.2 && t < 1.8
          ? 0.2 * (Math.sin(2 * Math.PI * f * t) + 0.4 * Math.sin(4 * Math.PI * f * t))
          : 0;
    }
    const notes = await transcribe(model, x44, { sampleRate: 44_100 });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.midi).toBe(69);
    const steady = notes[0]!.bends.slice(10, -10);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.4);
  }, 60_000);

  it('joins a note that sounds across segments into one', async () => {
    const x = tones([[62, 0.3, 7.7]], 8);
    const notes = await transcribe(model, x, { sampleRate: SR, segmentSeconds: 3 });
    expect(notes.map((n) => n.midi)).toEqual([62]);
    expect(notes[0]!.start).toBeCloseTo(0.3, 1);
    expect(Math.abs(notes[0]!.end - 7.7)).toBeLessThan(0.1);
    // One bend per model frame (about 11.6 ms) over the whole joined note.
    const frames = ((notes[0]!.end - notes[0]!.start) * SR) / 256;
    expect(Math.abs(notes[0]!.bends.length - frames) / frames).toBeLessThan(0.01);
  }, 60_000);

  it('finds nothing in silence and in a one-sample input', async () => {
    expect(await transcribe(model, new Float32Array(SR), { sampleRate: SR })).toEqual([]);
    expect(await transcribe(model, new Float32Array(1), { sampleRate: SR })).toEqual([]);
  }, 60_000);
});

describe('notesToMidi', () => {
  const note = (midi: number, start: number, end: number, bends: number[] = []) => ({
    midi,
    start,
    end,
    amplitude: 0.8,
    bends,
  });

  it('writes plain notes on channel 1 and bent notes on their own channels with RPN ±12', () => {
    const frame = 256 / 22_050;
    const slide = Array.from({ length: 40 }, (_, i) => Math.min(2, i * 0.1));
    const bytes = notesToMidi([
      note(60, 0, 1),
      note(64, 0, 1),
      note(62, 1, 1.5, slide),
      note(67, 1.1, 1.4, [0.5, 0.5]),
    ]);
    const midi = new toneMidi.Midi(bytes);
    const plain = midi.tracks.find((t) => t.channel === 0)!;
    expect(plain.notes.map((n) => n.midi)).toEqual([60, 64]);
    expect(plain.notes[0]!.duration).toBeCloseTo(1, 2);
    const bent = midi.tracks.filter((t) => t.channel !== 0);
    expect(bent.map((t) => t.channel)).toEqual([1, 2]);
    expect(bent.flatMap((t) => t.notes.map((n) => n.midi))).toEqual([62, 67]);
    // RPN 0 = 12 semitones on each bend channel.
    expect(Math.round(bent[0]!.controlChanges[6]![0]!.value * 127)).toBe(12);
    expect(bent[0]!.controlChanges[101]![0]!.value).toBe(0);
    // The slide's last bend (2 semitones) and the reset at the note's end.
    const bends = bent[0]!.pitchBends;
    expect(bends[bends.length - 2]!.value * 8192).toBeCloseTo(toBendValue(2, 12), 0);
    expect(bends[bends.length - 2]!.time).toBeLessThan(1 + 40 * frame + 0.01);
    expect(bends[bends.length - 1]!.value).toBe(0);
    expect(bends[bends.length - 1]!.time).toBeCloseTo(1.5, 2);
  });

  it('never uses the drum channel, and writes bends off when every channel is busy', () => {
    const many = Array.from({ length: 20 }, (_, i) => note(40 + i, 0, 1, [0.5]));
    const midi = new toneMidi.Midi(notesToMidi(many));
    expect(midi.tracks.some((t) => t.channel === 9)).toBe(false);
    expect(midi.tracks.reduce((a, t) => a + t.notes.length, 0)).toBe(20);
    expect(midi.tracks.find((t) => t.channel === 0)!.notes).toHaveLength(6);
  });

  it('scales bends to 14-bit values and clamps beyond the range', () => {
    expect(toBendValue(0, 12)).toBe(0);
    expect(toBendValue(12, 12)).toBe(8191);
    expect(toBendValue(-12, 12)).toBe(-8192);
    expect(toBendValue(6, 12)).toBe(4096);
    expect(toBendValue(30, 12)).toBe(8191);
  });
});
