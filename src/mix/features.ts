/**
 * Feature estimators for the semantic controls: numbers that say how much of a quality a sound
 * has, each independent of its level (a sound turned up 6 dB measures the same), so that
 * "brighter" is checked as brighter and not as louder.
 *
 * Spectral features come from the long-term average spectrum (mean power over 4096-sample
 * Hann frames, frames more than 50 dB below the loudest ignored): the spectral centroid, the
 * tilt (a least-squares slope of octave-band levels against octaves, 63 Hz–8 kHz), and band
 * balances, each the level of a band against the level of the whole spectrum in dB. Temporal
 * features come from 10 ms frames: transient strength (the mean, over attacks, of a peak
 * against the RMS 50–100 ms after it) and dynamic spread (the 95th minus the 10th percentile of 400 ms
 * levels). Space: spaciousness is one minus the short-time coherence of the two channels
 * (energy-weighted over 200 Hz–8 kHz and blocks of about 0.4 s), the measure concert-hall
 * acoustics uses for spaciousness and envelopment (1 − IACC; Beranek, "Concert and Opera
 * Halls", 1996): reverberation arrives decorrelated at the two ears or channels, a dry panned
 * source does not. Width is the energy of the side (L − R)/2 against the mid, in dB (−60 for
 * mono). (Blind reverberation time is a separate estimate: reverbtime.ts.)
 */
import { RealFft, makeWindow } from '../dsp/index.js';
import type { PlanarAudio } from '../audio/index.js';
import { ZhiyinError } from '../errors/index.js';

/** The features, with their units in their names. */
export interface SoundFeatures {
  centroidHz: number;
  tiltDbPerOctave: number;
  /** Band levels against the whole spectrum, dB. */
  bassDb: number; // 20–150 Hz: boom
  fullnessDb: number; // 80–400 Hz: body
  lowMidDb: number; // 150–500 Hz: mud
  boxDb: number; // 300–700 Hz
  nasalDb: number; // 800–1600 Hz
  presenceDb: number; // 2–5 kHz: presence, harshness
  brillianceDb: number; // 5–10 kHz: crispness, sibilance
  airDb: number; // 10–20 kHz
  /** Low-mids (100–500 Hz) against highs (2–8 kHz), dB. */
  warmthDb: number;
  /** Presence (2–5 kHz) against mud (150–500 Hz), dB. */
  clarityDb: number;
  transientDb: number;
  dynamicSpreadDb: number;
  /** 1 − short-time inter-channel coherence, 0 (mono or dry) to 1 (diffuse). */
  spaciousness: number;
  widthDb: number;
}

export type FeatureName = keyof SoundFeatures;

const BANDS: Partial<Record<FeatureName, [number, number]>> = {
  bassDb: [20, 150],
  fullnessDb: [80, 400],
  lowMidDb: [150, 500],
  boxDb: [300, 700],
  nasalDb: [800, 1600],
  presenceDb: [2000, 5000],
  brillianceDb: [5000, 10_000],
  airDb: [10_000, 20_000],
};

const FRAME = 4096;

/**
 * Measures every feature of a sound (at least 0.5 s of audio that is not silent).
 * @example const f = describeSound(audio); f.warmthDb // e.g. 9.3
 */
export function describeSound(audio: PlanarAudio): SoundFeatures {
  const { sampleRate, channels } = audio;
  const n = channels[0]?.length ?? 0;
  if (n < 0.5 * sampleRate)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `describing a sound needs at least half a second of audio, got ${(n / sampleRate).toFixed(3)} s.`,
    );
  const mid = new Float32Array(n);
  const side = new Float32Array(n);
  const l = channels[0]!,
    r = channels[1] ?? l;
  for (let i = 0; i < n; i++) {
    mid[i] = (l[i]! + r[i]!) / 2;
    side[i] = (l[i]! - r[i]!) / 2;
  }
  const spectrum = averageSpectrum(channels, sampleRate);
  if (!spectrum)
    throw new ZhiyinError('EMPTY_INPUT', 'the sound is silent, so it has no features to measure.');
  const temporal = temporalFeatures(mid, sampleRate);
  const spaciousness = channels.length > 1 ? 1 - coherence(l, r, sampleRate) : 0;
  let sm = 0,
    ss = 0;
  for (let i = 0; i < n; i++) {
    sm += mid[i]! ** 2;
    ss += side[i]! ** 2;
  }
  return {
    ...spectrum,
    ...temporal,
    spaciousness,
    widthDb: ss > 0 && sm > 0 ? Math.max(-60, 10 * Math.log10(ss / sm)) : -60,
  };
}

type SpectralPart = Pick<
  SoundFeatures,
  | 'centroidHz'
  | 'tiltDbPerOctave'
  | 'bassDb'
  | 'fullnessDb'
  | 'lowMidDb'
  | 'boxDb'
  | 'nasalDb'
  | 'presenceDb'
  | 'brillianceDb'
  | 'airDb'
  | 'warmthDb'
  | 'clarityDb'
>;

function averageSpectrum(channels: Float32Array[], sampleRate: number): SpectralPart | undefined {
  const n = channels[0]!.length;
  const size = n >= FRAME ? FRAME : 2 ** Math.floor(Math.log2(n));
  const bins = size / 2 + 1;
  const w = makeWindow('hann', size);
  const fft = new RealFft(size);
  const re = new Float64Array(bins),
    im = new Float64Array(bins);
  const frame = new Float32Array(size);
  const starts: number[] = [];
  for (let s = 0; s + size <= n; s += size / 2) starts.push(s);
  const energies = new Float64Array(starts.length);
  const spectra: Float64Array[] = [];
  starts.forEach((s, f) => {
    const power = new Float64Array(bins);
    for (const x of channels) {
      for (let i = 0; i < size; i++) frame[i] = x[s + i]! * w[i]!;
      fft.forward(frame, re, im);
      for (let k = 0; k < bins; k++) power[k]! += re[k]! ** 2 + im[k]! ** 2;
    }
    let e = 0;
    for (let k = 1; k < bins; k++) e += power[k]!;
    energies[f] = e;
    spectra.push(power);
  });
  let loudest = 0;
  for (const e of energies) loudest = Math.max(loudest, e);
  if (!(loudest > 1e-20)) return undefined;
  const mean = new Float64Array(bins);
  spectra.forEach((p, f) => {
    if (energies[f]! < loudest * 1e-5) return; // 50 dB below the loudest frame
    for (let k = 0; k < bins; k++) mean[k]! += p[k]!;
  });
  const hz = (k: number) => (k * sampleRate) / size;
  const top = Math.min(20_000, sampleRate / 2);
  const bandPower = (lo: number, hi: number) => {
    let e = 0;
    for (let k = 1; k < bins; k++) {
      const f = hz(k);
      if (f >= lo && f < Math.min(hi, top)) e += mean[k]!;
    }
    return e;
  };
  const total = bandPower(20, top);
  const rel = (lo: number, hi: number) =>
    10 * Math.log10((bandPower(lo, hi) + total * 1e-9) / total);
  let weighted = 0;
  for (let k = 1; k < bins; k++) if (hz(k) >= 20 && hz(k) < top) weighted += hz(k) * mean[k]!;
  // Tilt: octave bands centred 63 Hz … 8 kHz (those below the Nyquist frequency).
  const xs: number[] = [],
    ys: number[] = [];
  for (let o = 0; o <= 7; o++) {
    const centre = 62.5 * 2 ** o;
    if (centre * Math.SQRT2 > top) break;
    xs.push(o);
    ys.push(10 * Math.log10(bandPower(centre / Math.SQRT2, centre * Math.SQRT2) / total + 1e-12));
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length,
    my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0,
    den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  const bands = Object.fromEntries(
    Object.entries(BANDS).map(([name, [lo, hi]]) => [name, rel(lo, hi)]),
  ) as Pick<SoundFeatures, keyof typeof BANDS & FeatureName>;
  return {
    centroidHz: weighted / total,
    tiltDbPerOctave: den ? num / den : 0,
    ...(bands as Omit<SpectralPart, 'centroidHz' | 'tiltDbPerOctave' | 'warmthDb' | 'clarityDb'>),
    warmthDb: rel(100, 500) - rel(2000, 8000),
    clarityDb: rel(2000, 5000) - rel(150, 500),
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))]!;
}

function temporalFeatures(
  x: Float32Array,
  sampleRate: number,
): Pick<SoundFeatures, 'transientDb' | 'dynamicSpreadDb'> {
  const hop = Math.max(1, Math.round(0.01 * sampleRate));
  const frames = Math.floor(x.length / hop);
  const energy = new Float64Array(frames),
    peak = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let e = 0,
      p = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) {
      const v = x[i]!;
      e += v * v;
      const a = Math.abs(v);
      if (a > p) p = a;
    }
    energy[f] = e / hop;
    peak[f] = p;
  }
  let loudest = 0;
  for (const e of energy) loudest = Math.max(loudest, e);
  const floor = loudest * 1e-6; // frames 60 dB down are silence

  const prefix = new Float64Array(frames + 1);
  for (let f = 0; f < frames; f++) prefix[f + 1] = prefix[f]! + energy[f]!;
  // Transients: at each attack (a 10 ms frame within 30 dB of the loudest, the loudest within
  // ±50 ms, and 3 dB above the mean of the 100 ms before it), its peak level against the mean
  // level 50–100 ms later.
  const rises: number[] = [];
  for (let f = 0; f + 10 < frames; f++) {
    const e = energy[f]!;
    if (e < loudest * 1e-3) continue;
    let isPeak = true;
    for (let d = -5; d <= 5 && isPeak; d++)
      if (d !== 0 && f + d >= 0 && energy[f + d]! > e) isPeak = false;
    if (!isPeak) continue;
    const before = f >= 10 ? (prefix[f]! - prefix[f - 10]!) / 10 : 0;
    if (e < 2 * before) continue;
    const after = (prefix[f + 11]! - prefix[f + 5]!) / 6;
    rises.push(20 * Math.log10(peak[f]! / Math.sqrt(after + loudest * 1e-9)));
  }
  rises.sort((p, q) => p - q);
  // Dynamic spread: 400 ms levels (hop 100 ms) of the frames that are not silence.
  const levels: number[] = [];
  for (let f = 0; f + 40 <= frames; f += 10) {
    const e = (prefix[f + 40]! - prefix[f]!) / 40;
    if (e > floor * 10) levels.push(10 * Math.log10(e));
  }
  levels.sort((p, q) => p - q);
  return {
    transientDb: rises.length ? rises.reduce((a, b) => a + b, 0) / rises.length : 0,
    dynamicSpreadDb: levels.length ? percentile(levels, 0.95) - percentile(levels, 0.1) : 0,
  };
}

/**
 * Spaciousness alone (the feature of {@link describeSound}): 1 − the channels' coherence, 0 for mono.
 * @example spaciousness(backing) // e.g. 0.42
 */
export function spaciousness(audio: PlanarAudio): number {
  const [l, r] = audio.channels;
  return l && r ? 1 - coherence(l, r, audio.sampleRate) : 0;
}

/** Energy-weighted short-time coherence of two channels over 200 Hz–8 kHz (1 for identical shapes). */
function coherence(l: Float32Array, r: Float32Array, sampleRate: number): number {
  const size = 2 ** Math.round(Math.log2(0.046 * sampleRate));
  const hop = size / 2,
    bins = size / 2 + 1,
    block = 16;
  const w = makeWindow('hann', size);
  const fft = new RealFft(size);
  const lr = new Float64Array(bins),
    li = new Float64Array(bins),
    rr = new Float64Array(bins),
    ri = new Float64Array(bins);
  const cr = new Float64Array(bins),
    ci = new Float64Array(bins),
    pl = new Float64Array(bins),
    pr = new Float64Array(bins);
  const frame = new Float32Array(size);
  const k0 = Math.ceil((200 * size) / sampleRate),
    k1 = Math.min(bins - 1, Math.floor((8000 * size) / sampleRate));
  let num = 0,
    den = 0,
    inBlock = 0;
  const close = () => {
    for (let k = k0; k <= k1; k++) {
      const e = pl[k]! + pr[k]!;
      if (e > 0) {
        num += Math.hypot(cr[k]!, ci[k]!) * 2; // |Σ L·R*| / √(ΣLL·ΣRR), weighted by the energy
        den += e;
      }
    }
    cr.fill(0);
    ci.fill(0);
    pl.fill(0);
    pr.fill(0);
    inBlock = 0;
  };
  // Weighting each bin's coherence by its energy (ΣLL + ΣRR)/2 · 2|C| / (ΣLL + ΣRR) ≤ |C|·…:
  // the ratio below is the energy-weighted mean of 2|Σ L R*| / (ΣLL + ΣRR), which equals the
  // coherence for channels of equal level and is never above it.
  for (let s = 0; s + size <= l.length; s += hop) {
    for (let i = 0; i < size; i++) frame[i] = l[s + i]! * w[i]!;
    fft.forward(frame, lr, li);
    for (let i = 0; i < size; i++) frame[i] = r[s + i]! * w[i]!;
    fft.forward(frame, rr, ri);
    for (let k = k0; k <= k1; k++) {
      cr[k]! += lr[k]! * rr[k]! + li[k]! * ri[k]!;
      ci[k]! += li[k]! * rr[k]! - lr[k]! * ri[k]!;
      pl[k]! += lr[k]! ** 2 + li[k]! ** 2;
      pr[k]! += rr[k]! ** 2 + ri[k]! ** 2;
    }
    if (++inBlock === block) close();
  }
  if (inBlock >= block / 2) close();
  return den > 0 ? num / den : 1;
}
