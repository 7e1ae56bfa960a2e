/**
 * Comparing performances: two or more groups (a recording each, or sets of recordings) →
 * distributions of vibrato rate and extent, portamento use, duration and span, with effect
 * sizes between each pair of groups and a short plain-language summary.
 *
 * Measures, per group, over all its recordings:
 * - vibrato rate (Hz) and extent (cents, peak to peak), one value per vibrato event;
 * - vibrato use: the share of notes of ≥ 300 ms that carry vibrato (a proportion);
 * - portamento use: the share of changes between notes of ≥ 80 cents inside a phrase (a voiced
 *   run) that are portamenti (a proportion);
 * - portamento duration (ms) and span (|cents|), one value per portamento.
 *
 * Effect sizes: for distributions, Cliff's δ (the probability that a value of the second group
 * exceeds one of the first, minus the reverse; robust to outliers and skew) with Romano et
 * al.'s (2006) bands (|δ| < 0.147 negligible, < 0.33 small, < 0.474 medium, else large), and
 * Hedges' g (standardised mean difference, small-sample corrected); a two-sided Mann–Whitney
 * U test (normal approximation with tie correction) says whether the difference could be
 * chance. For proportions, Cohen's h (0.2 small, 0.5 medium, 0.8 large). The summary names only
 * differences of at least a small effect backed by at least 5 values in each group, and says
 * which measures had too few.
 */
import type { ExpressiveEvent, Note } from './performance.js';

/** What a comparison reads of one analysed recording. */
export interface ComparedAnalysis {
  notes: Note[];
  events: ExpressiveEvent[];
  track: { times: ArrayLike<number>; voiced: ArrayLike<number> };
}

/** One group: a label and the analyses of its recordings. */
export interface ComparisonGroup {
  label: string;
  analyses: ComparedAnalysis[];
}

export type MeasureName =
  'vibratoRateHz' | 'vibratoExtentCents' | 'portamentoDurationMs' | 'portamentoSpanCents';
export type ProportionName = 'vibratoUse' | 'portamentoUse';

/** Descriptive statistics of one distribution. */
export interface Distribution {
  n: number;
  mean: number;
  sd: number;
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  values: number[];
}

export interface Proportion {
  count: number;
  of: number;
  share: number;
}

export interface GroupStats {
  label: string;
  recordings: number;
  notes: number;
  distributions: Record<MeasureName, Distribution>;
  proportions: Record<ProportionName, Proportion>;
}

export type Magnitude = 'negligible' | 'small' | 'medium' | 'large';

export interface DistributionEffect {
  measure: MeasureName;
  cliffsDelta: number;
  magnitude: Magnitude;
  hedgesG: number;
  /** Two-sided p of the Mann–Whitney U test; NaN when a group has no values. */
  p: number;
}

export interface ProportionEffect {
  measure: ProportionName;
  cohensH: number;
  magnitude: Magnitude;
}

/** Effects of going from group `a` to group `b` (positive: b is higher). */
export interface PairComparison {
  a: string;
  b: string;
  distributions: DistributionEffect[];
  proportions: ProportionEffect[];
  summary: string[];
  /** The same summary in Chinese, line for line. */
  summaryZh: string[];
}

export interface Comparison {
  groups: GroupStats[];
  pairs: PairComparison[];
}

const MEASURES: {
  name: MeasureName;
  what: string;
  unit: string;
  more: string;
  less: string;
  zh: { what: string; more: string; less: string };
}[] = [
  {
    name: 'vibratoRateHz',
    what: 'vibrato',
    unit: 'Hz',
    more: 'faster',
    less: 'slower',
    zh: { what: '揉弦速度', more: '更快', less: '更慢' },
  },
  {
    name: 'vibratoExtentCents',
    what: 'vibrato',
    unit: 'cents',
    more: 'wider',
    less: 'narrower',
    zh: { what: '揉弦幅度', more: '更宽', less: '更窄' },
  },
  {
    name: 'portamentoDurationMs',
    what: 'portamenti',
    unit: 'ms',
    more: 'slower (longer)',
    less: 'quicker (shorter)',
    zh: { what: '滑音', more: '更慢（更长）', less: '更快（更短）' },
  },
  {
    name: 'portamentoSpanCents',
    what: 'portamenti',
    unit: 'cents',
    more: 'wider',
    less: 'narrower',
    zh: { what: '滑音跨度', more: '更宽', less: '更窄' },
  },
];
const PROPORTIONS: { name: ProportionName; what: string; zh: string }[] = [
  {
    name: 'vibratoUse',
    what: 'notes of 300 ms or more with vibrato',
    zh: '带揉弦的 300 毫秒以上的音',
  },
  { name: 'portamentoUse', what: 'changes of note made with a portamento', zh: '用滑音完成的换音' },
];
const MAGNITUDE_ZH: Record<Magnitude, string> = {
  negligible: '可忽略的',
  small: '小',
  medium: '中等',
  large: '大',
};
const UNIT_ZH: Record<string, string> = { Hz: 'Hz', cents: '音分', ms: '毫秒' };

/** Minimum values per group before the summary speaks of a difference. */
const MIN_VALUES = 5;

/**
 * Compares groups of analysed performances.
 * @example const c = comparePerformances([{ label: 'erhu', analyses: [a] }, { label: 'violin', analyses: [b] }]);
 */
export function comparePerformances(groups: ComparisonGroup[]): Comparison {
  const stats = groups.map(groupStats);
  const pairs: PairComparison[] = [];
  for (let i = 0; i < stats.length; i++)
    for (let j = i + 1; j < stats.length; j++) pairs.push(comparePair(stats[i]!, stats[j]!));
  return { groups: stats, pairs };
}

function groupStats(group: ComparisonGroup): GroupStats {
  const values: Record<MeasureName, number[]> = {
    vibratoRateHz: [],
    vibratoExtentCents: [],
    portamentoDurationMs: [],
    portamentoSpanCents: [],
  };
  let longNotes = 0,
    longWithVibrato = 0,
    changes = 0,
    portamenti = 0,
    notes = 0;
  for (const a of group.analyses) {
    notes += a.notes.length;
    for (const e of a.events) {
      if (e.kind === 'vibrato') {
        values.vibratoRateHz.push(Number(e.params.rateHz));
        values.vibratoExtentCents.push(Number(e.params.extentCents));
      } else if (e.kind === 'portamento') {
        values.portamentoDurationMs.push(1000 * Number(e.params.durationSeconds));
        values.portamentoSpanCents.push(Math.abs(Number(e.params.spanCents)));
      }
    }
    a.notes.forEach((n, k) => {
      if (n.end - n.start < 0.3) return;
      longNotes++;
      if (a.events.some((e) => e.kind === 'vibrato' && e.note === k)) longWithVibrato++;
    });
    // Changes of note inside a phrase: consecutive notes with no unvoiced frame between them.
    const times = Array.from(a.track.times);
    const unvoicedBetween = (from: number, to: number) => {
      for (let i = upperBound(times, from); i < times.length && times[i]! < to; i++)
        if (!a.track.voiced[i]) return true;
      return false;
    };
    for (let k = 1; k < a.notes.length; k++) {
      const p = a.notes[k - 1]!,
        n = a.notes[k]!;
      if (Math.abs(n.cents - p.cents) < 80 || unvoicedBetween(p.end, n.start)) continue;
      changes++;
      if (a.events.some((e) => e.kind === 'portamento' && e.note === k)) portamenti++;
    }
  }
  const distributions = Object.fromEntries(
    MEASURES.map((m) => [m.name, describeDistribution(values[m.name])]),
  ) as Record<MeasureName, Distribution>;
  const proportion = (count: number, of: number): Proportion => ({
    count,
    of,
    share: of ? count / of : NaN,
  });
  return {
    label: group.label,
    recordings: group.analyses.length,
    notes,
    distributions,
    proportions: {
      vibratoUse: proportion(longWithVibrato, longNotes),
      portamentoUse: proportion(portamenti, changes),
    },
  };
}

function comparePair(a: GroupStats, b: GroupStats): PairComparison {
  const distributions = MEASURES.map((m): DistributionEffect => {
    const x = a.distributions[m.name].values,
      y = b.distributions[m.name].values;
    const delta = cliffsDelta(x, y);
    return {
      measure: m.name,
      cliffsDelta: delta,
      magnitude: deltaMagnitude(delta),
      hedgesG: hedgesG(x, y),
      p: mannWhitneyP(x, y),
    };
  });
  const proportions = PROPORTIONS.map((m): ProportionEffect => {
    const h = cohensH(a.proportions[m.name].share, b.proportions[m.name].share);
    return { measure: m.name, cohensH: h, magnitude: hMagnitude(h) };
  });
  const summary: string[] = [];
  const summaryZh: string[] = [];
  const tooFew: string[] = [];
  const tooFewZh: string[] = [];
  for (const e of distributions) {
    const m = MEASURES.find((x) => x.name === e.measure)!;
    const da = a.distributions[e.measure],
      db = b.distributions[e.measure];
    if (da.n < MIN_VALUES || db.n < MIN_VALUES) {
      if (!tooFew.includes(m.what)) tooFew.push(m.what);
      const zhWhat = m.zh.what.startsWith('揉弦') ? '揉弦' : '滑音';
      if (!tooFewZh.includes(zhWhat)) tooFewZh.push(zhWhat);
      continue;
    }
    if (e.magnitude === 'negligible') continue;
    summary.push(
      `${b.label}'s ${m.what} ${m.what.endsWith('s') ? 'are' : 'is'} ${e.cliffsDelta > 0 ? m.more : m.less} than ${a.label}'s (median ${fmt(db.median)} vs ${fmt(da.median)} ${m.unit}; ${e.magnitude} effect, Cliff's δ = ${e.cliffsDelta.toFixed(2)}${e.p < 0.05 ? '' : ', could be chance'}).`,
    );
    summaryZh.push(
      `${b.label}的${m.zh.what}比${a.label}${e.cliffsDelta > 0 ? m.zh.more : m.zh.less}（中位数 ${fmt(db.median)} 对 ${fmt(da.median)} ${UNIT_ZH[m.unit]}；${MAGNITUDE_ZH[e.magnitude]}效应，Cliff's δ = ${e.cliffsDelta.toFixed(2)}${e.p < 0.05 ? '' : '，可能出于偶然'}）。`,
    );
  }
  for (const e of proportions) {
    const m = PROPORTIONS.find((x) => x.name === e.measure)!;
    const pa = a.proportions[e.measure],
      pb = b.proportions[e.measure];
    if (pa.of < MIN_VALUES || pb.of < MIN_VALUES) {
      tooFew.push(m.what);
      tooFewZh.push(m.zh);
      continue;
    }
    if (e.magnitude === 'negligible') continue;
    summary.push(
      `${b.label} has ${e.cohensH > 0 ? 'more' : 'fewer'} ${m.what}: ${pct(pb.share)} vs ${pct(pa.share)} (${pb.count}/${pb.of} vs ${pa.count}/${pa.of}; ${e.magnitude} effect, Cohen's h = ${e.cohensH.toFixed(2)}).`,
    );
    summaryZh.push(
      `${b.label}${e.cohensH > 0 ? '更多' : '更少'}${m.zh}：${pct(pb.share)} 对 ${pct(pa.share)}（${pb.count}/${pb.of} 对 ${pa.count}/${pa.of}；${MAGNITUDE_ZH[e.magnitude]}效应，Cohen's h = ${e.cohensH.toFixed(2)}）。`,
    );
  }
  if (!summary.length) {
    summary.push(
      `No difference of at least a small effect between ${a.label} and ${b.label}${tooFew.length ? ' where there is enough to compare' : ' in vibrato or portamento'}.`,
    );
    summaryZh.push(
      `${a.label}与${b.label}之间${tooFew.length ? '在可比较之处' : '在揉弦和滑音上'}没有达到小效应的差异。`,
    );
  }
  if (tooFew.length) {
    summary.push(`Too few to compare (under ${MIN_VALUES} in a group): ${tooFew.join('; ')}.`);
    summaryZh.push(`数据太少，无法比较（某组不足 ${MIN_VALUES} 个）：${tooFewZh.join('；')}。`);
  }
  return { a: a.label, b: b.label, distributions, proportions, summary, summaryZh };
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

/** Descriptive statistics (quartiles by linear interpolation, as numpy's default). */
export function describeDistribution(values: number[]): Distribution {
  const s = values.filter(Number.isFinite).sort((p, q) => p - q);
  const n = s.length;
  const q = (f: number) => {
    if (!n) return NaN;
    const pos = f * (n - 1),
      lo = Math.floor(pos);
    return s[lo]! + (s[Math.min(n - 1, lo + 1)]! - s[lo]!) * (pos - lo);
  };
  const mean = n ? s.reduce((p, v) => p + v, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(s.reduce((p, v) => p + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return {
    n,
    mean,
    sd,
    median: q(0.5),
    q1: q(0.25),
    q3: q(0.75),
    min: n ? s[0]! : NaN,
    max: n ? s[n - 1]! : NaN,
    values: s,
  };
}

/** Cliff's δ = P(y > x) − P(y < x), by sorting (O(n log n)). */
export function cliffsDelta(x: number[], y: number[]): number {
  if (!x.length || !y.length) return NaN;
  const xs = [...x].sort((p, q) => p - q);
  let greater = 0,
    less = 0;
  for (const v of y) {
    greater += lowerBound(xs, v); // x values below v
    less += xs.length - upperBound(xs, v); // x values above v
  }
  return (greater - less) / (x.length * y.length);
}

/** Hedges' g: (mean y − mean x) / pooled SD, with the small-sample correction. */
export function hedgesG(x: number[], y: number[]): number {
  const a = describeDistribution(x),
    b = describeDistribution(y);
  if (a.n < 2 || b.n < 2) return NaN;
  const pooled = Math.sqrt(((a.n - 1) * a.sd ** 2 + (b.n - 1) * b.sd ** 2) / (a.n + b.n - 2));
  if (pooled === 0) return b.mean === a.mean ? 0 : NaN;
  const correction = 1 - 3 / (4 * (a.n + b.n) - 9);
  return ((b.mean - a.mean) / pooled) * correction;
}

/** Two-sided p of the Mann–Whitney U test (normal approximation, tie-corrected variance). */
export function mannWhitneyP(x: number[], y: number[]): number {
  const n1 = x.length,
    n2 = y.length;
  if (!n1 || !n2) return NaN;
  const all = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort(
    (p, q) => p.v - q.v,
  );
  let rankSum = 0,
    ties = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    ties += t ** 3 - t;
    for (let k = i; k <= j; k++) if (all[k]!.g === 0) rankSum += rank;
    i = j + 1;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
}

/** Cohen's h between two proportions: 2·asin√p2 − 2·asin√p1. */
export function cohensH(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
}

function deltaMagnitude(d: number): Magnitude {
  const a = Math.abs(d);
  return !(a >= 0.147) ? 'negligible' : a < 0.33 ? 'small' : a < 0.474 ? 'medium' : 'large';
}

function hMagnitude(h: number): Magnitude {
  const a = Math.abs(h);
  return !(a >= 0.2) ? 'negligible' : a < 0.5 ? 'small' : a < 0.8 ? 'medium' : 'large';
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function lowerBound(s: number[], v: number): number {
  let lo = 0,
    hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(s: number[], v: number): number {
  let lo = 0,
    hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
