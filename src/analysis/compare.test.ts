import { describe, expect, it } from 'vitest';
import {
  analyzeContour,
  cliffsDelta,
  cohensH,
  comparePerformances,
  describeDistribution,
  hedgesG,
  mannWhitneyP,
} from './index.js';
import { contour } from '../../test/contour.js';

/** A logistic glide from a to b cents, 5–95 % duration d, centred at mid. */
const glide = (a: number, b: number, mid: number, d: number, t: number) =>
  a + (b - a) / (1 + Math.exp((-2 * Math.log(19) * (t - mid)) / d));

/**
 * A phrase of `notes` one-second notes alternating D5 / F♯5 with sinusoidal vibrato of `rate`
 * Hz and `extent` cents; changes of note glide over `glideSeconds` (0: instantly).
 */
function phrase(rate: number, extent: number, glideSeconds: number, notes = 6, seed = 0) {
  const pitch = (k: number) => (k % 2 ? 7800 : 7400);
  const track = contour((t) => {
    if (t < 0.1 || t > notes + 0.1) return NaN;
    const k = Math.min(notes - 1, Math.floor(t - 0.1));
    const local = t - 0.1 - k;
    let c = pitch(k);
    if (glideSeconds > 0 && k > 0 && local < glideSeconds)
      c = glide(pitch(k - 1), pitch(k), 0.1 + k + glideSeconds / 2, glideSeconds * 0.8, t);
    else if (glideSeconds === 0 || k === 0 || local >= glideSeconds) c = pitch(k);
    // Vibrato in the steady middle of each note, rate varying a little from note to note.
    const r = rate * (1 + 0.03 * Math.sin(k * 2.1 + seed));
    const on = local > 0.25 && local < 0.9;
    return c + (on ? (extent / 2) * Math.sin(2 * Math.PI * r * (local - 0.25)) : 0);
  }, notes + 0.3);
  return { ...analyzeContour(track), track };
}

describe('effect sizes and tests against reference values', () => {
  it('Cliff’s δ', () => {
    expect(cliffsDelta([1, 2, 3], [4, 5, 6])).toBe(1);
    expect(cliffsDelta([4, 5, 6], [1, 2, 3])).toBe(-1);
    expect(cliffsDelta([1, 2, 3, 4], [2, 3])).toBe(0);
    // Pairs (x, y): y > x in 5 of 9, y < x in 3, ties 1 → δ = 2/9.
    expect(cliffsDelta([1, 3, 5], [2, 4, 5])).toBeCloseTo(2 / 9, 12);
    expect(cliffsDelta([], [1])).toBeNaN();
  });

  it('Hedges’ g', () => {
    // Means 3 and 5, SD √2.5 each: d = 1.2649, J = 1 − 3/31.
    expect(hedgesG([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])).toBeCloseTo(1.26491 * (1 - 3 / 31), 4);
    expect(hedgesG([1], [2, 3])).toBeNaN();
  });

  it('Mann–Whitney U p-values match SciPy 1.17 (asymptotic, continuity-corrected)', () => {
    expect(mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(0.0121857804, 6);
    expect(
      mannWhitneyP([1.2, 3.4, 2.2, 5.0, 4.1, 3.3, 2.8], [3.9, 4.4, 5.5, 2.9, 6.1, 4.8, 5.2, 5.9]),
    ).toBeCloseTo(0.0240276714, 6);
    // With ties.
    expect(mannWhitneyP([1, 2, 2, 3, 3, 3, 4], [2, 3, 3, 4, 4, 5])).toBeCloseTo(0.1577854105, 6);
  });

  it('Cohen’s h', () => {
    expect(cohensH(0.5, 0.8)).toBeCloseTo(0.6435, 4);
    expect(cohensH(0.3, 0.3)).toBe(0);
  });

  it('quartiles by linear interpolation', () => {
    const d = describeDistribution([7, 1, 3, 5]);
    expect([d.min, d.q1, d.median, d.q3, d.max]).toEqual([1, 2.5, 4, 5.5, 7]);
    expect(d.sd).toBeCloseTo(Math.sqrt(20 / 3), 12);
  });
});

describe('comparePerformances', () => {
  it('tells a fast, narrow, gliding player from a slow, wide, plain one', () => {
    const a = [phrase(5, 140, 0, 6, 0), phrase(5, 140, 0, 6, 1)];
    const b = [phrase(7, 60, 0.15, 6, 2), phrase(7, 60, 0.15, 6, 3)];
    const c = comparePerformances([
      { label: 'erhu', analyses: a },
      { label: 'violin', analyses: b },
    ]);
    const [ga, gb] = c.groups;
    expect(ga!.distributions.vibratoRateHz.n).toBeGreaterThanOrEqual(10);
    expect(ga!.distributions.vibratoRateHz.median).toBeCloseTo(5, 0);
    expect(gb!.distributions.vibratoRateHz.median).toBeCloseTo(7, 0);
    expect(ga!.proportions.portamentoUse).toMatchObject({ count: 0, of: 10 });
    expect(gb!.proportions.portamentoUse).toMatchObject({ count: 10, of: 10 });
    const pair = c.pairs[0]!;
    const rate = pair.distributions.find((d) => d.measure === 'vibratoRateHz')!;
    expect(rate.cliffsDelta).toBe(1);
    expect(rate.magnitude).toBe('large');
    expect(rate.p).toBeLessThan(0.001);
    const extent = pair.distributions.find((d) => d.measure === 'vibratoExtentCents')!;
    expect(extent.cliffsDelta).toBe(-1);
    expect(pair.proportions.find((p) => p.measure === 'portamentoUse')!.cohensH).toBeCloseTo(
      Math.PI,
      6,
    );
    const text = pair.summary.join(' ');
    expect(text).toMatch(
      /violin's vibrato is faster than erhu's \(median 7\.\d+ vs 5\.\d+ Hz; large effect/,
    );
    expect(text).toMatch(/violin's vibrato is narrower/);
    expect(text).toMatch(/violin has more changes of note made with a portamento: 100 % vs 0 %/);
    // The same, line for line, in Chinese.
    expect(pair.summaryZh).toHaveLength(pair.summary.length);
    const zh = pair.summaryZh.join('');
    expect(zh).toMatch(/violin的揉弦速度比erhu更快（中位数 7\.\d+ 对 5\.\d+ Hz；大效应/);
    expect(zh).toMatch(/violin的揉弦幅度比erhu更窄/);
    expect(zh).toMatch(/violin更多用滑音完成的换音：100 % 对 0 %/);
  });

  it('says when there is no difference to speak of', () => {
    const c = comparePerformances([
      { label: 'take 1', analyses: [phrase(6, 100, 0, 6, 0)] },
      { label: 'take 2', analyses: [phrase(6, 100, 0, 6, 0)] },
    ]);
    expect(c.pairs[0]!.summary).toEqual([
      'No difference of at least a small effect between take 1 and take 2 where there is enough to compare.',
      'Too few to compare (under 5 in a group): portamenti.',
    ]);
    expect(c.pairs[0]!.summaryZh).toEqual([
      'take 1与take 2之间在可比较之处没有达到小效应的差异。',
      '数据太少，无法比较（某组不足 5 个）：滑音。',
    ]);
  });

  it('compares every pair of three or more groups', () => {
    const g = (label: string, rate: number) => ({
      label,
      analyses: [phrase(rate, 100, 0)],
    });
    const c = comparePerformances([g('a', 5), g('b', 6), g('c', 7)]);
    expect(c.pairs.map((p) => `${p.a}-${p.b}`)).toEqual(['a-b', 'a-c', 'b-c']);
  });
});
