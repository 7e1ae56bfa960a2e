/**
 * A spectral-gating noise reducer that estimates the noise itself, after the method of the
 * `noisereduce` package (Sainburg, Thielk & Gentner 2020, PLoS Comput. Biol. 16(10)): the
 * noise profile is the mean and spread (in dB) of each frequency bin over the quietest frames
 * of the recording; a bin is kept where it rises `thresholdStd` spreads above its noise mean
 * and turned down by up to `reductionDb` where it does not, with the mask smoothed across
 * time and frequency so that lone noise peaks do not flicker through as "musical noise"
 * (a bin well above its threshold is always kept, so smoothing never dulls the voice).
 *
 * Because the noise of a phone take changes (a dishwasher starts, a car passes), the profile
 * is estimated in overlapping sections of `profileSeconds` and interpolated between them.
 * Analysis and synthesis use periodic Hann windows at a hop of a quarter frame (weighted
 * overlap-add), so where the mask is 1 the output equals the input to float rounding.
 * Channels share one mask, computed from their mean, so the stereo image stays put.
 */
import { RealFft, makeWindow } from '../dsp/index.js';
import { ZhiyinError } from '../errors/index.js';
import type { PlanarAudio } from '../audio/index.js';

export interface NoiseReducerSettings {
  /** Largest attenuation of a noise-only bin, dB (default 24). */
  reductionDb?: number;
  /** How far above its noise mean a bin must rise to pass, in noise spreads (default 1.5). */
  thresholdStd?: number;
  /** Share of the quietest frames of each section taken as noise (default 0.15). */
  noiseShare?: number;
  /** Length of a profile section, seconds (default 8). */
  profileSeconds?: number;
  /** Mask smoothing: frames either side (default 2) and bins either side (default 4). */
  timeSmoothFrames?: number;
  frequencySmoothBins?: number;
  /** Frame length, a power of two (default: about 43 ms at the sample rate). */
  fftSize?: number;
}

export interface NoiseReducerReport {
  /** Mean level of the noise profile per bin, dB against a full-scale sine's bin, averaged over sections. */
  noiseFloorDb: number;
  /** How much the output's quietest frames were turned down, dB (a measured figure). */
  quietFramesReductionDb: number;
  fftSize: number;
  sections: number;
}

/**
 * Reduces stationary and slowly changing noise; returns a new buffer and a report.
 * @example const { audio: clean } = reduceNoise(take, { reductionDb: 20 });
 */
export function reduceNoise(
  audio: PlanarAudio,
  settings: NoiseReducerSettings = {},
): { audio: PlanarAudio; report: NoiseReducerReport } {
  const { sampleRate, channels } = audio;
  const reductionDb = settings.reductionDb ?? 24;
  const kStd = settings.thresholdStd ?? 1.5;
  const share = settings.noiseShare ?? 0.15;
  if (!(reductionDb > 0 && reductionDb <= 60))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `noise reducer: the reduction must be above 0 and at most 60 dB, got ${reductionDb}.`,
    );
  if (!(kStd >= 0 && kStd <= 6))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `noise reducer: the threshold must be 0–6 spreads, got ${kStd}.`,
    );
  if (!(share > 0 && share <= 0.5))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `noise reducer: the noise share must be above 0 and at most 0.5, got ${share}.`,
    );
  const size = settings.fftSize ?? 2 ** Math.max(8, Math.round(Math.log2(0.043 * sampleRate)));
  const hop = size / 4;
  const bins = size / 2 + 1;
  const n = channels[0]?.length ?? 0;
  // Frame f starts at (f − 3)·hop: every sample, the first and last too, lies in four frames.
  const frames = n === 0 ? 0 : Math.floor((n - 1) / hop) + 4;
  const window = makeWindow('hann', size);
  const fft = new RealFft(size);
  const re = new Float64Array(bins),
    im = new Float64Array(bins);
  const frame = new Float32Array(size);
  const mono = new Float32Array(n);
  for (const c of channels) for (let i = 0; i < n; i++) mono[i]! += c[i]! / channels.length;
  const load = (x: Float32Array, f: number) => {
    const start = (f - 3) * hop;
    for (let i = 0; i < size; i++) {
      const t = start + i;
      frame[i] = t >= 0 && t < n ? x[t]! * window[i]! : 0;
    }
  };
  const toDb = 10 / Math.LN10;
  const spectrumDb = (out: Float32Array) => {
    for (let k = 0; k < bins; k++) out[k] = toDb * Math.log(re[k]! ** 2 + im[k]! ** 2 + 1e-20);
  };

  // Pass 1: frame energies, to find each section's quietest frames.
  const energy = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    load(mono, f);
    let e = 0;
    for (let i = 0; i < size; i++) e += frame[i]! ** 2;
    energy[f] = e;
  }
  const sectionFrames = Math.max(
    16,
    Math.round(((settings.profileSeconds ?? 8) * sampleRate) / hop),
  );
  const sections = Math.max(1, Math.ceil(frames / sectionFrames));
  // Each section's profile is taken over it and half a section either side.
  const mean = new Float32Array(sections * bins),
    spread = new Float32Array(sections * bins);
  const db = new Float32Array(bins);
  let floorSum = 0;
  for (let s = 0; s < sections; s++) {
    const from = Math.max(0, Math.round((s - 0.5) * sectionFrames)),
      to = Math.min(frames, Math.round((s + 1.5) * sectionFrames));
    const candidates: number[] = [];
    for (let f = from; f < to; f++) if (energy[f]! > 0) candidates.push(f);
    candidates.sort((a, b) => energy[a]! - energy[b]!);
    const chosen = candidates.slice(0, Math.max(4, Math.round(share * candidates.length)));
    const sum = new Float64Array(bins),
      sq = new Float64Array(bins);
    for (const f of chosen) {
      load(mono, f);
      fft.forward(frame, re, im);
      spectrumDb(db);
      for (let k = 0; k < bins; k++) {
        sum[k]! += db[k]!;
        sq[k]! += db[k]! ** 2;
      }
    }
    const m = Math.max(1, chosen.length);
    for (let k = 0; k < bins; k++) {
      const mu = chosen.length ? sum[k]! / m : -200;
      mean[s * bins + k] = mu;
      spread[s * bins + k] = chosen.length ? Math.sqrt(Math.max(0, sq[k]! / m - mu * mu)) : 0;
      floorSum += mu;
    }
  }

  // Pass 2: gate each frame against its interpolated profile, smooth the mask over
  // neighbouring frames and bins (a frame is written once the frames after it are known),
  // and overlap-add.
  const floor = 10 ** (-reductionDb / 20);
  const T = settings.timeSmoothFrames ?? 2,
    B = settings.frequencySmoothBins ?? 4;
  if (!(Number.isInteger(T) && T >= 0 && T <= 16 && Number.isInteger(B) && B >= 0 && B <= 64))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      'noise reducer: the mask smoothing must be 0–16 whole frames and 0–64 whole bins.',
    );
  const ring = 2 * T + 1;
  const masks = Array.from({ length: ring }, () => new Float32Array(bins));
  const strong = Array.from({ length: ring }, () => new Float32Array(bins));
  const stored = Array.from({ length: ring }, () =>
    channels.map(() => ({ re: new Float64Array(bins), im: new Float64Array(bins) })),
  );
  const mask = new Float32Array(bins),
    across = new Float32Array(bins);
  const outputs = channels.map(() => new Float64Array(n + size));
  const time = new Float32Array(size);
  const norm = 1.5; // Σ of squared periodic Hann windows at a hop of a quarter frame
  const E4 = Math.exp(4);
  const box = new Float64Array(bins + B),
    smoothed = new Float64Array(bins);
  /**
   * Triangular smoothing over ±B bins: a box of B + 1 bins, then another the other way (the
   * first runs B bins past the top, where x is 0, so the top bins get the whole triangle).
   */
  const triangle = (x: ArrayLike<number>, out: Float64Array) => {
    let acc = 0;
    for (let k = 0; k < bins + B; k++) {
      if (k < bins) acc += x[k]!;
      if (k > B) acc -= x[k - B - 1]!;
      box[k] = acc; // Σ x[k − B … k]
    }
    acc = 0;
    for (let k = bins + B - 1; k >= 0; k--) {
      acc += box[k]!;
      if (k + B + 1 < bins + B) acc -= box[k + B + 1]!;
      if (k < bins) out[k] = acc; // Σ box[k … k + B] = Σ over ±B with weights B + 1 − |d|
    }
  };
  const edgeWeights = new Float64Array(bins);
  triangle(new Float64Array(bins).fill(1), edgeWeights);
  const analyse = (f: number) => {
    const slot = f % ring;
    const raw = masks[slot]!,
      sure = strong[slot]!;
    if (f >= frames) {
      raw.fill(floor);
      sure.fill(0);
      return;
    }
    load(mono, f);
    fft.forward(frame, re, im);
    spectrumDb(db);
    // Profile at this frame: linear between the centres of the two nearest sections.
    const pos = Math.min(sections - 1, Math.max(0, (f - sectionFrames / 2) / sectionFrames));
    const s0 = Math.floor(pos),
      s1 = Math.min(sections - 1, s0 + 1),
      w = pos - s0;
    for (let k = 0; k < bins; k++) {
      const mu = (1 - w) * mean[s0 * bins + k]! + w * mean[s1 * bins + k]!;
      const sd = (1 - w) * spread[s0 * bins + k]! + w * spread[s1 * bins + k]!;
      // A soft gate 3 dB wide around the threshold; a bin 6 dB above it is surely signal.
      const over = (db[k]! - (mu + kStd * sd)) / 1.5;
      const e = Math.exp(-over); // one exponential for both sigmoids
      raw[k] = floor + (1 - floor) / (1 + e);
      sure[k] = 1 / (1 + E4 * e);
    }
    const sp = stored[slot]!;
    channels.forEach((x, c) => {
      if (channels.length === 1) {
        sp[c]!.re.set(re);
        sp[c]!.im.set(im);
      } else {
        load(x, f);
        fft.forward(frame, sp[c]!.re, sp[c]!.im);
      }
    });
  };
  const synthesise = (f: number) => {
    // Triangular smoothing over ±T frames and ±B bins: a lone noise peak is averaged away,
    // while a partial of the voice, open in its neighbours too, stays open.
    across.fill(0);
    let tw = 0;
    for (let d = -T; d <= T; d++) {
      if (f + d < 0) continue;
      const wt = T + 1 - Math.abs(d);
      const m = masks[(f + d) % ring]!;
      for (let k = 0; k < bins; k++) across[k]! += wt * m[k]!;
      tw += wt;
    }
    const sure = strong[f % ring]!;
    // Across bins: the triangle is two boxes of B + 1 bins (running sums), divided by the
    // same smoothing of ones, so that bins near the edges average what they have.
    triangle(across, smoothed);
    for (let k = 0; k < bins; k++) {
      const v = smoothed[k]! / (edgeWeights[k]! * tw);
      mask[k] = v > sure[k]! ? v : sure[k]!;
    }
    const start = f * hop; // in the output, offset by three hops
    const sp = stored[f % ring]!;
    channels.forEach((_x, c) => {
      const { re: r, im: i } = sp[c]!;
      for (let k = 0; k < bins; k++) {
        r[k]! *= mask[k]!;
        i[k]! *= mask[k]!;
      }
      fft.inverse(r, i, time);
      const out = outputs[c]!;
      for (let t = 0; t < size; t++) out[start + t]! += time[t]! * window[t]!;
    });
  };
  for (let f = 0; f < frames + T; f++) {
    analyse(f);
    if (f >= T) synthesise(f - T);
  }
  const result = outputs.map((o) => {
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) y[i] = o[i + 3 * hop]! / norm;
    return y;
  });
  // Report: how much the quietest tenth of frames fell.
  const quiet = Array.from(energy.keys())
    .filter((f) => energy[f]! > 0)
    .sort((a, b) => energy[a]! - energy[b]!)
    .slice(0, Math.max(1, Math.round(frames / 10)));
  const resultMono = new Float32Array(n);
  for (const c of result) for (let i = 0; i < n; i++) resultMono[i]! += c[i]! / result.length;
  let before = 0,
    after = 0;
  for (const f of quiet) {
    const from = Math.max(0, (f - 1) * hop),
      to = Math.min(n, f * hop);
    for (let i = from; i < to; i++) {
      before += mono[i]! ** 2;
      after += resultMono[i]! ** 2;
    }
  }
  return {
    audio: { sampleRate, channels: result },
    report: {
      noiseFloorDb: floorSum / (sections * bins) - 10 * Math.log10((size * size) / 16),
      quietFramesReductionDb: before > 0 && after > 0 ? 10 * Math.log10(before / after) : 0,
      fftSize: size,
      sections,
    },
  };
}
