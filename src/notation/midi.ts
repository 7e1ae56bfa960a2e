/**
 * Reading a melody from a Standard MIDI File (parsed by @tonejs/midi, MIT): the notes of the
 * busiest non-drum track, highest note where notes overlap (the melody line), with the gaps
 * between them as rests, durations in beats. Damaged files are refused in one line.
 */
import toneMidi from '@tonejs/midi';
import { ZhiyinError } from '../errors/index.js';
import type { MelodyNote } from '../theory/index.js';
import { frac, lcm } from './fraction.js';
import { soundingMidi, spellInKey, type Score, type ScoreNote } from './score.js';

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
  return fromLine(parseMidi(bytes, name), name);
}

function parseMidi(bytes: Uint8Array, name: string): InstanceType<typeof Midi> {
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
  checkStructure(bytes, name);
  try {
    return new Midi(bytes);
  } catch (e) {
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} is a damaged MIDI file (${String(e instanceof Error ? e.message : e).split('\n')[0]}).`,
    );
  }
}

/**
 * Walks every chunk and event within its declared bounds before @tonejs/midi sees the file:
 * its parser can loop for ever on a track whose events run past the chunk's end (found by
 * fuzzing), so such files are refused here in one line.
 */
function checkStructure(bytes: Uint8Array, name: string): void {
  const damaged = (what: string) =>
    new ZhiyinError('CORRUPT_DATA', `${name} is a damaged MIDI file (${what}).`);
  const u32 = (at: number) =>
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  if (bytes.length < 14 || u32(4) < 6) throw damaged('its header is cut short');
  let pos = 8 + u32(4);
  let events = 0;
  let track = 0;
  while (pos + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(pos, pos + 4));
    const length = u32(pos + 4);
    const start = pos + 8,
      end = start + length;
    if (end > bytes.length)
      throw damaged(`chunk ${id.replace(/[^\x20-\x7e]/g, '?')} runs past the end of the file`);
    if (id === 'MTrk') {
      track++;
      let at = start;
      let running = 0;
      const vlq = () => {
        let value = 0;
        for (let k = 0; k < 4; k++) {
          if (at >= end) throw damaged(`track ${track} ends inside an event`);
          const b = bytes[at++]!;
          value = value * 128 + (b & 0x7f);
          if (!(b & 0x80)) return value;
        }
        throw damaged(`track ${track} has a number longer than 4 bytes`);
      };
      while (at < end) {
        if (++events > 4_000_000) throw damaged('over 4 million events');
        vlq(); // delta time
        if (at >= end) throw damaged(`track ${track} ends inside an event`);
        let status = bytes[at]!;
        if (status & 0x80) at++;
        else if (running) status = running;
        else throw damaged(`track ${track} has data without a status byte`);
        if (status === 0xff) {
          at++; // meta type
          const n = vlq();
          at += n;
        } else if (status === 0xf0 || status === 0xf7) {
          running = 0;
          const n = vlq();
          at += n;
        } else if (status >= 0x80 && status < 0xf0) {
          running = status;
          at += (status & 0xf0) === 0xc0 || (status & 0xf0) === 0xd0 ? 1 : 2;
        } else throw damaged(`track ${track} has an unknown status byte ${status.toString(16)}`);
        if (at > end) throw damaged(`track ${track} ends inside an event`);
      }
    }
    pos = end;
  }
}

function fromLine(midi: InstanceType<typeof Midi>, name: string): MidiMelody {
  const { line, ppq, trackName } = melodyLine(midi, name);
  const notes: MelodyNote[] = line.map((n) =>
    n.midi === undefined ? { duration: n.ticks / ppq } : { midi: n.midi, duration: n.ticks / ppq },
  );
  return { notes, ppq, trackName };
}

interface LineNote {
  midi?: number;
  ticks: number;
}

/** The melody line: the busiest non-drum track, at each onset its highest note, gaps as rests. */
function melodyLine(
  midi: InstanceType<typeof Midi>,
  name: string,
): { line: LineNote[]; ppq: number; trackName: string } {
  const ppq = midi.header.ppq;
  if (!Number.isInteger(ppq) || ppq <= 0 || ppq > 32_767)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} has no usable time division (${ppq} ticks per quarter note); Zhiyin reads metrical MIDI files.`,
    );
  const tracks = midi.tracks.filter((t) => t.channel !== 9 && t.notes.length > 0);
  if (!tracks.length) throw new ZhiyinError('EMPTY_INPUT', `${name} holds no pitched notes.`);
  const track = tracks.reduce((a, b) => (b.notes.length > a.notes.length ? b : a));
  const byTick = new Map<number, { midi: number; end: number }>();
  for (const n of track.notes) {
    const prev = byTick.get(n.ticks);
    if (!prev || n.midi > prev.midi)
      byTick.set(n.ticks, { midi: n.midi, end: n.ticks + n.durationTicks });
  }
  const onsets = [...byTick.keys()].sort((a, b) => a - b);
  const line: LineNote[] = [];
  let time = 0; // a rest before the first note is kept
  onsets.forEach((tick, i) => {
    const n = byTick.get(tick)!;
    if (tick > time) line.push({ ticks: tick - time });
    const next = onsets[i + 1];
    const end = next === undefined ? n.end : Math.min(n.end, next);
    if (end > tick) line.push({ midi: n.midi, ticks: end - tick });
    time = Math.max(tick, end);
  });
  return { line, ppq, trackName: fromBytes(track.name) };
}

/** Major keys by fifths −7…7, as @tonejs/midi names them. */
const KEY_NAMES = [
  'Cb',
  'Gb',
  'Db',
  'Ab',
  'Eb',
  'Bb',
  'F',
  'C',
  'G',
  'D',
  'A',
  'E',
  'B',
  'F#',
  'C#',
];

/**
 * A score from a Standard MIDI File: its melody line with exact durations (ticks over the
 * file's resolution), spelled in its key signature, with its meter and first tempo.
 */
export function readMidiScore(bytes: Uint8Array, name = 'the MIDI file'): Score {
  const midi = parseMidi(bytes, name);
  const { line, ppq, trackName } = melodyLine(midi, name);
  const ks = midi.header.keySignatures[0];
  const fifths = ks ? Math.max(-7, KEY_NAMES.indexOf(ks.key) - 7) : 0;
  const ts = midi.header.timeSignatures[0]?.timeSignature;
  const meter =
    ts && ts[0]! > 0 && [1, 2, 4, 8, 16, 32].includes(ts[1]!)
      ? { beats: ts[0]!, beatType: ts[1]! }
      : { beats: 4, beatType: 4 };
  const bpm = midi.header.tempos[0]?.bpm;
  return {
    title: fromBytes(midi.header.name || trackName || ''),
    key: { fifths, ...(ks ? { mode: ks.scale } : {}) },
    meter,
    // MIDI stores whole microseconds per quarter: 90 bpm reads back as 89.99995.
    ...(bpm && bpm > 0 ? { tempo: Math.round(bpm * 1000) / 1000 } : {}),
    notes: line.map((n) =>
      n.midi === undefined
        ? { duration: frac(n.ticks, ppq) }
        : { pitch: spellInKey(n.midi, fifths), duration: frac(n.ticks, ppq) },
    ),
  };
}

/** A pitch bend inside a note: where (quarters from the note's start) and how far (semitones). */
export interface BendPoint {
  at: number;
  semitones: number;
}

export interface ScoreToMidiOptions {
  /** General MIDI program, 0-based (default the score's instrument, else 0). */
  program?: number;
  /** 0–1 (default 0.8). */
  velocity?: number;
  /** Pitch bends for a note (slides, vibrato, press-bends), by its index in score.notes. */
  bends?: (note: ScoreNote, index: number) => BendPoint[];
  /** Bend range written by RPN 0 when there are bends, semitones (default 12). */
  bendRange?: number;
  /** Length a grace note takes from the note after it, quarters (default 1/8). */
  graceLength?: number;
}

/**
 * A Standard MIDI File of a score: one track on channel 1, tied notes joined, the key, meter and
 * tempo as meta events, a resolution at which every duration is a whole number of ticks (when
 * that fits 15 bits), and optional pitch bends for ornaments.
 */
export function scoreToMidi(score: Score, options: ScoreToMidiOptions = {}): Uint8Array {
  let ppq = 480;
  for (const n of score.notes) ppq = lcm(ppq, n.duration.d);
  if (ppq > 32_767) ppq = 960; // durations then round to the nearest tick
  const midi = new Midi();
  midi.header.fromJSON({ ...midi.header.toJSON(), ppq });
  midi.header.setTempo(score.tempo ?? 120);
  midi.header.timeSignatures.push({
    ticks: 0,
    timeSignature: [score.meter.beats, score.meter.beatType],
  });
  const fifths = Math.max(-7, Math.min(7, score.key.fifths));
  midi.header.keySignatures.push({
    ticks: 0,
    key: KEY_NAMES[fifths + 7]!,
    scale: score.key.mode === 'minor' ? 'minor' : 'major',
  });
  midi.header.update();
  if (score.title) midi.header.name = toBytes(score.title);
  const track = midi.addTrack();
  track.channel = 0;
  track.instrument.number = options.program ?? score.instrument?.program ?? 0;
  if (score.instrument?.name) track.name = toBytes(score.instrument.name);
  const velocity = options.velocity ?? 0.8;
  const range = options.bendRange ?? 12;
  const graceTicks = Math.round((options.graceLength ?? 1 / 8) * ppq);
  const ticksOf = (d: { n: number; d: number }) => Math.round((d.n * ppq) / d.d);
  let bent = false;
  let tick = 0;
  let open: { midi: number; start: number; end: number } | undefined;
  let graces: number[] = [];
  const emit = (n: { midi: number; start: number; end: number }) => {
    if (n.end > n.start)
      track.addNote({ midi: n.midi, ticks: n.start, durationTicks: n.end - n.start, velocity });
  };
  score.notes.forEach((note, index) => {
    const midiNo = soundingMidi(score, note);
    if (note.grace) {
      if (midiNo !== undefined) graces.push(midiNo);
      return;
    }
    const length = ticksOf(note.duration);
    // Grace notes sound just before the beat's note, taking time from its start.
    let start = tick;
    if (graces.length && midiNo !== undefined) {
      const each = Math.min(graceTicks, Math.floor(length / (graces.length + 1)));
      for (const g of graces) {
        emit({ midi: g, start, end: start + each });
        start += each;
      }
    }
    graces = [];
    if (open && midiNo === open.midi && note.tieStop && open.end === tick) open.end += length;
    else {
      if (open) emit(open);
      open = midiNo === undefined ? undefined : { midi: midiNo, start, end: tick + length };
    }
    const bends = options.bends?.(note, index) ?? [];
    for (const b of bends) {
      bent = true;
      track.addPitchBend({
        ticks: tick + Math.round(b.at * ppq),
        value: toBendValue(b.semitones, range),
      });
    }
    if (bends.length) track.addPitchBend({ ticks: tick + length, value: 0 });
    tick += length;
    if (open && !note.tieStart) {
      emit(open);
      open = undefined;
    }
  });
  if (open) emit(open);
  if (bent) setBendRange(track, range);
  return patchKeySignature(midi.toArray(), fifths);
}

/**
 * @tonejs/midi 2.0.28 writes a key signature's sharps/flats as its table index + 7 (wrong by 7
 * plus the table offset), so we set the byte of our one key signature meta event (FF 59 02 sf mi)
 * to the signed count ourselves.
 */
function patchKeySignature(bytes: Uint8Array, fifths: number): Uint8Array {
  for (let i = 14; i + 4 < bytes.length; i++)
    if (bytes[i] === 0xff && bytes[i + 1] === 0x59 && bytes[i + 2] === 0x02) {
      bytes[i + 3] = fifths & 0xff;
      break;
    }
  return bytes;
}

/**
 * MIDI text events are bytes; @tonejs/midi writes each character's low byte and reads each byte as
 * a character, so text goes in as UTF-8 bytes (one character per byte) and comes back decoded.
 */
function toBytes(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text.slice(0, 1000)));
}

function fromBytes(text: string): string {
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return text; // not UTF-8: Latin-1 as the file has it
  }
}

/** A pitch bend in semitones as the 14-bit signed value of a pitch-bend message (−8192…8191). */
export function toBendValue(semitones: number, range: number): number {
  return Math.max(-8192, Math.min(8191, Math.round((semitones / range) * 8192)));
}

/** Sets a track's pitch-bend range (RPN 0) at its start, then the null RPN. */
export function setBendRange(
  track: ReturnType<InstanceType<typeof Midi>['addTrack']>,
  semitones: number,
): void {
  for (const [cc, value] of [
    [101, 0],
    [100, 0],
    [6, semitones],
    [38, 0],
    [101, 127],
    [100, 127],
  ] as const)
    track.addCC({ number: cc, value: value / 127, ticks: 0 });
}
