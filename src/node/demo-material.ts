/**
 * Demo material, generated so that `npm start` needs no downloads: the opening of the
 * traditional Jiangsu folk song 茉莉花 (Mò Lì Huā, "Jasmine Flower"; public domain) in D gong
 * pentatonic, plucked with the Karplus–Strong algorithm (Karplus & Strong 1983) over a soft
 * drone, with a convolution reverb. Deterministic: the same bytes every run.
 */
import { BiquadFilter, PartitionedConvolver, designBiquad, midiToHz } from '../dsp/index.js';
import type { PlanarAudio } from '../audio/index.js';

/** Jianpu degrees (1 = do … 6 = la; 8 = high do) and lengths in beats. */
const MELODY: [number, number][] = [
  [3, 0.5],
  [3, 0.25],
  [5, 0.25],
  [6, 0.25],
  [8, 0.25],
  [8, 0.25],
  [6, 0.25],
  [5, 0.5],
  [5, 0.25],
  [6, 0.25],
  [5, 1],
  [3, 0.5],
  [3, 0.25],
  [5, 0.25],
  [6, 0.25],
  [8, 0.25],
  [8, 0.25],
  [6, 0.25],
  [5, 0.5],
  [5, 0.25],
  [6, 0.25],
  [5, 1],
  [5, 0.5],
  [5, 0.5],
  [5, 0.5],
  [3, 0.25],
  [5, 0.25],
  [6, 0.5],
  [6, 0.5],
  [5, 1],
  [3, 0.5],
  [2, 0.25],
  [3, 0.25],
  [5, 0.5],
  [3, 0.25],
  [2, 0.25],
  [1, 0.5],
  [1, 0.25],
  [2, 0.25],
  [1, 1.5],
];
/** Semitones above the tonic for jianpu degrees in gong mode. */
const DEGREE: Record<number, number> = { 1: 0, 2: 2, 3: 4, 5: 7, 6: 9, 8: 12 };

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** One plucked note by Karplus–Strong: a noise burst circulating in a damped delay line. */
function pluck(hz: number, seconds: number, sampleRate: number, rnd: () => number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const period = sampleRate / hz;
  const n = Math.floor(period);
  const frac = period - n; // first-order all-pass would tune exactly; linear blend is close enough here
  const line = Float32Array.from({ length: n + 1 }, () => rnd() * 2 - 1);
  let idx = 0;
  const decay = Math.pow(0.001, 1 / (2.5 * hz)); // about −60 dB in 2.5 s
  for (let i = 0; i < out.length; i++) {
    const a = line[idx]!,
      b = line[(idx + 1) % (n + 1)]!;
    const y = (1 - frac) * a + frac * b;
    out[i] = y;
    line[idx] = decay * 0.5 * (a + b);
    idx = (idx + 1) % (n + 1);
  }
  return out;
}

/**
 * Renders the demo melody as stereo audio.
 * @param tonicMidi the key (default 62, D4)
 */
export function renderDemoMelody(sampleRate = 48_000, tonicMidi = 62, bpm = 72): PlanarAudio {
  const rnd = random(20_191_104);
  const beat = 60 / bpm;
  const total = MELODY.reduce((s, [, b]) => s + b, 0) * beat + 3;
  const length = Math.round(total * sampleRate);
  const dry = [new Float32Array(length), new Float32Array(length)];
  let t = 0.25;
  for (const [degree, beats] of MELODY) {
    const hz = midiToHz(tonicMidi + DEGREE[degree]!);
    const note = pluck(hz, Math.max(1.5, beats * beat + 1), sampleRate, rnd);
    const start = Math.round(t * sampleRate);
    const pan = 0.5 + 0.15 * Math.sin(t); // drift gently across the centre
    for (let i = 0; i < note.length && start + i < length; i++) {
      dry[0]![start + i]! += 0.35 * Math.cos((pan * Math.PI) / 2) * note[i]!;
      dry[1]![start + i]! += 0.35 * Math.sin((pan * Math.PI) / 2) * note[i]!;
    }
    t += beats * beat;
  }
  // A soft drone on the tonic and fifth, fading in and out.
  const f1 = midiToHz(tonicMidi - 12),
    f2 = midiToHz(tonicMidi - 5);
  for (let i = 0; i < length; i++) {
    const s = i / sampleRate;
    const env = Math.min(1, s / 2, (total - s) / 2) * 0.05;
    const v = env * (Math.sin(2 * Math.PI * f1 * s) + 0.6 * Math.sin(2 * Math.PI * f2 * s));
    dry[0]![i]! += v;
    dry[1]![i]! += v;
  }
  // Reverb: exponentially decaying noise (1.2 s), a different tail per side.
  const irLength = Math.round(1.2 * sampleRate);
  const channels = dry.map((x) => {
    const ir = Float32Array.from(
      { length: irLength },
      (_, i) => (rnd() * 2 - 1) * Math.exp((-6.9 * i) / irLength) * 0.02,
    );
    ir[0] = 1;
    const conv = new PartitionedConvolver(ir, { blockSize: 1024 });
    const wet = conv.process(x);
    return wet.slice(0, length);
  });
  return { sampleRate, channels };
}

/**
 * The first phrase of the melody as a bowed, erhu-like solo with its ornaments written in, for
 * the performance-analysis demo: vibrato (揉弦, 6 Hz, 70 cents) on the longer notes, a
 * portamento (滑音, 150 ms) up to the high do, a grace note (倚音) before the first sol, a trill
 * (颤音) with la on the last sol, and a slide into the first note (上滑音). Mono, deterministic.
 */
export function renderDemoPerformance(sampleRate = 44_100, tonicMidi = 62, bpm = 56): PlanarAudio {
  const beat = 60 / bpm;
  const phrase = MELODY.slice(0, 11);
  // Note boundaries and pitches (cents), starting after 0.3 s of silence.
  const starts: number[] = [];
  let t = 0.3;
  for (const [, beats] of phrase) {
    starts.push(t);
    t += beats * beat;
  }
  const end = t;
  const cents = (k: number) => 100 * (tonicMidi + DEGREE[phrase[k]![0]]!);
  const pitchAt = (s: number): number => {
    let k = starts.length - 1;
    while (k > 0 && starts[k]! > s) k--;
    const local = s - starts[k]!;
    const length = phrase[k]![1] * beat;
    let c = cents(k);
    if (k === 0 && local < 0.12) c -= 150 * (1 - local / 0.12); // slide in from below
    if (k === 4 && local < 0.15) {
      // Portamento from la to high do, logistic over 150 ms (5–95 %).
      const from = cents(3);
      c = from + (c - from) / (1 + Math.exp(-((2 * Math.log(19)) / 0.15) * (local - 0.075)));
    }
    if (k === 2 && local < 0.07) c = cents(3); // grace note: la before sol
    // The last note: a trill on sol with la (7 Hz) that settles before the end.
    if (k === 10 && local > 0.1 && local < length - 0.15)
      c += (local - 0.1) % (1 / 7) < 0.5 / 7 ? 0 : 200;
    else if ((length >= 0.5 * beat || k === 1) && k !== 10) {
      // The two opening mi are one held note: its vibrato runs on through both.
      const held = k <= 1 ? s - starts[0]! : local;
      if (held > 0.15)
        c += 35 * Math.sin(2 * Math.PI * 6 * (held - 0.15)) * Math.min(1, (held - 0.15) / 0.1);
    }
    return c;
  };
  const n = Math.round((end + 0.5) * sampleRate);
  const x = new Float32Array(n);
  const rnd = random(66);
  let phase = 0,
    noise = 0;
  for (let i = 0; i < n; i++) {
    const s = i / sampleRate;
    if (s < 0.3 || s > end) continue;
    const hz = 440 * 2 ** ((pitchAt(s) - 6900) / 1200);
    phase += (2 * Math.PI * hz) / sampleRate;
    let v = 0;
    for (let h = 1; h <= 12 && h * hz < sampleRate / 2; h++)
      v += Math.sin(h * phase) / Math.pow(h, 0.9);
    noise = 0.7 * noise + 0.3 * (rnd() * 2 - 1);
    const env = Math.min(1, (s - 0.3) / 0.05, (end - s) / 0.1);
    x[i] = 0.25 * env * (v + 0.05 * noise);
  }
  return { sampleRate, channels: [x] };
}

/**
 * A phone recording of `solo` played over `backing` from the phone's loudspeaker: the solo, the
 * backing's bleed (mono, band-limited to a small speaker's 300 Hz–7 kHz, `bleedDb` under the
 * solo), room noise at `snrDb`, all `delaySeconds` late, as a phone's round trip makes it.
 * Mono, at the backing's rate, deterministic.
 */
export function renderDemoTake(
  solo: PlanarAudio,
  backing: PlanarAudio,
  { delaySeconds = 0.04, bleedDb = -26, snrDb = 30 } = {},
): PlanarAudio {
  const { sampleRate } = backing;
  const voice = solo.channels[0]!;
  const n = Math.max(voice.length, backing.channels[0]!.length);
  const bleed = new Float32Array(n);
  for (const c of backing.channels)
    for (let i = 0; i < c.length; i++) bleed[i]! += c[i]! / backing.channels.length;
  for (const design of [
    { type: 'highpass' as const, frequencyHz: 300, sampleRate },
    { type: 'lowpass' as const, frequencyHz: 7000, sampleRate },
  ])
    new BiquadFilter(designBiquad(design)).process(bleed, bleed);
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length || 1e-20);
  const voiceRms = rms(voice);
  const bleedGain = (voiceRms / rms(bleed)) * 10 ** (bleedDb / 20);
  const noiseLevel = voiceRms * 10 ** (-snrDb / 20) * Math.sqrt(3);
  const rnd = random(2019);
  const d = Math.round(delaySeconds * sampleRate);
  const take = new Float32Array(n + d);
  for (let i = 0; i < take.length; i++) {
    const j = i - d;
    const v = j >= 0 && j < n ? (voice[j] ?? 0) + bleedGain * bleed[j]! : 0;
    take[i] = v + noiseLevel * (rnd() * 2 - 1);
  }
  return { sampleRate, channels: [take] };
}
