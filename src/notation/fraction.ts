/**
 * Exact durations: a reduced fraction of quarter notes. Tuplets (1/3, 1/5 …) and any MusicXML
 * `divisions` or MIDI resolution stay exact, so round trips keep durations to the tick.
 */
export interface Fraction {
  /** Numerator (integer, ≥ 0 for durations). */
  n: number;
  /** Denominator (integer, > 0). */
  d: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

/** n/d reduced. @example frac(6, 8) // { n: 3, d: 4 } */
export function frac(n: number, d = 1): Fraction {
  if (!Number.isInteger(n) || !Number.isInteger(d) || d === 0)
    throw new RangeError(`not a fraction: ${n}/${d}`);
  const g = gcd(n, d);
  const sign = d < 0 ? -1 : 1;
  return { n: (sign * n) / g, d: (sign * d) / g };
}

export const ZERO: Fraction = { n: 0, d: 1 };

export function add(a: Fraction, b: Fraction): Fraction {
  return frac(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Fraction, b: Fraction): Fraction {
  return frac(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Fraction, b: Fraction): Fraction {
  return frac(a.n * b.n, a.d * b.d);
}

/** −1, 0 or 1. */
export function compare(a: Fraction, b: Fraction): number {
  return Math.sign(a.n * b.d - b.n * a.d);
}

export function toNumber(a: Fraction): number {
  return a.n / a.d;
}

/** The nearest fraction with denominator `d` (for durations measured in seconds or ticks). */
export function fromNumber(x: number, d: number): Fraction {
  return frac(Math.round(x * d), d);
}
