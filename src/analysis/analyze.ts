/**
 * A whole performance analysis from audio: pitch track (pYIN, or YIN as a fast mode) with the
 * level of every frame, notes and expressive events (performance.ts), and a summary. Audio is
 * pushed in chunks (mixed to mono), so hour-long recordings stream through the trackers; the
 * result itself grows with the length (about 21 bytes per 5.8 ms frame, 13 MB an hour).
 *
 * The result is plain data with a `schemaVersion`; docs/analysis-schema.json describes it.
 */
import type { PlanarAudio } from '../audio/index.js';
import { ZhiyinError } from '../errors/index.js';
import { analyzeContour, type ExpressiveEvent, type Note } from './performance.js';
import { PyinTracker, concatTracks, type PitchTrack } from './pyin.js';
import { YinTracker } from './yin-tracker.js';
import { DEFAULT_FMAX_HZ, DEFAULT_FMIN_HZ } from './yin.js';

export const ANALYSIS_SCHEMA_VERSION = 1;

/** Options of {@link PerformanceAnalyzer}. */
export interface AnalyzeOptions {
  sampleRate: number;
  /** 'pyin' (default) or 'yin' (fast, less robust). */
  method?: 'pyin' | 'yin';
  fminHz?: number;
  fmaxHz?: number;
  /** Input samples between frames (default 5.8 ms). */
  hopSize?: number;
}

/** Counts and averages over the events of one kind. */
export interface EventSummary {
  count: number;
  /** Per kind: means of its main parameters (rate, extent, duration, span…). */
  means: Record<string, number>;
}

export interface PerformanceAnalysis {
  schemaVersion: number;
  sampleRate: number;
  durationSeconds: number;
  tracker: {
    method: 'pyin' | 'yin';
    hopSeconds: number;
    windowSeconds: number;
    fminHz: number;
    fmaxHz: number;
  };
  track: PitchTrack & { levelDb: Float32Array };
  notes: Note[];
  events: ExpressiveEvent[];
  summary: { voicedSeconds: number; notes: number; events: Record<string, EventSummary> };
}

/**
 * Streaming analysis: push mono chunks, then `finish()`.
 * @example
 * const a = new PerformanceAnalyzer({ sampleRate: 44100 });
 * for await (const chunk of chunks) a.push(chunk.channels);
 * const { notes, events } = a.finish();
 */
export class PerformanceAnalyzer {
  readonly options: Required<Omit<AnalyzeOptions, 'hopSize'>> & { hopSize?: number };
  private readonly tracker: PyinTracker | YinTracker;
  private readonly parts: PitchTrack[] = [];
  private readonly hop: number;
  /** Level: sums of squares per hop-sized block, to give each frame the RMS of ±1 hop. */
  private readonly blockEnergy: number[] = [];
  private blockSum = 0;
  private blockFill = 0;
  private samples = 0;
  private readonly windowSeconds: number;

  constructor(options: AnalyzeOptions) {
    this.options = { method: 'pyin', fminHz: DEFAULT_FMIN_HZ, fmaxHz: DEFAULT_FMAX_HZ, ...options };
    const { method } = this.options;
    if (method !== 'pyin' && method !== 'yin')
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `Unknown pitch tracker "${String(method)}": use pyin or yin.`,
      );
    const trackerOptions = { ...options, fminHz: this.options.fminHz, fmaxHz: this.options.fmaxHz };
    if (method === 'pyin') {
      const t = new PyinTracker(trackerOptions);
      this.tracker = t;
      this.hop = t.hopSize;
      this.windowSeconds = t.geometry.windowSize / t.geometry.sampleRate;
    } else {
      const t = new YinTracker(trackerOptions);
      this.tracker = t;
      this.hop = t.hopSize;
      this.windowSeconds = t.windowSeconds;
    }
  }

  /** Feeds audio: one channel, or several (mixed to mono). */
  push(channels: Float32Array | Float32Array[]): void {
    const mono = Array.isArray(channels) ? mixToMono(channels) : channels;
    for (let i = 0; i < mono.length; i++) {
      this.blockSum += mono[i]! * mono[i]!;
      if (++this.blockFill === this.hop) {
        this.blockEnergy.push(this.blockSum);
        this.blockSum = 0;
        this.blockFill = 0;
      }
    }
    this.samples += mono.length;
    this.parts.push(this.tracker.push(mono));
  }

  /** Ends the input and analyses notes and events. */
  finish(): PerformanceAnalysis {
    this.parts.push(this.tracker.flush());
    if (this.blockFill) this.blockEnergy.push(this.blockSum);
    const track = concatTracks(this.parts);
    // Frame i is centred on sample i·hop: the blocks before and after it.
    const levelDb = Float32Array.from(track.times, (_, i) => {
      const e = (this.blockEnergy[i - 1] ?? 0) + (this.blockEnergy[i] ?? 0);
      return e > 0 ? 10 * Math.log10(e / (2 * this.hop)) : -120;
    });
    const { notes, events } = analyzeContour(track, {
      trackerWindowSeconds: this.windowSeconds,
      levelDb,
    });
    let voiced = 0;
    for (const v of track.voiced) voiced += v;
    const sampleRate = this.options.sampleRate;
    return {
      schemaVersion: ANALYSIS_SCHEMA_VERSION,
      sampleRate,
      durationSeconds: this.samples / sampleRate,
      tracker: {
        method: this.options.method,
        hopSeconds: track.hopSize / sampleRate,
        windowSeconds: this.windowSeconds,
        fminHz: this.options.fminHz,
        fmaxHz: this.options.fmaxHz,
      },
      track: { ...track, levelDb },
      notes,
      events,
      summary: {
        voicedSeconds: (voiced * track.hopSize) / sampleRate,
        notes: notes.length,
        events: summarize(events),
      },
    };
  }
}

/** Mean of the channels. */
export function mixToMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]?.length ?? 0;
  const out = new Float32Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) out[i]! += c[i]! / channels.length;
  return out;
}

/** Counts and parameter means per event kind. */
export function summarize(events: ExpressiveEvent[]): Record<string, EventSummary> {
  const out: Record<string, EventSummary> = {};
  for (const e of events) {
    const s = (out[e.kind] ??= { count: 0, means: {} });
    s.count++;
    for (const [k, v] of Object.entries(e.params))
      if (typeof v === 'number') s.means[k] = (s.means[k] ?? 0) + v;
  }
  for (const s of Object.values(out)) for (const k of Object.keys(s.means)) s.means[k]! /= s.count;
  return out;
}

/**
 * Analyses whole audio.
 * @example const analysis = analyzePerformance(await decodeAudio(bytes));
 */
export function analyzePerformance(
  audio: PlanarAudio,
  options: Omit<AnalyzeOptions, 'sampleRate'> = {},
): PerformanceAnalysis {
  const a = new PerformanceAnalyzer({ ...options, sampleRate: audio.sampleRate });
  a.push(audio.channels);
  return a.finish();
}
