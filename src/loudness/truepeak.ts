/**
 * True-peak level (ITU-R BS.1770-4 Annex 2): the largest magnitude of the signal
 * reconstructed between samples, estimated by 4× oversampling.
 *
 * Our interpolator is a Kaiser-windowed sinc (24 taps per phase, cutoff at the input Nyquist
 * frequency) in polyphase form. Its phase 0 is the identity, so the true peak is never below
 * the sample peak. Worst-case under-reading of 4× oversampling for a sine at frequency f is
 * 20·log10(cos(π·f/(4·fs))) (−0.17 dB at 12 kHz, −0.34 dB at 17 kHz for 48 kHz).
 *
 * Speed: an interpolated value is a weighted sum of 24 neighbours, so it cannot exceed the
 * largest of them times G = max Σ|h| of a phase. Stretches whose neighbourhood peak times G
 * is below the running maximum cannot raise it and are skipped. This is exact (the result is
 * the same as computing everything) and makes true peak nearly free on most material.
 */
import { besselI0 } from '../dsp/index.js';

const FACTOR = 4;
const HALF_WIDTH = 12; // taps per phase = 2 × HALF_WIDTH
const TAPS = 2 * HALF_WIDTH;
const BETA = 8; // ≈ 80 dB side lobes
/** Intervals checked together by the skip test. */
const BLOCK = 32;

/** Taps of phases 1..3, each TAPS long: value at n + p/4 = Σ x[n−W+1+k]·T[p][k]. */
const TABLE = new Float64Array((FACTOR - 1) * TAPS);
let GAIN_BOUND = 1;
{
  const norm = besselI0(BETA);
  for (let p = 1; p < FACTOR; p++) {
    let abs = 0;
    for (let k = 0; k < TAPS; k++) {
      const tau = p / FACTOR + HALF_WIDTH - 1 - k;
      const r = tau / HALF_WIDTH;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(BETA * Math.sqrt(1 - r * r)) / norm;
      const v = (Math.sin(Math.PI * tau) / (Math.PI * tau)) * w;
      TABLE[(p - 1) * TAPS + k] = v;
      abs += Math.abs(v);
    }
    GAIN_BOUND = Math.max(GAIN_BOUND, abs);
  }
}

/** Streaming true-peak meter for one channel. */
export class TruePeakMeter {
  /** Signal history: the last TAPS − 1 samples before `chunk`, then the chunk. */
  private buf = new Float32Array(4096);
  private len = TAPS - 1; // starts with zeros before the signal
  private peak = 0;
  private samplePeak = 0;

  /** Feeds the next samples. */
  push(samples: Float32Array): void {
    if (this.len + samples.length > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.len + samples.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(samples, this.len);
    this.len += samples.length;
    for (let i = 0; i < samples.length; i++) {
      const a = Math.abs(samples[i]!);
      if (a > this.samplePeak) this.samplePeak = a;
    }
    if (this.samplePeak > this.peak) this.peak = this.samplePeak;
    // Intervals (n, n+1) whose TAPS-sample support lies inside the buffer.
    const intervals = this.len - TAPS + 1;
    this.peak = Math.max(this.peak, scan(this.buf, 0, intervals, this.peak));
    this.buf.copyWithin(0, intervals, this.len);
    this.len -= intervals;
  }

  /** Largest sample magnitude so far (linear). */
  samplePeakLinear(): number {
    return this.samplePeak;
  }

  /** True peak so far (linear), the signal taken as silent after the last sample. */
  truePeakLinear(): number {
    const tail = new Float32Array(this.len + TAPS);
    tail.set(this.buf.subarray(0, this.len));
    return Math.max(this.peak, scan(tail, 0, this.len, this.peak));
  }
}

/**
 * Largest interpolated magnitude for intervals starting at buf[from..from+count), where
 * interval i uses buf[i .. i+TAPS−1]; skips blocks that cannot beat `floor`.
 */
function scan(buf: Float32Array, from: number, count: number, floor: number): number {
  let best = floor;
  for (let start = from; start < from + count; start += BLOCK) {
    const end = Math.min(start + BLOCK, from + count);
    let local = 0;
    for (let i = start, last = end + TAPS - 1; i < last; i++) {
      const a = Math.abs(buf[i]!);
      if (a > local) local = a;
    }
    if (local * GAIN_BOUND <= best) continue;
    for (let i = start; i < end; i++) {
      for (let p = 0; p < FACTOR - 1; p++) {
        const row = p * TAPS;
        let acc = 0;
        for (let k = 0; k < TAPS; k++) acc += buf[i + k]! * TABLE[row + k]!;
        const a = Math.abs(acc);
        if (a > best) best = a;
      }
    }
  }
  return best;
}
