/**
 * Transcribed notes as a Standard MIDI File (with @tonejs/midi, MIT): plain notes on channel 1;
 * a note with pitch bends gets a channel of its own while it sounds (pitch bend applies to a
 * whole channel), with the bend range set to ±12 semitones by RPN 0 so slides fit; channel 10
 * (drums) is never used. When every bend channel is busy, a note is written without its bends.
 */
import toneMidi from '@tonejs/midi';
import { setBendRange, toBendValue } from '../notation/index.js';
import type { TranscribedNote } from './transcribe.js';

const { Midi } = toneMidi;

export interface MidiOptions {
  /** Pitch-bend range written to each bend channel, semitones (default 12). */
  bendRangeSemitones?: number;
  /** Bends smaller than this everywhere in a note are not written, semitones (default 0.1). */
  minBendSemitones?: number;
  /** Seconds per bend value (the model's frame, default 256/22050 s). */
  bendFrameSeconds?: number;
  /** General MIDI program (0–127, default 0, piano). */
  program?: number;
}

/** Channels for bent notes (0-based; 9 is drums). */
const BEND_CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15];

/**
 * @example writeFileSync('take.mid', notesToMidi(await transcribe(model, x, { sampleRate })));
 */
export function notesToMidi(notes: TranscribedNote[], options: MidiOptions = {}): Uint8Array {
  const range = options.bendRangeSemitones ?? 12;
  const minBend = options.minBendSemitones ?? 0.1;
  const frame = options.bendFrameSeconds ?? 256 / 22_050;
  const program = options.program ?? 0;
  const midi = new Midi();
  const plain = midi.addTrack();
  plain.channel = 0;
  plain.instrument.number = program;
  const tracks = new Map<number, ReturnType<typeof midi.addTrack>>();
  const busyUntil = new Map<number, number>();
  const sorted = [...notes].sort((a, b) => a.start - b.start);
  for (const n of sorted) {
    const note = {
      midi: n.midi,
      time: n.start,
      duration: Math.max(0.001, n.end - n.start),
      velocity: Math.max(0.05, Math.min(1, n.amplitude)),
    };
    const bent = n.bends.some((b) => Math.abs(b) >= minBend);
    const channel = bent
      ? BEND_CHANNELS.find((c) => (busyUntil.get(c) ?? -1) <= n.start)
      : undefined;
    if (channel === undefined) {
      plain.addNote(note);
      continue;
    }
    busyUntil.set(channel, n.end + 0.05);
    let track = tracks.get(channel);
    if (!track) {
      track = midi.addTrack();
      track.channel = channel;
      track.instrument.number = program;
      setBendRange(track, range);
      tracks.set(channel, track);
    }
    track.addNote(note);
    let last = NaN;
    n.bends.forEach((b, i) => {
      const value = toBendValue(b, range);
      if (value === last) return;
      track.addPitchBend({ time: n.start + i * frame, value });
      last = value;
    });
    track.addPitchBend({ time: n.end, value: 0 });
  }
  return midi.toArray();
}
