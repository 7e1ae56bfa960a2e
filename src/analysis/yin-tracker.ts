/**
 * Plain YIN as a fast pitch tracker: each frame on its own, the first CMNDF trough below a
 * threshold (default 0.15), refined by a parabola; no probabilistic thresholds, no smoothing.
 * About twice as fast as pYIN and less robust (octave errors, flicker in noise); pyin.ts
 * is the default.
 */
import { requireInRange } from '../errors/index.js';
import { PitchFramer, type FramerOptions } from './framer.js';
import { concatTracks, type PitchTrack } from './pyin.js';
import { Cmndf, yinPeriod } from './yin.js';

/** Options of {@link YinTracker}. */
export interface YinOptions extends FramerOptions {
  /** CMNDF threshold below which a trough counts as a period (default 0.15). */
  threshold?: number;
}

/** Streaming YIN; push chunks, then flush. */
export class YinTracker {
  private readonly framer: PitchFramer;
  private readonly cmndf: Cmndf;
  private readonly d: Float64Array;
  private readonly threshold: number;
  private f0: number[] = [];
  private aperiodicity: number[] = [];
  private emitted = 0;

  constructor(options: YinOptions) {
    this.framer = new PitchFramer(options);
    this.cmndf = new Cmndf(this.framer.geometry);
    this.d = new Float64Array(this.framer.geometry.maxLag + 1);
    this.threshold = options.threshold ?? 0.15;
    requireInRange('threshold', this.threshold, 0.01, 1);
  }

  /** Input samples between frames. */
  get hopSize(): number {
    return this.framer.hopSize;
  }

  /** Duration of the integration window, seconds. */
  get windowSeconds(): number {
    return this.framer.geometry.windowSize / this.framer.geometry.sampleRate;
  }

  push(samples: Float32Array): PitchTrack {
    this.framer.push(samples, (frame) => this.step(frame));
    return this.take();
  }

  flush(): PitchTrack {
    this.framer.flush((frame) => this.step(frame));
    return this.take();
  }

  private step(frame: Float32Array): void {
    const g = this.framer.geometry;
    const energy = this.cmndf.compute(frame, this.d);
    const period =
      energy > 0 ? yinPeriod(this.d, g.minLag, g.maxLag, this.threshold, this.cmndf.difference) : 0;
    this.f0.push(period > 0 ? g.sampleRate / period : NaN);
    this.aperiodicity.push(period > 0 ? this.d[Math.round(period)]! : 1);
  }

  private take(): PitchTrack {
    const n = this.f0.length;
    const t: PitchTrack = {
      sampleRate: this.framer.inputRate,
      hopSize: this.framer.hopSize,
      times: Float64Array.from(
        { length: n },
        (_, i) => ((this.emitted + i) * this.framer.hopSize) / this.framer.inputRate,
      ),
      f0Hz: Float32Array.from(this.f0),
      voiced: Uint8Array.from(this.f0, (v) => (Number.isNaN(v) ? 0 : 1)),
      // YIN has no probabilities; 1 − the CMNDF at the period is its usual stand-in.
      voicedProbability: Float32Array.from(this.aperiodicity, (a) => Math.max(0, 1 - a)),
      confidence: Float32Array.from(this.aperiodicity, (a) => Math.max(0, 1 - a)),
    };
    this.emitted += n;
    this.f0 = [];
    this.aperiodicity = [];
    return t;
  }
}

/**
 * Plain YIN on a whole mono signal.
 * @example const { f0Hz } = yin(samples, { sampleRate: 44100 });
 */
export function yin(samples: Float32Array, options: YinOptions): PitchTrack {
  const t = new YinTracker(options);
  return concatTracks([t.push(samples), t.flush()]);
}
