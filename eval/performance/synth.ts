/**
 * Synthetic performances with known answers, for evaluating pitch tracking, note segmentation
 * and expressive-event detection: seeded phrases of notes in a pentatonic scale with vibrato
 * (4–8 Hz, 20–200 cents peak to peak), logistic portamenti (60–600 ms), trills and grace
 * notes, and slides into notes after rests (上滑音 / 下滑音), rendered with three timbres (bowed-string-like, breathy flute-like, voice-like with
 * formants), optionally with noise at a given SNR and with reverberation.
 *
 * Ground truth is exact: the f0 of every sample, where the sound is voiced, and every event
 * with its times and parameters, as generated.
 */
import { PartitionedConvolver } from '../../src/dsp/index.js';
import { seededRandom } from '../signals.js';

export type Timbre = 'bowed' | 'flute' | 'voice';

/** One generated event and its parameters (times in seconds). */
export interface TruthEvent {
  kind: 'vibrato' | 'portamento' | 'trill' | 'grace' | 'slide-in';
  start: number;
  end: number;
  /** vibrato: rateHz, extentCents (peak to peak); portamento and slide-in: fromCents, toCents, durationSeconds; trill: rateHz, intervalCents; grace: cents, mainCents */
  params: Record<string, number>;
}

/** One generated note (its steady part; a portamento joins two notes). */
export interface TruthNote {
  start: number;
  end: number;
  cents: number;
}

/** A phrase: per-sample f0 (Hz, 0 where silent), amplitude envelope, notes and events. */
export interface Phrase {
  sampleRate: number;
  f0Hz: Float32Array;
  amplitude: Float32Array;
  notes: TruthNote[];
  events: TruthEvent[];
}

/** Pentatonic (gong mode) degrees around D4, in absolute cents (MIDI × 100). */
const SCALE = [6000, 6200, 6400, 6700, 6900, 7200, 7400, 7600, 7900];

/**
 * A random phrase of about `seconds`, seeded.
 * @example const p = makePhrase(1, { seconds: 8 });
 */
export function makePhrase(
  seed: number,
  options: { seconds?: number; sampleRate?: number } = {},
): Phrase {
  const sampleRate = options.sampleRate ?? 44_100;
  const total = options.seconds ?? 8;
  const rnd = seededRandom(seed);
  const between = (a: number, b: number) => a + (b - a) * rnd();
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const n = Math.round((total + 0.5) * sampleRate);
  const cents = new Float64Array(n).fill(NaN);
  const amp = new Float32Array(n);
  const notes: TruthNote[] = [];
  const events: TruthEvent[] = [];
  const at = (t: number) => Math.min(n, Math.max(0, Math.round(t * sampleRate)));
  /** Writes a pitch function and an amplitude over [t0, t1). */
  const fill = (t0: number, t1: number, pitch: (t: number) => number) => {
    for (let i = at(t0); i < at(t1); i++) {
      cents[i] = pitch(i / sampleRate);
      amp[i] = 1;
    }
  };
  let t = 0.3;
  let previous: number | undefined; // cents of the last note when the next one is joined legato
  while (t < total - 1) {
    const kind = pick([
      'plain',
      'vibrato',
      'vibrato',
      'portamento',
      'portamento',
      'trill',
      'grace',
    ] as const);
    const note = pick(SCALE);
    const length = between(0.4, 0.9);
    if (kind === 'portamento' && previous !== undefined && previous !== note) {
      // A logistic glide from the previous note into this one, then the note.
      const duration = between(0.06, 0.6);
      const from = previous,
        to = note,
        mid = t + duration / 2;
      // Growth rate so that 5 %–95 % of the span takes `duration`: 2·ln(19)/G = duration.
      const growth = (2 * Math.log(19)) / duration;
      fill(t, t + duration, (x) => from + (to - from) / (1 + Math.exp(-growth * (x - mid))));
      events.push({
        kind: 'portamento',
        start: t,
        end: t + duration,
        params: { fromCents: from, toCents: to, durationSeconds: duration },
      });
      t += duration;
      fill(t, t + length, () => to);
      notes.push({ start: t, end: t + length, cents: to });
      t += length;
      previous = to;
      continue;
    }
    if (previous === undefined && t > 0.3 && rnd() < 0.5) {
      // After a rest: slide into the note from 150–300 cents below or above.
      const from = note + (rnd() < 0.5 ? -1 : 1) * between(150, 300);
      const duration = between(0.06, 0.2);
      const mid = t + duration / 2,
        growth = (2 * Math.log(19)) / duration;
      fill(t, t + duration, (x) => from + (note - from) / (1 + Math.exp(-growth * (x - mid))));
      events.push({
        kind: 'slide-in',
        start: t,
        end: t + duration,
        params: { fromCents: from, toCents: note, durationSeconds: duration },
      });
      t += duration;
      fill(t, t + length, () => note);
      notes.push({ start: t, end: t + length, cents: note });
      t += length;
      previous = note;
      continue;
    }
    if (kind === 'grace') {
      const grace = note + pick([-300, -200, 200, 300]);
      const g = between(0.05, 0.09);
      fill(t, t + g, () => grace);
      events.push({
        kind: 'grace',
        start: t,
        end: t + g,
        params: { cents: grace, mainCents: note },
      });
      fill(t + g, t + g + length, () => note);
      notes.push({ start: t + g, end: t + g + length, cents: note });
      t += g + length;
    } else if (kind === 'trill') {
      const interval = pick([100, 200]);
      const rate = between(6, 10); // alternations of the pair per second (each note 1/(2·rate))
      const d = between(0.5, 0.9);
      const t0 = t;
      fill(t, t + d, (x) => (Math.floor((x - t0) * rate * 2) % 2 ? note + interval : note));
      events.push({
        kind: 'trill',
        start: t,
        end: t + d,
        params: { rateHz: rate, intervalCents: interval, lowerCents: note },
      });
      notes.push({ start: t, end: t + d, cents: note });
      t += d;
    } else if (kind === 'vibrato') {
      const rate = between(4, 8),
        extent = between(20, 200);
      const onset = 0.12; // vibrato begins a little after the note starts
      const t0 = t + onset,
        phase = rnd() * 2 * Math.PI;
      fill(t, t + onset, () => note);
      fill(
        t0,
        t + length + 0.3,
        (x) => note + (extent / 2) * Math.sin(2 * Math.PI * rate * (x - t0) + phase),
      );
      events.push({
        kind: 'vibrato',
        start: t0,
        end: t + length + 0.3,
        params: { rateHz: rate, extentCents: extent },
      });
      notes.push({ start: t, end: t + length + 0.3, cents: note });
      t += length + 0.3;
    } else {
      fill(t, t + length, () => note);
      notes.push({ start: t, end: t + length, cents: note });
      t += length;
    }
    previous = note;
    if (rnd() < 0.35) {
      t += between(0.12, 0.3); // a rest: the next note starts fresh
      previous = undefined;
    }
  }
  // Amplitude: 25 ms attacks and releases at the edges of sounding stretches.
  const ramp = Math.round(0.025 * sampleRate);
  const smooth = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!amp[i]) continue;
    let startGap = 0,
      endGap = 0;
    while (startGap < ramp && i - startGap - 1 >= 0 && amp[i - startGap - 1]) startGap++;
    while (endGap < ramp && i + endGap + 1 < n && amp[i + endGap + 1]) endGap++;
    smooth[i] = Math.min(1, (startGap + 1) / ramp, (endGap + 1) / ramp);
  }
  const f0Hz = Float32Array.from(cents, (c) =>
    Number.isNaN(c) ? 0 : 440 * Math.pow(2, (c - 6900) / 1200),
  );
  return { sampleRate, f0Hz, amplitude: smooth, notes, events };
}

/** Relative gain of a harmonic at `hz` for a timbre (spectral envelope). */
function envelope(timbre: Timbre, hz: number, harmonic: number): number {
  const peak = (f: number, centre: number, width: number) => 1 / (1 + ((f - centre) / width) ** 2);
  if (timbre === 'bowed') {
    // A sawtooth-like source (1/h) through a wooden body: resonances near 450, 1100, 2800 Hz.
    return (
      (1 / harmonic) *
      (0.35 + peak(hz, 450, 150) + 0.7 * peak(hz, 1100, 300) + 0.4 * peak(hz, 2800, 700))
    );
  }
  if (timbre === 'flute') {
    // Strong fundamental, few weak overtones.
    return [1, 0.35, 0.12, 0.05, 0.02][harmonic - 1] ?? 0;
  }
  // Voice: glottal source falling 12 dB/octave, vowel /a/ formants F1 700, F2 1220, F3 2600 Hz.
  return (
    (1 / harmonic ** 2) *
    (0.05 + peak(hz, 700, 90) + 0.6 * peak(hz, 1220, 80) + 0.3 * peak(hz, 2600, 150)) *
    4
  );
}

/**
 * Renders a phrase with a timbre (seeded: bow and breath noise).
 * @example const x = render(makePhrase(1), 'voice', 1);
 */
export function render(phrase: Phrase, timbre: Timbre, seed: number): Float32Array {
  const { sampleRate, f0Hz, amplitude } = phrase;
  const n = f0Hz.length;
  const out = new Float32Array(n);
  const rnd = seededRandom(seed * 7919 + 13);
  const maxHarmonics = timbre === 'flute' ? 5 : 40;
  let phase = 0;
  const gains = new Float64Array(maxHarmonics + 1);
  let lastF0 = -1;
  // Breath (flute) or bow (bowed) noise: white noise through a one-pole band-shaping filter.
  let noiseState = 0;
  const noiseLevel = timbre === 'flute' ? 0.12 : timbre === 'bowed' ? 0.02 : 0.005;
  for (let i = 0; i < n; i++) {
    const f0 = f0Hz[i]!;
    if (!f0 || !amplitude[i]) continue;
    if (Math.abs(f0 - lastF0) > 0.5 || i % 64 === 0) {
      for (let h = 1; h <= maxHarmonics; h++)
        gains[h] = h * f0 < 0.45 * sampleRate ? envelope(timbre, h * f0, h) : 0;
      lastF0 = f0;
    }
    phase += (2 * Math.PI * f0) / sampleRate;
    if (phase > 2 * Math.PI * 1e6) phase -= 2 * Math.PI * 1e6;
    let v = 0;
    for (let h = 1; h <= maxHarmonics; h++) {
      const g = gains[h]!;
      if (g) v += g * Math.sin(h * phase);
    }
    noiseState = 0.7 * noiseState + 0.3 * (rnd() * 2 - 1);
    const noise = timbre === 'flute' ? rnd() * 2 - 1 - noiseState : noiseState; // breath is bright
    out[i] = amplitude[i]! * (0.3 * v + noiseLevel * noise);
  }
  return out;
}

/**
 * Adds white noise so that the signal-to-noise ratio over the sounding part is `snrDb`.
 * @example addNoise(x, 10, 1)
 */
export function addNoise(
  x: Float32Array,
  snrDb: number,
  seed: number,
  sounding?: Float32Array,
): Float32Array {
  let power = 0,
    count = 0;
  for (let i = 0; i < x.length; i++) {
    if (sounding && !sounding[i]) continue;
    power += x[i]! * x[i]!;
    count++;
  }
  const rms = Math.sqrt(power / Math.max(1, count));
  const noiseRms = rms / Math.pow(10, snrDb / 20);
  const rnd = seededRandom(seed * 104729 + 7);
  const scale = noiseRms * Math.sqrt(3); // uniform in [−a, a] has RMS a/√3
  return x.map((v) => v + scale * (rnd() * 2 - 1));
}

/**
 * Adds reverberation: a 0.8 s exponentially decaying noise tail mixed at −6 dB.
 * @example addReverb(x, 44100, 1)
 */
export function addReverb(x: Float32Array, sampleRate: number, seed: number): Float32Array {
  const rnd = seededRandom(seed * 31 + 5);
  const rt60 = 0.8;
  const length = Math.round(rt60 * sampleRate);
  const ir = Float32Array.from(
    { length },
    (_, i) => (rnd() * 2 - 1) * Math.exp((-6.9 * i) / length),
  );
  let energy = 0;
  for (const v of ir) energy += v * v;
  const g = 0.5 / Math.sqrt(energy);
  for (let i = 0; i < length; i++) ir[i]! *= g;
  ir[0]! += 1; // the dry sound
  const conv = new PartitionedConvolver(ir, { blockSize: 1024 });
  const head = conv.process(x),
    tail = conv.flush();
  const out = new Float32Array(x.length);
  out.set(head.subarray(0, x.length));
  if (head.length < x.length) out.set(tail.subarray(0, x.length - head.length), head.length);
  return out;
}
