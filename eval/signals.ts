/**
 * Deterministic signals with known answers, shared by tests, evaluations and the fuzzer:
 * seeded noise, sines, EBU-style sine sequences, faded sweeps.
 */

/** A seeded uniform PRNG in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** White noise in [-amplitude, amplitude). */
export function noise(length: number, seed = 1, amplitude = 0.5): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length }, () => (2 * r() - 1) * amplitude);
}

/** A sine of `hz` at `sampleRate`, peak `amplitude`, starting phase `phase` (radians). */
export function sine(
  hz: number,
  sampleRate: number,
  length: number,
  amplitude = 1,
  phase = 0,
): Float32Array {
  return Float32Array.from(
    { length },
    (_, n) => amplitude * Math.sin((2 * Math.PI * hz * n) / sampleRate + phase),
  );
}

/** RMS level of a signal. */
export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Raised-cosine fade in and out over `n` samples, in place (an abrupt edge would itself ring). */
export function fadeInOut(x: Float32Array, n: number): Float32Array {
  for (let i = 0; i < n; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / n);
    x[i]! *= g;
    x[x.length - 1 - i]! *= g;
  }
  return x;
}

/**
 * 1 kHz sine segments [seconds, dBFS peak], identical on every channel, as EBU Tech 3341
 * and 3342 define their test sequences.
 */
export function sineSegments(
  list: readonly (readonly [number, number])[],
  sampleRate: number,
  channelCount = 2,
): Float32Array[] {
  const total = list.reduce((s, [sec]) => s + Math.round(sec * sampleRate), 0);
  const ch = new Float32Array(total);
  let offset = 0;
  for (const [sec, dbfs] of list) {
    const n = Math.round(sec * sampleRate),
      a = Math.pow(10, dbfs / 20);
    for (let i = 0; i < n; i++)
      ch[offset + i] = a * Math.sin((2 * Math.PI * 1000 * (offset + i)) / sampleRate);
    offset += n;
  }
  return Array.from({ length: channelCount }, () => ch.slice());
}

/**
 * An exponential sweep from f1 to f2 over `seconds` with 50 ms raised-cosine fades, peak 0.5,
 * evaluated at any time t (seconds): the exact reference for resampling tests.
 */
export function sweepAt(t: number, f1: number, f2: number, seconds: number): number {
  if (t < 0 || t > seconds) return 0;
  const k = Math.log(f2 / f1) / seconds,
    fade = 0.05;
  const env =
    t < fade
      ? 0.5 - 0.5 * Math.cos((Math.PI * t) / fade)
      : t > seconds - fade
        ? 0.5 - 0.5 * Math.cos((Math.PI * (seconds - t)) / fade)
        : 1;
  return 0.5 * env * Math.sin(((2 * Math.PI * f1) / k) * (Math.exp(k * t) - 1));
}
