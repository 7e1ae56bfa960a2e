/**
 * Fitting a logistic curve to a pitch glide, as AVA does for portamento (Yang, Rajab & Chew
 * 2016, "AVA: an interactive system for visual and quantitative analyses of vibrato and
 * portamento performance styles", ISMIR):
 *
 *   p(t) = L + (U − L) / (1 + e^(−G·(t − M)))
 *
 * L and U are the pitches before and after (cents), G the growth rate (1/s) and M the time of
 * the inflection point (s). Fitted by Levenberg–Marquardt with the analytic Jacobian. We
 * report the glide's duration as the time from 5 % to 95 % of the span, 2·ln(19)/|G|.
 */

export interface LogisticFit {
  lower: number;
  upper: number;
  growth: number;
  midpoint: number;
  /** 5 %–95 % duration, seconds. */
  duration: number;
  /** Fraction of the variance explained. */
  r2: number;
}

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

/** Evaluates the curve at t. */
export function logistic(
  fit: Pick<LogisticFit, 'lower' | 'upper' | 'growth' | 'midpoint'>,
  t: number,
): number {
  return fit.lower + (fit.upper - fit.lower) * sigma(fit.growth * (t - fit.midpoint));
}

/**
 * Fits the curve to points (t, p); `start` holds initial guesses.
 * @example fitLogistic(times, cents, { lower: 6000, upper: 6200, growth: 20, midpoint: 1.3 })
 */
export function fitLogistic(
  t: ArrayLike<number>,
  p: ArrayLike<number>,
  start: { lower: number; upper: number; growth: number; midpoint: number },
): LogisticFit {
  const n = t.length;
  let x = [start.lower, start.upper, start.growth, start.midpoint];
  const residuals = (q: number[]) => {
    let s = 0;
    for (let i = 0; i < n; i++)
      s += (p[i]! - (q[0]! + (q[1]! - q[0]!) * sigma(q[2]! * (t[i]! - q[3]!)))) ** 2;
    return s;
  };
  let cost = residuals(x);
  let lambda = 1e-2;
  for (let iteration = 0; iteration < 60; iteration++) {
    // Normal equations JᵀJ·δ = Jᵀr with Marquardt damping on the diagonal.
    const jtj = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const jtr = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const s = sigma(x[2]! * (t[i]! - x[3]!));
      const span = x[1]! - x[0]!;
      const r = p[i]! - (x[0]! + span * s);
      const ds = s * (1 - s);
      const j = [1 - s, s, span * ds * (t[i]! - x[3]!), -span * ds * x[2]!];
      for (let a = 0; a < 4; a++) {
        jtr[a]! += j[a]! * r;
        for (let b = 0; b < 4; b++) jtj[4 * a + b]! += j[a]! * j[b]!;
      }
    }
    let improved = false;
    for (let attempt = 0; attempt < 8 && !improved; attempt++) {
      const m = jtj.slice();
      for (let a = 0; a < 4; a++) m[5 * a]! *= 1 + lambda;
      const delta = solve4(m, jtr);
      if (!delta) break;
      const candidate = x.map((v, k) => v + delta[k]!);
      const c = residuals(candidate);
      if (c < cost) {
        x = candidate;
        const gain = cost - c;
        cost = c;
        lambda = Math.max(1e-9, lambda / 3);
        improved = true;
        if (gain < 1e-10 * (1 + cost)) iteration = 60;
      } else lambda *= 4;
    }
    if (!improved) break;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += p[i]! / n;
  let total = 0;
  for (let i = 0; i < n; i++) total += (p[i]! - mean) ** 2;
  const [lower, upper, growth, midpoint] = x as [number, number, number, number];
  return {
    lower,
    upper,
    growth,
    midpoint,
    duration: growth !== 0 ? (2 * Math.log(19)) / Math.abs(growth) : Infinity,
    r2: total > 0 ? 1 - cost / total : 0,
  };
}

/** Solves a 4×4 system by Gaussian elimination with partial pivoting (undefined if singular). */
function solve4(m: number[], v: number[]): number[] | undefined {
  const a = [0, 1, 2, 3].map((r) => [
    m[4 * r]!,
    m[4 * r + 1]!,
    m[4 * r + 2]!,
    m[4 * r + 3]!,
    v[r]!,
  ]);
  for (let c = 0; c < 4; c++) {
    let pivot = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    if (Math.abs(a[pivot]![c]!) < 1e-300) return undefined;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < 5; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, r) => row[4]! / row[r]!);
}
