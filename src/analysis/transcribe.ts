/**
 * Polyphonic transcription: audio → notes with pitch bends, by Spotify's basic-pitch model
 * (Bittner et al. 2022, "A lightweight instrument-agnostic model for polyphonic note
 * transcription and multipitch estimation", ICASSP; Apache-2.0 npm package with its weights).
 * We use the package's model runner and note decoding, and add what it lacks: any input rate
 * (our resampler to its 22 050 Hz), bounded memory (30 s segments with 1 s of context each
 * side, notes that cross a segment joined up), a filter for the harmonics it reports as notes,
 * pitch bends in semitones, and progress.
 *
 * Known habit: a slide (滑音) comes out as a chain of short notes a semitone apart, each with a
 * small bend, not as one note with a large bend. For monophonic lines, `analyzePerformance`
 * reads slides as portamenti.
 *
 * The model is given to us (see src/node for loading it from the installed package), so this
 * file stays free of Node built-ins.
 */
import type { GraphModel } from '@tensorflow/tfjs';
import { BasicPitch, noteFramesToTime, outputToNotesPoly } from '@spotify/basic-pitch';
import { Resampler } from '../dsp/index.js';
import { ZhiyinError, requireInteger } from '../errors/index.js';

/** The model's rate, hop and frame rate. */
export const TRANSCRIBE_RATE = 22_050;
const MODEL_HOP = 256;
const FRAME_SECONDS = MODEL_HOP / TRANSCRIBE_RATE;
type NoteEvent = ReturnType<typeof outputToNotesPoly>[number];
/** Contour bins per semitone in the model's pitch-contour output. */
const BINS_PER_SEMITONE = 3;
const SEGMENT_SECONDS = 30;
const CONTEXT_SECONDS = 1;
/** A note ending this close to a segment's end may go on in the next (the model's output fades
 * a few frames before the end of its input). */
const EDGE_SECONDS = 0.1;

export interface TranscribedNote {
  /** Onset and offset, seconds. */
  start: number;
  end: number;
  /** MIDI note number. */
  midi: number;
  /** The model's note amplitude, 0–1 (a stand-in for velocity). */
  amplitude: number;
  /** Pitch bend of each model frame (about 11.6 ms) from the start, semitones. */
  bends: number[];
}

/** Options of {@link Transcriber}, with basic-pitch's defaults. */
export interface TranscribeOptions {
  sampleRate: number;
  /** Onset probability that starts a note (default 0.5). */
  onsetThreshold?: number;
  /** Frame probability that keeps it sounding (default 0.3). */
  frameThreshold?: number;
  /** Shortest note, seconds (default 11 frames, 128 ms). */
  minNoteSeconds?: number;
  /** Pitch range, Hz (default: the model's, A0–C8). */
  fminHz?: number;
  fmaxHz?: number;
  /** Drop notes that are harmonics of a louder note sounding with them (default true). */
  harmonicFilter?: boolean;
  /** Audio per model run, seconds (default 30; memory grows with it). */
  segmentSeconds?: number;
}

/** Intervals (semitones) of the 2nd–6th harmonics above a fundamental. */
const HARMONIC_INTERVALS = [12, 19, 24, 28, 31];

/**
 * Streaming transcription: push audio (mono, at `sampleRate`), then `finish()`.
 * @example
 * const t = new Transcriber(model, { sampleRate: 44100 });
 * await t.push(samples);
 * const notes = await t.finish();
 */
export class Transcriber {
  private readonly runner: BasicPitch;
  /** Awaited before each run: loading it may also set up the TensorFlow.js backend. */
  private readonly model: Promise<GraphModel>;
  private readonly options: Required<Omit<TranscribeOptions, 'fminHz' | 'fmaxHz'>> &
    Pick<TranscribeOptions, 'fminHz' | 'fmaxHz'>;
  private readonly resampler: Resampler | undefined;
  /** Audio at 22 050 Hz not yet consumed, and the time of its first sample. */
  private storage = new Float32Array(1 << 16);
  private fill = 0;
  private bufferStart = 0;
  /** Start of the next segment's core, seconds. */
  private coreStart = 0;
  private readonly notes: TranscribedNote[] = [];
  /** Notes that reached the end of the last segment: continued by the next one. */
  private open: TranscribedNote[] = [];

  constructor(model: GraphModel | Promise<GraphModel>, options: TranscribeOptions) {
    requireInteger('sampleRate', options.sampleRate, 4000, 768_000);
    this.model = Promise.resolve(model);
    this.runner = new BasicPitch(this.model);
    this.options = {
      onsetThreshold: 0.5,
      frameThreshold: 0.3,
      minNoteSeconds: 11 * FRAME_SECONDS,
      harmonicFilter: true,
      segmentSeconds: SEGMENT_SECONDS,
      ...options,
    };
    if (!(this.options.segmentSeconds >= 2 * CONTEXT_SECONDS))
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `segmentSeconds must be at least ${2 * CONTEXT_SECONDS}, got ${this.options.segmentSeconds}.`,
      );
    this.resampler =
      options.sampleRate === TRANSCRIBE_RATE
        ? undefined
        : new Resampler({ inputRate: options.sampleRate, outputRate: TRANSCRIBE_RATE });
  }

  /** Feeds mono audio; runs the model on each complete segment. */
  async push(samples: Float32Array): Promise<void> {
    this.append(this.resampler ? this.resampler.process(samples) : samples);
    const need = Math.round((this.options.segmentSeconds + CONTEXT_SECONDS) * TRANSCRIBE_RATE);
    while (this.bufferStart + this.buffer.length - this.coreIndex() >= need)
      await this.segment(false);
  }

  /** Ends the input: the last segment, then the notes (sorted by onset, then pitch). */
  async finish(): Promise<TranscribedNote[]> {
    if (this.resampler) this.append(this.resampler.flush());
    if (this.bufferStart + this.buffer.length > this.coreIndex()) await this.segment(true);
    this.notes.push(...this.open);
    this.open = [];
    let notes = this.notes.sort((a, b) => a.start - b.start || a.midi - b.midi);
    if (this.options.harmonicFilter) notes = dropHarmonics(notes);
    return notes;
  }

  private coreIndex(): number {
    return Math.round(this.coreStart * TRANSCRIBE_RATE);
  }

  private append(x: Float32Array): void {
    if (!x.length) return;
    if (this.fill + x.length > this.storage.length) {
      const grown = new Float32Array(Math.max(2 * this.storage.length, this.fill + x.length));
      grown.set(this.storage.subarray(0, this.fill));
      this.storage = grown;
    }
    this.storage.set(x, this.fill);
    this.fill += x.length;
  }

  /** The audio held, from `bufferStart`. */
  private get buffer(): Float32Array {
    return this.storage.subarray(0, this.fill);
  }

  /** Runs the model on [core − context, core + segment + context) and keeps the core's notes. */
  private async segment(last: boolean): Promise<void> {
    const core = this.coreIndex();
    const context = Math.round(CONTEXT_SECONDS * TRANSCRIBE_RATE);
    const from = Math.max(this.bufferStart, core - context);
    const coreEnd = last
      ? this.bufferStart + this.buffer.length
      : core + Math.round(this.options.segmentSeconds * TRANSCRIBE_RATE);
    const to = Math.min(this.bufferStart + this.buffer.length, coreEnd + context);
    const slice = this.buffer.subarray(from - this.bufferStart, to - this.bufferStart);
    const offset = from / TRANSCRIBE_RATE;
    const found = await this.decode(slice, offset);
    const coreStartS = core / TRANSCRIBE_RATE,
      coreEndS = coreEnd / TRANSCRIBE_RATE,
      sliceEndS = to / TRANSCRIBE_RATE;
    // Notes left open by the last segment continue in this one's leading context.
    const stillOpen: TranscribedNote[] = [];
    for (const o of this.open) {
      const next = found.find(
        (n) => n.midi === o.midi && n.start < coreStartS && n.end > o.end - EDGE_SECONDS,
      );
      if (next) {
        const skip = Math.max(0, Math.round((o.end - next.start) / FRAME_SECONDS));
        o.bends.push(...next.bends.slice(skip));
        o.end = next.end;
        if (!last && o.end >= sliceEndS - EDGE_SECONDS) {
          stillOpen.push(o);
          continue;
        }
      }
      this.notes.push(o);
    }
    this.open = stillOpen;
    for (const n of found) {
      if (n.start < coreStartS || n.start >= coreEndS) continue;
      if (!last && n.end >= sliceEndS - EDGE_SECONDS) this.open.push(n);
      else this.notes.push(n);
    }
    // Keep the context before the next core.
    this.coreStart = coreEndS;
    const keepFrom = Math.max(this.bufferStart, coreEnd - context);
    this.storage.copyWithin(0, keepFrom - this.bufferStart, this.fill);
    this.fill -= keepFrom - this.bufferStart;
    this.bufferStart = keepFrom;
  }

  private async decode(audio: Float32Array, offset: number): Promise<TranscribedNote[]> {
    const frames: number[][] = [],
      onsets: number[][] = [],
      contours: number[][] = [];
    await this.model;
    await this.runner.evaluateModel(
      audio,
      (f, o, c) => {
        for (const row of f) frames.push(row);
        for (const row of o) onsets.push(row);
        for (const row of c) contours.push(row);
      },
      () => {},
    );
    if (!frames.length) return [];
    const o = this.options;
    const events = outputToNotesPoly(
      frames,
      onsets,
      o.onsetThreshold,
      o.frameThreshold,
      Math.max(1, Math.round(o.minNoteSeconds / FRAME_SECONDS)),
      true,
      o.fmaxHz ?? null,
      o.fminHz ?? null,
      true,
    );
    return noteFramesToTime(events).map((e, k) => ({
      start: offset + e.startTimeSeconds,
      end: offset + e.startTimeSeconds + e.durationSeconds,
      midi: e.pitchMidi,
      amplitude: e.amplitude,
      bends: bendsOf(contours, events[k]!),
    }));
  }
}

/**
 * A note's pitch bend in each of its frames, semitones: the peak of the model's pitch contour
 * (3 bins per semitone; MIDI p is centred on bin 3·(p − 21) + 1, measured on pure tones) within
 * ±25 bins, nearer bins favoured by a Gaussian of 5 bins as in basic-pitch's Python code, then
 * refined by a parabola through the peak and its neighbours. (The npm package's own bends are
 * whole bins, one bin sharp.)
 */
function bendsOf(contours: number[][], e: NoteEvent): number[] {
  const centre = BINS_PER_SEMITONE * (e.pitchMidi - 21) + 1;
  const bends: number[] = [];
  for (let f = e.startFrame; f < e.startFrame + e.durationFrames && f < contours.length; f++) {
    const row = contours[f]!;
    let best = -1,
      bestWeighted = -Infinity;
    for (let b = Math.max(0, centre - 25); b <= Math.min(row.length - 1, centre + 25); b++) {
      const weighted = row[b]! * Math.exp(-((b - centre) ** 2) / (2 * 5 ** 2));
      if (weighted > bestWeighted) {
        bestWeighted = weighted;
        best = b;
      }
    }
    let peak = best;
    if (best > 0 && best < row.length - 1) {
      const a = row[best - 1]!,
        m = row[best]!,
        c = row[best + 1]!;
      const curvature = a - 2 * m + c;
      if (curvature < 0) peak += Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curvature));
    }
    bends.push(Math.round(((peak - centre) / BINS_PER_SEMITONE) * 1000) / 1000);
  }
  return bends;
}

/**
 * Drops a note that sits a harmonic interval (octave, twelfth, …) above a note that sounds
 * through ≥ 80 % of it and is clearly louder (its amplitude under 0.7 of that note's): the
 * model hearing an overtone. A real doubling much softer than its root is lost too. The rule
 * and the 0.7 were chosen on evaluation seeds 1–3 (against: no filter, containment alone,
 * same onset, ratios 0.6 and 0.7); eval/transcription.ts reports held-out seeds 4–6.
 */
export function dropHarmonics(notes: TranscribedNote[]): TranscribedNote[] {
  return notes.filter(
    (n) =>
      !notes.some(
        (m) =>
          m !== n &&
          HARMONIC_INTERVALS.includes(n.midi - m.midi) &&
          n.amplitude < 0.7 * m.amplitude &&
          Math.min(m.end, n.end) - Math.max(m.start, n.start) >= 0.8 * (n.end - n.start),
      ),
  );
}

/**
 * Transcribes whole mono audio.
 * @example const notes = await transcribe(model, samples, { sampleRate: 44100 });
 */
export async function transcribe(
  model: GraphModel | Promise<GraphModel>,
  samples: Float32Array,
  options: TranscribeOptions,
): Promise<TranscribedNote[]> {
  const t = new Transcriber(model, options);
  await t.push(samples);
  return t.finish();
}
