/** Deterministic test signals shared by the test suites. */

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
