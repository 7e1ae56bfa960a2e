/**
 * pYIN: probabilistic YIN with hidden-Markov smoothing (Mauch & Dixon 2014, "pYIN: a
 * fundamental frequency estimator using probabilistic threshold distributions", ICASSP).
 *
 * Stage 1, per frame: instead of one YIN threshold, 100 thresholds (0.01 … 1.00) weighted by
 * a Beta(2, b) prior of mean 0.15 (b = 11.3; the pYIN Vamp plugin's default; on our noisy
 * voice material it kept 1.7 % more pitch than the mean 0.1 of the paper's example). For each threshold, the troughs of the CMNDF below it share
 * its weight, the first (shortest period) most, by a Boltzmann distribution over their order
 * (parameter 2), as in librosa's implementation; when no trough is below a threshold, 1 % of
 * its weight goes to the global minimum. This gives a few pitch candidates per frame with
 * probabilities; their sum is the frame's voicing probability.
 *
 * Stage 2: an HMM over pitch bins of 20 cents (the paper uses 10; ours only carry continuity,
 * since the f0 reported is the refined candidate), each voiced or unvoiced. Voiced states emit
 * their candidates' probability, unvoiced states (1 − voicing probability)/M. From one frame
 * to the next the pitch moves by a Laplace kernel, probability ∝ exp(−|Δ| / scale) with a
 * scale of `stepCents` (default 67 cents, so a semitone per frame is about 4.5× less likely
 * than none; the paper uses a triangle of ±25 bins, this keeps its spirit and lets Viterbi
 * run in O(bins) per frame by two-pass max-plus convolution), plus a small uniform jump
 * probability so that note changes, trills and grace notes can move at once; voicing switches
 * with probability 0.01. Decoding is
 * Viterbi with a fixed lag (default 2 s): frames are final once the best path to them can no
 * longer change in practice, so a stream of any length is tracked in bounded memory. The f0
 * reported for a voiced frame is the refined (parabolic) candidate in the decoded bin, not the
 * bin centre, so accuracy is not limited by the grid.
 *
 * Defaults: 65–2100 Hz (C2–C7), hop 5.8 ms (256 samples at 44.1 kHz), analysis at about
 * 22 kHz (framer.ts) with a window of one period of the lowest pitch (15.4 ms).
 */
import { ZhiyinError, requireInRange } from '../errors/index.js';
import { PitchFramer, type FramerOptions } from './framer.js';
import {
  Cmndf,
  DEFAULT_FMAX_HZ,
  DEFAULT_FMIN_HZ,
  cmndfTroughs,
  parabolicLag,
  type YinGeometry,
} from './yin.js';

/** Options of {@link PyinTracker} and {@link pyin}. */
export interface PyinOptions extends FramerOptions {
  /** Scale of the Laplace pitch-transition kernel per frame, cents (default 67). */
  stepCents?: number;
  /** Probability of an instant jump to any pitch (note changes, trills; default 0.001). */
  jumpProbability?: number;
  /** Probability of switching between voiced and unvoiced per frame (default 0.01). */
  switchProbability?: number;
  /** Seconds a frame waits before its pitch is final (fixed-lag Viterbi; default 2). */
  lagSeconds?: number;
  /** Mean of the Beta prior over YIN thresholds (default 0.15, the pYIN Vamp plugin's default; the paper also uses 0.1 and 0.2). */
  thresholdMean?: number;
}

/** A pitch track: one entry per frame, frame i centred at i·hop samples. */
export interface PitchTrack {
  sampleRate: number;
  hopSize: number;
  /** Frame centres, seconds. */
  times: Float64Array;
  /** Fundamental frequency, Hz; NaN where unvoiced. */
  f0Hz: Float32Array;
  /** 1 where the decoded path is voiced. */
  voiced: Uint8Array;
  /** Probability that the frame is voiced (sum of its pitch candidates, before smoothing). */
  voicedProbability: Float32Array;
  /** How much of the frame's candidate probability supports the decoded pitch (within 40 cents), 0–1. */
  confidence: Float32Array;
}

const THRESHOLDS = 100;
/** Pitch-state resolution: 20 cents. The reported f0 is the refined candidate, not the bin centre. */
const BINS_PER_SEMITONE = 5;
const NO_TROUGH_PROBABILITY = 0.01;
const BOLTZMANN = 2;

/**
 * Probability mass of each threshold interval under Beta(2, b), whose mean is 2/(2+b); its CDF
 * is 1 − (1−x)^b·(1 + b·x). The paper's default is b = 18 (mean 0.1).
 */
function betaProbabilities(mean: number): Float64Array {
  const b = 2 / mean - 2;
  const cdf = (x: number) => 1 - Math.pow(1 - x, b) * (1 + b * x);
  const p = new Float64Array(THRESHOLDS);
  for (let i = 0; i < THRESHOLDS; i++) p[i] = cdf((i + 1) / THRESHOLDS) - cdf(i / THRESHOLDS);
  return p;
}
const betaCache = new Map<number, Float64Array>();

/** Boltzmann weights (parameter 2) of ranks 0…n−1 among n troughs, cached by n. */
const boltzmannCache: Float64Array[] = [];
function boltzmann(n: number): Float64Array {
  let w = boltzmannCache[n];
  if (!w) {
    const decay = Math.exp(-BOLTZMANN);
    const norm = (1 - decay) / (1 - Math.pow(decay, n));
    w = Float64Array.from({ length: n }, (_, r) => norm * Math.pow(decay, r));
    boltzmannCache[n] = w;
  }
  return w;
}

/** Pitch candidates of one frame. */
interface Candidates {
  bins: number[];
  probs: number[];
  hz: number[];
  voicedProbability: number;
}

/**
 * Stage 1 for one frame: candidates from the CMNDF `d`.
 * @internal exported for tests
 */
export function pyinCandidates(
  d: Float64Array,
  g: YinGeometry,
  fminHz: number,
  binCount: number,
  /** The raw difference function, whose troughs are refined (the CMNDF's normalisation skews them). */
  raw: Float64Array = d,
  /** Mean of the Beta prior over YIN thresholds (default 0.1). */
  thresholdMean = 0.1,
): Candidates {
  let BETA_PROBS = betaCache.get(thresholdMean);
  if (!BETA_PROBS) betaCache.set(thresholdMean, (BETA_PROBS = betaProbabilities(thresholdMean)));
  const troughs = cmndfTroughs(d, g.minLag, g.maxLag);
  const out: Candidates = { bins: [], probs: [], hz: [], voicedProbability: 0 };
  if (troughs.length === 0) return out;
  const heights = troughs.map((t) => d[t]!);
  const probs = new Float64Array(troughs.length);
  let globalMin = 0;
  for (let k = 1; k < troughs.length; k++) if (heights[k]! < heights[globalMin]!) globalMin = k;
  for (let i = 0; i < THRESHOLDS; i++) {
    const threshold = (i + 1) / THRESHOLDS;
    // Troughs below this threshold, in lag order, share its weight by a Boltzmann law.
    let below = 0;
    for (let k = 0; k < troughs.length; k++) if (heights[k]! < threshold) below++;
    if (below === 0) {
      probs[globalMin]! += NO_TROUGH_PROBABILITY * BETA_PROBS[i]!;
      continue;
    }
    const weights = boltzmann(below);
    let rank = 0;
    for (let k = 0; k < troughs.length && rank < below; k++) {
      if (heights[k]! < threshold) probs[k]! += weights[rank++]! * BETA_PROBS[i]!;
    }
  }
  for (let k = 0; k < troughs.length; k++) {
    if (!(probs[k]! > 0)) continue;
    const hz = g.sampleRate / parabolicLag(raw, troughs[k]!);
    const bin = Math.round(BINS_PER_SEMITONE * 12 * Math.log2(hz / fminHz));
    if (bin < 0 || bin >= binCount) continue;
    out.bins.push(bin);
    out.probs.push(probs[k]!);
    out.hz.push(hz);
    out.voicedProbability += probs[k]!;
  }
  return out;
}

/** One frame awaiting its final decision. */
interface PendingFrame {
  candidates: Candidates;
  /** Back-pointers of the voiced candidate states (parallel to candidates.bins). */
  voicedBack: Int32Array;
  /** Back-pointers of the unvoiced states, one per bin (pooled: returned when the frame is final). */
  unvoicedBack: Int16Array;
}

/** Encodes a state: voiced bin b → b; unvoiced bin b → M + b. */

/**
 * Streaming pYIN. Push samples in chunks of any size; each call returns the frames that have
 * become final; `flush` returns the rest. Concatenated, they equal {@link pyin} of the whole.
 * @example
 * const t = new PyinTracker({ sampleRate: 44100 });
 * for (const chunk of chunks) collect(t.push(chunk));
 * collect(t.flush());
 */
export class PyinTracker {
  readonly geometry: YinGeometry;
  readonly hopSize: number;
  readonly fminHz: number;
  private readonly binCount: number;
  private readonly cmndf: Cmndf;
  private readonly d: Float64Array;
  /** Log-probability lost per bin of pitch move (Laplace kernel), its log normaliser, and the jump floor. */
  private readonly slope: number;
  private readonly logKernel0: number;
  private readonly logJump: number;
  private readonly logStay: number;
  private readonly logSwitch: number;
  private readonly lagFrames: number;
  private readonly thresholdMean: number;
  private readonly framer: PitchFramer;
  private framesAnalysed = 0;
  private framesCommitted = 0;
  /** Viterbi scores of the last frame: voiced (candidate bins only) and unvoiced (all bins). */
  private voicedScore: number[] = [];
  private voicedBins: number[] = [];
  private unvoicedScore: Float64Array;
  private spareScore: Float64Array;
  private readonly backPool: Int16Array[] = [];
  private pending: PendingFrame[] = [];
  private committed: PitchTrack[] = [];
  /** Two-pass max-plus convolution buffers: values and arg-max bins. */
  private readonly fromU: Float64Array;
  private readonly fromUArg: Int32Array;
  private readonly fromV: Float64Array;
  private readonly fromVArg: Int32Array;
  private readonly sparseV: Float64Array;

  constructor(options: PyinOptions) {
    this.framer = new PitchFramer(options);
    this.geometry = this.framer.geometry;
    this.hopSize = this.framer.hopSize;
    this.fminHz = options.fminHz ?? DEFAULT_FMIN_HZ;
    const fmaxHz = options.fmaxHz ?? DEFAULT_FMAX_HZ;
    this.binCount = Math.floor(BINS_PER_SEMITONE * 12 * Math.log2(fmaxHz / this.fminHz)) + 1; // < 16384: states fit Int16
    this.cmndf = new Cmndf(this.geometry);
    this.d = new Float64Array(this.geometry.maxLag + 1);
    const stepCents = options.stepCents ?? 67;
    requireInRange('stepCents', stepCents, 1, 1200);
    const jump = options.jumpProbability ?? 0.001;
    requireInRange('jumpProbability', jump, 0, 0.5);
    const sw = options.switchProbability ?? 0.01;
    requireInRange('switchProbability', sw, 1e-6, 0.5);
    this.thresholdMean = options.thresholdMean ?? 0.15;
    requireInRange('thresholdMean', this.thresholdMean, 0.02, 0.5);
    const lagSeconds = options.lagSeconds ?? 2;
    requireInRange('lagSeconds', lagSeconds, 0.05, 60);
    this.slope = 100 / BINS_PER_SEMITONE / stepCents;
    const q = Math.exp(-this.slope);
    this.logKernel0 = Math.log((1 - jump) * ((1 - q) / (1 + q))); // Σ over d of q^|d| = (1+q)/(1−q)
    this.logJump = Math.log(Math.max(jump / this.binCount, 1e-300));
    this.logStay = Math.log(1 - sw);
    this.logSwitch = Math.log(sw);
    this.lagFrames = Math.max(1, Math.round((lagSeconds * this.framer.inputRate) / this.hopSize));
    this.unvoicedScore = new Float64Array(this.binCount); // uniform start
    this.spareScore = new Float64Array(this.binCount);
    const M = this.binCount;
    this.fromU = new Float64Array(M);
    this.fromUArg = new Int32Array(M);
    this.fromV = new Float64Array(M);
    this.fromVArg = new Int32Array(M);
    this.sparseV = new Float64Array(M).fill(-Infinity);
  }

  /** Pitch bins (10 cents from fminHz). */
  get bins(): number {
    return this.binCount;
  }

  /** Feeds samples; returns the frames that became final. */
  push(samples: Float32Array): PitchTrack {
    this.framer.push(samples, (frame) => this.step(frame));
    this.committed.push(this.commit(false));
    return this.takeCommitted();
  }

  /** Ends the stream; returns all remaining frames. */
  flush(): PitchTrack {
    this.framer.flush((frame) => this.step(frame));
    this.committed.push(this.commit(true));
    return this.takeCommitted();
  }

  private takeCommitted(): PitchTrack {
    const out = concatTracks(this.committed);
    this.committed = [];
    return out;
  }

  /**
   * out[j] = max_i (score[i] − slope·|i − j|) + logKernel0, floored by the best score plus the
   * jump probability, with the arg-max bin in outArg: max-plus convolution with the Laplace
   * kernel in two passes (exact for a linear cost in |i − j|).
   */
  private spread(score: Float64Array, out: Float64Array, outArg: Int32Array): void {
    const M = this.binCount,
      slope = this.slope;
    let best = -Infinity,
      arg = 0,
      top = -Infinity,
      topArg = 0;
    for (let j = 0; j < M; j++) {
      best -= slope;
      if (score[j]! >= best) {
        best = score[j]!;
        arg = j;
      }
      out[j] = best;
      outArg[j] = arg;
      if (score[j]! > top) {
        top = score[j]!;
        topArg = j;
      }
    }
    best = -Infinity;
    for (let j = M - 1; j >= 0; j--) {
      best -= slope;
      if (score[j]! >= best) {
        best = score[j]!;
        arg = j;
      }
      if (best > out[j]!) {
        out[j] = best;
        outArg[j] = arg;
      }
    }
    const floor = top + this.logJump;
    for (let j = 0; j < M; j++) {
      const v = out[j]! + this.logKernel0;
      if (v >= floor) out[j] = v;
      else {
        out[j] = floor;
        outArg[j] = topArg;
      }
    }
  }

  /** Analyses one frame and advances the Viterbi scores. */
  private step(frame: Float32Array): void {
    const energy = this.cmndf.compute(frame, this.d);
    const candidates: Candidates =
      energy > 0
        ? pyinCandidates(
            this.d,
            this.geometry,
            this.fminHz,
            this.binCount,
            this.cmndf.difference,
            this.thresholdMean,
          )
        : { bins: [], probs: [], hz: [], voicedProbability: 0 };
    mergeSameBin(candidates);
    const M = this.binCount;
    const first = this.framesAnalysed === 0;
    const nC = candidates.bins.length;
    const newV: number[] = new Array<number>(nC);
    const voicedBack = new Int32Array(nC);
    const newU = this.spareScore;
    const unvoicedBack = this.backPool.pop() ?? new Int16Array(M);
    const logObsU = Math.log(Math.max(1e-300, (1 - Math.min(1, candidates.voicedProbability)) / M));
    if (first) {
      const start = Math.log(0.5 / M);
      for (let c = 0; c < nC; c++) newV[c] = start + Math.log(candidates.probs[c]!);
      voicedBack.fill(-1);
      newU.fill(start + logObsU);
      unvoicedBack.fill(-1);
    } else {
      // Where each bin is best reached from, from the unvoiced and from the voiced states.
      this.spread(this.unvoicedScore, this.fromU, this.fromUArg);
      const prevBins = this.voicedBins,
        prevV = this.voicedScore;
      const sparse = this.sparseV;
      for (let k = 0; k < prevBins.length; k++) sparse[prevBins[k]!] = prevV[k]!;
      const anyVoiced = prevBins.length > 0;
      if (anyVoiced) this.spread(sparse, this.fromV, this.fromVArg);
      for (let k = 0; k < prevBins.length; k++) sparse[prevBins[k]!] = -Infinity;
      const fromU = this.fromU,
        fromUArg = this.fromUArg,
        fromV = this.fromV,
        fromVArg = this.fromVArg;
      for (let c = 0; c < nC; c++) {
        const j = candidates.bins[c]!;
        const stayVoiced = anyVoiced ? fromV[j]! + this.logStay : -Infinity;
        const becomeVoiced = fromU[j]! + this.logSwitch;
        if (stayVoiced >= becomeVoiced) {
          newV[c] = stayVoiced + Math.log(candidates.probs[c]!);
          voicedBack[c] = fromVArg[j]!;
        } else {
          newV[c] = becomeVoiced + Math.log(candidates.probs[c]!);
          voicedBack[c] = M + fromUArg[j]!;
        }
      }
      for (let j = 0; j < M; j++) {
        const stayUnvoiced = fromU[j]! + this.logStay;
        const becomeUnvoiced = anyVoiced ? fromV[j]! + this.logSwitch : -Infinity;
        if (stayUnvoiced >= becomeUnvoiced) {
          newU[j] = stayUnvoiced + logObsU;
          unvoicedBack[j] = M + fromUArg[j]!;
        } else {
          newU[j] = becomeUnvoiced + logObsU;
          unvoicedBack[j] = fromVArg[j]!;
        }
      }
    }
    // Keep scores near 0 (they only matter relative to each other).
    let top = -Infinity;
    for (const v of newV) top = Math.max(top, v);
    for (let j = 0; j < M; j++) top = Math.max(top, newU[j]!);
    for (let c = 0; c < nC; c++) newV[c]! -= top;
    for (let j = 0; j < M; j++) newU[j]! -= top;
    this.voicedScore = newV;
    this.voicedBins = candidates.bins.slice();
    this.spareScore = this.unvoicedScore;
    this.unvoicedScore = newU;
    this.pending.push({ candidates, voicedBack, unvoicedBack });
    this.framesAnalysed++;
    // Bound memory: decide frames older than the lag as soon as enough have piled up.
    if (this.pending.length >= 2 * this.lagFrames) this.committed.push(this.commit(false));
  }

  /** Traces back and emits the frames that are final (all of them when `final`). */
  private commit(final: boolean): PitchTrack {
    const available = this.pending.length;
    const emit = final ? available : Math.max(0, available - this.lagFrames);
    if (emit === 0 || available === 0) return this.track([], []);
    const M = this.binCount;
    // Best state now.
    let state = -1,
      best = -Infinity;
    this.voicedScore.forEach((v, k) => {
      if (v > best) {
        best = v;
        state = this.voicedBins[k]!;
      }
    });
    for (let j = 0; j < M; j++)
      if (this.unvoicedScore[j]! > best) {
        best = this.unvoicedScore[j]!;
        state = M + j;
      }
    const states = new Int32Array(available);
    for (let f = available - 1; f >= 0; f--) {
      states[f] = state;
      const p = this.pending[f]!;
      if (state >= M) state = p.unvoicedBack[state - M]!;
      else {
        const c = p.candidates.bins.indexOf(state);
        state = c >= 0 ? p.voicedBack[c]! : -1;
      }
      if (state < 0 && f > 0) state = M; // (cannot happen after the first frame; guard)
    }
    const frames = this.pending.splice(0, emit);
    for (const f of frames) this.backPool.push(f.unvoicedBack);
    return this.track(frames, Array.from(states.subarray(0, emit)));
  }

  private track(frames: PendingFrame[], states: number[]): PitchTrack {
    const n = frames.length;
    const M = this.binCount;
    const t: PitchTrack = {
      sampleRate: this.framer.inputRate,
      hopSize: this.hopSize,
      times: new Float64Array(n),
      f0Hz: new Float32Array(n),
      voiced: new Uint8Array(n),
      voicedProbability: new Float32Array(n),
      confidence: new Float32Array(n),
    };
    for (let i = 0; i < n; i++) {
      const index = this.framesCommitted + i;
      const { candidates } = frames[i]!;
      const state = states[i]!;
      t.times[i] = (index * this.hopSize) / this.framer.inputRate;
      t.voicedProbability[i] = Math.min(1, candidates.voicedProbability);
      if (state >= 0 && state < M) {
        const c = candidates.bins.indexOf(state);
        t.f0Hz[i] = candidates.hz[c]!;
        t.voiced[i] = 1;
        let support = 0;
        for (let k = 0; k < candidates.bins.length; k++)
          if (Math.abs(candidates.bins[k]! - state) <= 2) support += candidates.probs[k]!;
        t.confidence[i] = Math.min(1, support);
      } else {
        t.f0Hz[i] = NaN;
        t.confidence[i] = Math.min(1, 1 - candidates.voicedProbability);
      }
    }
    this.framesCommitted += n;
    return t;
  }
}

/** Candidates that fall into the same bin become one (probabilities add; the likelier f0 stays). */
function mergeSameBin(c: Candidates): void {
  for (let a = 0; a < c.bins.length; a++) {
    for (let b = c.bins.length - 1; b > a; b--) {
      if (c.bins[b] === c.bins[a]) {
        if (c.probs[b]! > c.probs[a]!) c.hz[a] = c.hz[b]!;
        c.probs[a]! += c.probs[b]!;
        c.bins.splice(b, 1);
        c.probs.splice(b, 1);
        c.hz.splice(b, 1);
      }
    }
  }
}

/**
 * Joins pitch-track pieces (from a stream) into one track.
 * @example const track = concatTracks([a, b]);
 */
export function concatTracks(parts: PitchTrack[]): PitchTrack {
  const first = parts[0];
  if (!first) throw new ZhiyinError('INVALID_ARGUMENT', 'No pitch tracks to join.');
  const n = parts.reduce((s, p) => s + p.times.length, 0);
  const out: PitchTrack = {
    sampleRate: first.sampleRate,
    hopSize: first.hopSize,
    times: new Float64Array(n),
    f0Hz: new Float32Array(n),
    voiced: new Uint8Array(n),
    voicedProbability: new Float32Array(n),
    confidence: new Float32Array(n),
  };
  let o = 0;
  for (const p of parts) {
    out.times.set(p.times, o);
    out.f0Hz.set(p.f0Hz, o);
    out.voiced.set(p.voiced, o);
    out.voicedProbability.set(p.voicedProbability, o);
    out.confidence.set(p.confidence, o);
    o += p.times.length;
  }
  return out;
}

/**
 * pYIN on a whole mono signal.
 * @example const { f0Hz, voiced } = pyin(samples, { sampleRate: 44100 });
 */
export function pyin(samples: Float32Array, options: PyinOptions): PitchTrack {
  const t = new PyinTracker(options);
  return concatTracks([t.push(samples), t.flush()]);
}
