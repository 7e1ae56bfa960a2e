/**
 * Loudness meter after ITU-R BS.1770-4 and EBU R128 (Tech 3341 "EBU Mode", Tech 3342 LRA).
 *
 * - K-weighting per channel, squared and summed with the BS.1770 channel weights.
 * - Energies are kept per 100 ms sub-block; momentary = last 400 ms, short-term = last 3 s,
 *   both updated every 100 ms.
 * - Integrated: 400 ms blocks every 100 ms (75 % overlap), absolute gate −70 LUFS, relative
 *   gate −10 LU. Loudness range: 3 s blocks every 100 ms (Tech 3342 v4 asks ≥ 10 Hz),
 *   absolute gate −70 LUFS, relative gate −20 LU, 95th minus 10th percentile.
 * - Gated blocks go into histograms of 0.01 LU bins (−70 … +40 LUFS) holding each bin's
 *   count and exact energy sum, so memory stays fixed however long the programme (a 24-hour
 *   stream costs the same as a song) and the only approximation is which side of a gate the
 *   blocks within 0.01 LU of it fall.
 * - Sample peak and true peak (4× oversampling, truepeak.ts).
 *
 * Input shorter than a window: while less than 400 ms (or 3 s for short-term) has been seen,
 * that measure is taken over everything so far as one block of its actual length, and the
 * result says `partialBlock: true`. We do not return −∞ (as libebur128 does) or refuse (as
 * pyloudnorm does), because a 250 ms sound has a loudness, and we do not zero-pad, which
 * would bias it low by 10·log10(T / 400 ms) dB; at exactly 400 ms the value is continuous
 * with the standard's. Loudness range needs at least two short-term blocks and is 0 below.
 */
import { ZhiyinError, requireInteger } from '../errors/index.js';
import { kWeightingCoefficients } from './kweighting.js';
import { bs1770Weights } from './channels.js';
import { TruePeakMeter, truePeakDesign } from './truepeak.js';

/** Options of {@link LoudnessMeter}. */
export interface LoudnessMeterOptions {
  sampleRate: number;
  channelCount: number;
  /** BS.1770 weight per channel (default from the mask, else from the channel count). */
  channelWeights?: number[];
  /** WAVE_FORMAT_EXTENSIBLE speaker mask, to derive the weights. */
  channelMask?: number;
  /** Measure true peak (default true; the costliest part). */
  truePeak?: boolean;
  /** Called every 100 ms of audio with the momentary and short-term loudness (a live meter). */
  onUpdate?: (update: { seconds: number; momentaryLufs: number; shortTermLufs: number }) => void;
}

/** Everything the meter measured. Levels with no signal above the gates are −Infinity. */
export interface LoudnessResult {
  /** Integrated (programme) loudness, LUFS. */
  integratedLufs: number;
  /** Loudness range, LU (EBU Tech 3342). */
  loudnessRangeLu: number;
  /** 10th and 95th percentiles of gated short-term loudness, LUFS. */
  loudnessRangeLowLufs: number;
  loudnessRangeHighLufs: number;
  /** Loudness of the last 400 ms and 3 s, LUFS. */
  momentaryLufs: number;
  shortTermLufs: number;
  maxMomentaryLufs: number;
  maxShortTermLufs: number;
  /** Largest absolute sample value over all channels, dBFS. */
  samplePeakDbfs: number;
  /** True peak over all channels, dBTP (NaN when not measured). */
  truePeakDbtp: number;
  /** Per channel: sample peak dBFS and true peak dBTP. */
  channelPeaks: { samplePeakDbfs: number; truePeakDbtp: number }[];
  durationSeconds: number;
  /** True when the input is shorter than 400 ms and measures cover a partial block. */
  partialBlock: boolean;
  /** The channel weights used. */
  channelWeights: number[];
}

const HIST_MIN = -70;
const HIST_MAX = 40;
const HIST_STEP = 0.01;
const HIST_BINS = Math.round((HIST_MAX - HIST_MIN) / HIST_STEP);
const LOG_OFFSET = -0.691;

const toLufs = (meanSquare: number) =>
  meanSquare > 0 ? LOG_OFFSET + 10 * Math.log10(meanSquare) : -Infinity;

/** Fixed-size histogram of gated block loudness with exact energy sums per bin. */
class BlockHistogram {
  readonly counts = new Float64Array(HIST_BINS);
  readonly energies = new Float64Array(HIST_BINS);
  total = 0;

  add(lufs: number, meanSquare: number): void {
    if (!(lufs > HIST_MIN)) return; // absolute gate
    const bin = Math.min(HIST_BINS - 1, Math.floor((lufs - HIST_MIN) / HIST_STEP));
    this.counts[bin]! += 1;
    this.energies[bin]! += meanSquare;
    this.total++;
  }

  /** First bin whose blocks lie above `lufs` (a bin counts as above when its centre is). */
  binAbove(lufs: number): number {
    // Blocks louder than the top of the histogram share its last bin (their energies stay exact).
    return Math.min(HIST_BINS - 1, Math.max(0, Math.ceil((lufs - HIST_MIN) / HIST_STEP - 0.5)));
  }

  /** Mean energy and count of blocks from bin `from` up. */
  meanFrom(from: number): { mean: number; count: number } {
    let e = 0,
      n = 0;
    for (let b = from; b < HIST_BINS; b++) {
      e += this.energies[b]!;
      n += this.counts[b]!;
    }
    return { mean: n ? e / n : 0, count: n };
  }
}

/**
 * Streaming loudness meter. Push planar chunks of any length; read results at any time.
 * @example
 * const meter = new LoudnessMeter({ sampleRate: 48000, channelCount: 2 });
 * for await (const chunk of chunks) meter.push(chunk.channels);
 * meter.result().integratedLufs // e.g. −14.2
 */
export class LoudnessMeter {
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly channelWeights: number[];
  private readonly onUpdate: LoudnessMeterOptions['onUpdate'];
  private readonly coeffs: Float64Array; // b0 b1 b2 a1 a2 (shelf), a1 a2 (high-pass)
  private readonly state: Float64Array; // 4 per channel
  private readonly peaks: TruePeakMeter[] | undefined;
  private readonly samplePeaks: Float64Array;
  /** Energies (weighted sums of squares) and sample counts of the last 30 sub-blocks (ring). */
  private readonly subEnergy = new Float64Array(30);
  private readonly subCount = new Float64Array(30);
  private subIndex = 0; // sub-blocks completed
  private subFill = 0; // samples in the current sub-block
  private subAcc = 0; // energy of the current sub-block
  private totalSamples = 0;
  private readonly integrated = new BlockHistogram();
  private readonly shortTerm = new BlockHistogram();
  private maxMomentary = -Infinity;
  private maxShortTerm = -Infinity;

  constructor(options: LoudnessMeterOptions) {
    if (
      !Number.isInteger(options.sampleRate) ||
      options.sampleRate < 8000 ||
      options.sampleRate > 2_000_000
    ) {
      throw new ZhiyinError(
        'UNSUPPORTED_FORMAT',
        `Loudness (ITU-R BS.1770) is defined from 8 kHz up; this audio is at ${options.sampleRate} Hz: resample it first (zhiyin convert --rate 48000).`,
      );
    }
    requireInteger('channelCount', options.channelCount, 1, 1024);
    this.sampleRate = options.sampleRate;
    this.channelCount = options.channelCount;
    const weights =
      options.channelWeights ?? bs1770Weights(options.channelCount, options.channelMask);
    if (weights.length !== options.channelCount || weights.some((w) => !(w >= 0 && w <= 10))) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `channelWeights needs ${options.channelCount} numbers from 0 to 10.`,
      );
    }
    this.channelWeights = weights;
    this.onUpdate = options.onUpdate;
    const [s, h] = kWeightingCoefficients(options.sampleRate);
    this.coeffs = Float64Array.of(s.b0, s.b1, s.b2, s.a1, s.a2, h.a1, h.a2);
    this.state = new Float64Array(4 * options.channelCount);
    this.peaks =
      options.truePeak === false
        ? undefined
        : Array.from(
            { length: options.channelCount },
            () => new TruePeakMeter(truePeakDesign(options.sampleRate)),
          );
    this.samplePeaks = new Float64Array(options.channelCount);
  }

  /** Sample index where sub-block k (100 ms each) ends. */
  private subBlockEnd(k: number): number {
    return Math.round(((k + 1) * this.sampleRate) / 10);
  }

  /**
   * Feeds the next chunk: one Float32Array per channel, all the same length.
   */
  push(channels: Float32Array[]): void {
    if (channels.length !== this.channelCount) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `The meter expects ${this.channelCount} channels, got ${channels.length}.`,
      );
    }
    const n = channels[0]!.length;
    if (channels.some((c) => c.length !== n))
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        'All channels of a chunk must have the same length.',
      );
    for (let c = 0; c < this.channelCount; c++) {
      const peaks = this.peaks?.[c];
      if (peaks) {
        peaks.push(channels[c]!);
        if (!(peaks.samplePeakLinear() < 1e150)) this.rejectNonFinite(channels, 0, n);
      }
      if (!this.peaks) {
        let p = this.samplePeaks[c]!;
        const ch = channels[c]!;
        for (let i = 0; i < n; i++) {
          const a = Math.abs(ch[i]!);
          if (a > p) p = a;
        }
        this.samplePeaks[c] = p;
      }
    }
    // Walk the chunk in runs that end at sub-block boundaries.
    let offset = 0;
    while (offset < n) {
      const end = this.subBlockEnd(this.subIndex) - (this.totalSamples - this.subFill);
      const run = Math.min(n - offset, end - this.subFill);
      let energy = 0;
      for (let c = 0; c < this.channelCount; c++) {
        const w = this.channelWeights[c]!;
        if (w !== 0) energy += w * this.filterChannel(channels[c]!, offset, run, c); // LFE (0) is not measured
      }
      if (!Number.isFinite(energy)) this.rejectNonFinite(channels, offset, run);
      this.subAcc += energy;
      this.subFill += run;
      this.totalSamples += run;
      offset += run;
      if (this.subFill === end) this.closeSubBlock();
    }
  }

  /** Throws CORRUPT_DATA naming the first NaN, infinite or absurdly large sample. */
  private rejectNonFinite(channels: Float32Array[], offset: number, count: number): never {
    for (let c = 0; c < channels.length; c++) {
      const x = channels[c]!;
      for (let i = offset; i < offset + count; i++) {
        if (!(Math.abs(x[i]!) < 1e150)) {
          const t = (this.totalSamples + i - offset) / this.sampleRate;
          throw new ZhiyinError(
            'CORRUPT_DATA',
            `The audio holds a non-finite or absurd sample (${x[i]}) in channel ${c + 1} at ${t.toFixed(3)} s, so its loudness is undefined: the file is damaged.`,
          );
        }
      }
    }
    throw new ZhiyinError(
      'CORRUPT_DATA',
      'The audio is too loud to measure (its energy overflows).',
    );
  }

  /** K-weights channel `c` over [offset, offset+count) and returns the sum of squares. */
  private filterChannel(x: Float32Array, offset: number, count: number, c: number): number {
    const k = this.coeffs;
    const b0 = k[0]!,
      b1 = k[1]!,
      b2 = k[2]!,
      a1 = k[3]!,
      a2 = k[4]!,
      h1 = k[5]!,
      h2 = k[6]!;
    const st = this.state;
    const o = 4 * c;
    let s1 = st[o]!,
      s2 = st[o + 1]!,
      t1 = st[o + 2]!,
      t2 = st[o + 3]!;
    let sum = 0;
    for (let i = offset, end = offset + count; i < end; i++) {
      const v = x[i]!;
      const y = b0 * v + s1;
      s1 = b1 * v - a1 * y + s2;
      s2 = b2 * v - a2 * y;
      const z = y + t1; // high-pass numerator 1, −2, 1
      t1 = -2 * y - h1 * z + t2;
      t2 = y - h2 * z;
      sum += z * z;
    }
    const flush = (v: number) => (Math.abs(v) < 1e-30 ? 0 : v); // no denormals in long silences
    st[o] = flush(s1);
    st[o + 1] = flush(s2);
    st[o + 2] = flush(t1);
    st[o + 3] = flush(t2);
    return sum;
  }

  private closeSubBlock(): void {
    const slot = this.subIndex % 30;
    this.subEnergy[slot] = this.subAcc;
    this.subCount[slot] = this.subFill;
    this.subIndex++;
    this.subAcc = 0;
    this.subFill = 0;
    if (this.subIndex >= 4) {
      const ms = this.windowMeanSquare(4);
      const lufs = toLufs(ms);
      this.integrated.add(lufs, ms);
      if (lufs > this.maxMomentary) this.maxMomentary = lufs;
    }
    if (this.subIndex >= 30) {
      const ms = this.windowMeanSquare(30);
      const lufs = toLufs(ms);
      this.shortTerm.add(lufs, ms);
      if (lufs > this.maxShortTerm) this.maxShortTerm = lufs;
    }
    if (this.onUpdate) {
      this.onUpdate({
        seconds: this.totalSamples / this.sampleRate,
        momentaryLufs: this.momentaryLufs(),
        shortTermLufs: this.shortTermLufs(),
      });
    }
  }

  /** Mean square over the last `subBlocks` completed sub-blocks (fewer if not yet seen). */
  private windowMeanSquare(subBlocks: number): number {
    const n = Math.min(subBlocks, this.subIndex);
    let e = 0,
      count = 0;
    for (let i = 1; i <= n; i++) {
      const slot = (this.subIndex - i) % 30;
      e += this.subEnergy[slot]!;
      count += this.subCount[slot]!;
    }
    return count ? e / count : 0;
  }

  /** Mean square of everything seen so far (completed sub-blocks and the open one). */
  private partialMeanSquare(): number {
    const n = Math.min(30, this.subIndex);
    let e = this.subAcc,
      count = this.subFill;
    for (let i = 1; i <= n; i++) {
      const slot = (this.subIndex - i) % 30;
      e += this.subEnergy[slot]!;
      count += this.subCount[slot]!;
    }
    return count ? e / count : 0;
  }

  /** Momentary loudness (last 400 ms), LUFS. */
  momentaryLufs(): number {
    return toLufs(this.subIndex >= 4 ? this.windowMeanSquare(4) : this.partialMeanSquare());
  }

  /** Short-term loudness (last 3 s), LUFS. */
  shortTermLufs(): number {
    return toLufs(this.subIndex >= 30 ? this.windowMeanSquare(30) : this.partialMeanSquare());
  }

  /** Integrated loudness, LUFS; −Infinity when no block passes the gates. */
  integratedLufs(): number {
    if (this.subIndex < 4) {
      const l = toLufs(this.partialMeanSquare());
      return l > HIST_MIN ? l : -Infinity;
    }
    const h = this.integrated;
    const ungated = h.meanFrom(0);
    if (!ungated.count) return -Infinity;
    const gate = toLufs(ungated.mean) - 10;
    const gated = h.meanFrom(h.binAbove(gate));
    return gated.count ? toLufs(gated.mean) : -Infinity;
  }

  /** Loudness range (EBU Tech 3342), LU, with its 10th and 95th percentiles. */
  loudnessRange(): { rangeLu: number; lowLufs: number; highLufs: number } {
    const h = this.shortTerm;
    const ungated = h.meanFrom(0);
    if (ungated.count < 2) return { rangeLu: 0, lowLufs: -Infinity, highLufs: -Infinity };
    const from = h.binAbove(toLufs(ungated.mean) - 20);
    const { count } = h.meanFrom(from);
    if (count < 2) return { rangeLu: 0, lowLufs: -Infinity, highLufs: -Infinity };
    const percentile = (p: number): number => {
      const rank = Math.round((count - 1) * p); // nearest-rank on the sorted gated values
      let seen = 0;
      for (let b = from; b < HIST_BINS; b++) {
        seen += h.counts[b]!;
        if (seen > rank) return HIST_MIN + (b + 0.5) * HIST_STEP;
      }
      return HIST_MAX;
    };
    const lowLufs = percentile(0.1),
      highLufs = percentile(0.95);
    return { rangeLu: highLufs - lowLufs, lowLufs, highLufs };
  }

  /** Everything measured so far. */
  result(): LoudnessResult {
    const db = (v: number) => 20 * Math.log10(v);
    const channelPeaks = Array.from({ length: this.channelCount }, (_, c) => {
      const p = this.peaks?.[c];
      return {
        samplePeakDbfs: db(p ? p.samplePeakLinear() : this.samplePeaks[c]!),
        truePeakDbtp: p ? db(p.truePeakLinear()) : NaN,
      };
    });
    const lra = this.loudnessRange();
    return {
      integratedLufs: this.integratedLufs(),
      loudnessRangeLu: lra.rangeLu,
      loudnessRangeLowLufs: lra.lowLufs,
      loudnessRangeHighLufs: lra.highLufs,
      momentaryLufs: this.momentaryLufs(),
      shortTermLufs: this.shortTermLufs(),
      maxMomentaryLufs: this.subIndex >= 4 ? this.maxMomentary : this.momentaryLufs(),
      maxShortTermLufs: this.subIndex >= 30 ? this.maxShortTerm : this.shortTermLufs(),
      samplePeakDbfs: Math.max(...channelPeaks.map((p) => p.samplePeakDbfs)),
      truePeakDbtp: this.peaks ? Math.max(...channelPeaks.map((p) => p.truePeakDbtp)) : NaN,
      channelPeaks,
      durationSeconds: this.totalSamples / this.sampleRate,
      partialBlock: this.totalSamples > 0 && this.subIndex < 4,
      channelWeights: [...this.channelWeights],
    };
  }
}
