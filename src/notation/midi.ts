/**
 * Reading a melody from a Standard MIDI File (parsed by @tonejs/midi, MIT): the notes of the
 * busiest non-drum track, highest note where notes overlap (the melody line), with the gaps
 * between them as rests, durations in beats. Damaged files are refused in one line.
 */
import toneMidi from '@tonejs/midi';
import { ZhiyinError } from '../errors/index.js';
import type { MelodyNote } from '../theory/index.js';

const { Midi } = toneMidi;

export interface MidiMelody {
  notes: MelodyNote[];
  /** Ticks per quarter note of the file. */
  ppq: number;
  trackName: string;
}

/** Largest file we parse in memory (MIDI melodies are kilobytes). */
const MAX_BYTES = 16 * 2 ** 20;

/**
 * @example const { notes } = readMidiMelody(readFileSync('tune.mid'));
 */
export function readMidiMelody(bytes: Uint8Array, name = 'the MIDI file'): MidiMelody {
  if (bytes.length === 0) throw new ZhiyinError('EMPTY_INPUT', `${name} is empty.`);
  if (bytes.length > MAX_BYTES)
    throw new ZhiyinError(
      'LIMIT_EXCEEDED',
      `${name} is ${(bytes.length / 2 ** 20).toFixed(0)} MiB; MIDI melodies above 16 MiB are refused.`,
    );
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== 'MThd')
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `${name} is not a Standard MIDI File (no MThd header).`,
    );
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(bytes);
  } catch (e) {
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} is a damaged MIDI file (${String(e instanceof Error ? e.message : e).split('\n')[0]}).`,
    );
  }
  const tracks = midi.tracks.filter((t) => t.channel !== 9 && t.notes.length > 0);
  if (!tracks.length) throw new ZhiyinError('EMPTY_INPUT', `${name} holds no pitched notes.`);
  const track = tracks.reduce((a, b) => (b.notes.length > a.notes.length ? b : a));
  const ppq = midi.header.ppq;
  // The melody line: at each onset the highest note; a note ends where the next begins.
  const byTick = new Map<number, { midi: number; end: number }>();
  for (const n of track.notes) {
    const prev = byTick.get(n.ticks);
    if (!prev || n.midi > prev.midi)
      byTick.set(n.ticks, { midi: n.midi, end: n.ticks + n.durationTicks });
  }
  const onsets = [...byTick.keys()].sort((a, b) => a - b);
  const notes: MelodyNote[] = [];
  let time = onsets[0] ?? 0;
  onsets.forEach((tick, i) => {
    const n = byTick.get(tick)!;
    if (tick > time) notes.push({ duration: (tick - time) / ppq });
    const next = onsets[i + 1];
    const end = next === undefined ? n.end : Math.min(n.end, next);
    if (end > tick) notes.push({ midi: n.midi, duration: (end - tick) / ppq });
    time = Math.max(tick, end);
  });
  return { notes, ppq, trackName: track.name };
}
