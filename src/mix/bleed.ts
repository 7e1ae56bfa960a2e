/**
 * Bleed cancellation: takes the backing track out of a vocal take that heard it from a
 * loudspeaker, once the two are aligned (offset.ts). The acoustic path from the backing to the
 * take (the loudspeaker, the microphone, a little room) is estimated as an FIR filter and the
 * backing through it is subtracted: the offline, fixed-path form of acoustic echo
 * cancellation (e.g. Hänsler & Schmidt 2004, "Acoustic Echo and Noise Control", ch. 5).
 *
 * The path is the least-squares transfer function H = Σ w·X·Ȳ / Σ w·|Y|² over STFT frames of
 * take X and backing Y, weighted so that frames where the singer pauses carry the estimate
 * (crossspectrum.ts). The filter is H's impulse response cut to `filterSeconds` (with a few
 * milliseconds before zero, for alignment left over) and tapered; truncation also averages
 * away much of the estimate's noise.
 *
 * The subtraction is kept only if it lowers the take's energy (a path estimated where there is
 * no bleed would add noise instead); the report gives the estimated bleed's level and how much
 * the take's quietest frames went down.
 * Portable: no Node built-ins.
 */
import { PartitionedConvolver, RealFft } from '../dsp/index.js';
import { weightedCrossSpectrum } from './crossspectrum.js';

export interface BleedOptions {
  /** Length of the estimated path, seconds (default 0.05). */
  filterSeconds?: number;
}

export interface BleedReport {
  /** Whether the estimated bleed was subtracted. */
  applied: boolean;
  /** Level of the estimated bleed against the whole take, dB. */
  bleedDb: number;
  /** How much the quietest fifth of the take's 50 ms frames (its pauses) went down, dB. */
  quietFramesReductionDb: number;
  filterTaps: number;
}

const FRAME = 4096;
const SMOOTH_BINS = 16;
/** Taps before the path's zero: alignment error left by the offset estimate. */
const PRE_TAPS = 64;

/** Mean square of 50 ms frames. */
function frameEnergies(x: Float32Array, sampleRate: number): Float64Array {
  const size = Math.max(1, Math.round(0.05 * sampleRate));
  const out = new Float64Array(Math.floor(x.length / size));
  for (let f = 0; f < out.length; f++) {
    let e = 0;
    for (let i = f * size; i < (f + 1) * size; i++) e += x[i]! * x[i]!;
    out[f] = e / size;
  }
  return out;
}

/**
 * Removes the backing's bleed from an aligned mono take: `take[i]` was recorded while
 * `backing[i + backingStart]` played. Returns a new take and a report.
 * @example const { audio, report } = cancelBleed(take, backingMono, 44_100, 0);
 */
export function cancelBleed(
  take: Float32Array,
  backing: Float32Array,
  sampleRate: number,
  backingStart = 0,
  options: BleedOptions = {},
): { audio: Float32Array; report: BleedReport } {
  const n = take.length;
  const taps = Math.max(
    PRE_TAPS * 2,
    Math.min(FRAME / 2, Math.round((options.filterSeconds ?? 0.05) * sampleRate)),
  );
  const none = (): { audio: Float32Array; report: BleedReport } => ({
    audio: take,
    report: { applied: false, bleedDb: -Infinity, quietFramesReductionDb: 0, filterTaps: taps },
  });
  // The backing as the take heard it, sample for sample.
  const y = new Float32Array(n);
  y.set(backing.subarray(backingStart, Math.min(backing.length, backingStart + n)));
  if (n < 4 * FRAME) return none();

  // Half-overlapping frames over at most the first two minutes: the path does not change.
  const analysed = Math.min(n, Math.round(120 * sampleRate));
  const {
    re: aRe,
    im: aIm,
    backingPower: b,
  } = weightedCrossSpectrum(take.subarray(0, analysed), y.subarray(0, analysed), {
    size: FRAME,
    hop: FRAME / 2,
    smoothBins: SMOOTH_BINS,
  });
  for (let k = 0; k < aRe.length; k++) {
    const d = b[k]!;
    aRe[k] = d > 0 ? aRe[k]! / d : 0;
    aIm[k] = d > 0 ? aIm[k]! / d : 0;
  }
  // H's impulse response (circular: negative lags at the end), cut to [−PRE_TAPS, taps − PRE_TAPS).
  const response = new Float64Array(FRAME);
  new RealFft(FRAME).inverse(aRe, aIm, response);
  const filter = new Float32Array(taps);
  const taper = Math.min(PRE_TAPS, Math.round(taps / 8));
  for (let j = 0; j < taps; j++) {
    const lag = j - PRE_TAPS;
    const edge = Math.min(j, taps - 1 - j);
    const w = edge >= taper ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / taper);
    filter[j] = response[(lag + FRAME) % FRAME]! * w;
  }
  const conv = new PartitionedConvolver(filter, { blockSize: 1024 });
  const head = conv.process(y);
  const estimate = new Float32Array(n + taps);
  estimate.set(head);
  estimate.set(conv.flush(), head.length);
  // The filter starts PRE_TAPS early: its output at i + PRE_TAPS is the bleed at i.
  const cleaned = new Float32Array(n);
  for (let i = 0; i < n; i++) cleaned[i] = take[i]! - estimate[i + PRE_TAPS]!;

  // Kept only if it lowers the take's energy (a path estimated from noise alone would add some).
  let eTake = 0,
    eCleaned = 0,
    eBleed = 0;
  for (let i = 0; i < n; i++) {
    eTake += take[i]! * take[i]!;
    eCleaned += cleaned[i]! * cleaned[i]!;
    eBleed += estimate[i + PRE_TAPS]! * estimate[i + PRE_TAPS]!;
  }
  // The quietest fifth of 50 ms frames, before and after: the pauses, for the report.
  const before = frameEnergies(take, sampleRate),
    after = frameEnergies(cleaned, sampleRate);
  const order = Array.from(before.keys()).sort((p, q) => before[p]! - before[q]!);
  let qBefore = 0,
    qAfter = 0;
  for (const f of order.slice(0, Math.max(1, Math.floor(order.length / 5)))) {
    qBefore += before[f]!;
    qAfter += after[f]!;
  }
  const report: BleedReport = {
    applied: eCleaned < eTake,
    bleedDb: 10 * Math.log10(eBleed / eTake),
    quietFramesReductionDb: qAfter > 0 ? 10 * Math.log10(qBefore / qAfter) : 0,
    filterTaps: taps,
  };
  return { audio: report.applied ? cleaned : take, report };
}
