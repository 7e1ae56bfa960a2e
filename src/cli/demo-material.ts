/**
 * Demo material, generated so that `npm start` needs no downloads: the opening of the
 * traditional Jiangsu folk song 茉莉花 (Mò Lì Huā, "Jasmine Flower"; public domain) in D gong
 * pentatonic, plucked with the Karplus–Strong algorithm (Karplus & Strong 1983) over a soft
 * drone, with a convolution reverb. Deterministic: the same bytes every run.
 */
import { PartitionedConvolver, midiToHz } from '../dsp/index.js';
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
