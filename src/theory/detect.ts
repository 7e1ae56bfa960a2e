/**
 * Key and mode of a melody, ranked, each with a confidence and a plain explanation.
 *
 * Every tonic (12) × mode (modes.ts) is a hypothesis; those with the same tonic and the same set
 * of tones are one candidate with several names (C major is also C 宫调式 in 清乐), and a larger
 * set on the same tonic whose extra tones the melody never uses is listed under the smaller one
 * (alsoFits) rather than ranked against it. A candidate scores the sum of:
 * - scale fit: the melody's tones, weighted by duration, as if drawn from the scale (each scale
 *   tone 0.97/|scale|, each other tone 0.03/(12 − |scale|)): the mean log-probability. A scale
 *   that covers the melody with fewer tones scores higher, so a pentatonic tune is not called
 *   major just because major contains it;
 * - missing tones: −0.3 for each tone outside the scale that holds at least 1 % of the time
 *   (duration weighting alone lets a mode's defining tone, a Dorian sixth or a passing 变宫,
 *   be left outside for less than the cost of one more scale tone);
 * - tonic evidence: 0.8 when the last note is the tonic; 0.4 × the share of phrase endings
 *   (a note before a rest, or held at least 1.5× the median length) on the tonic; 0.4 × the
 *   tonic's share of the duration; 0.1 when the first note is the tonic.
 * Confidence is a softmax of the scores (×6) over the candidates. The weights are ours, set on
 * textbook melodies; the missing-tone penalty was chosen on the first 27 fixture melodies
 * (eval/melodies), and later fixtures check it held out (eval/results/modes.md).
 */
import { MODES, scalePitches, type Mode, type ModeSystem, type Name } from './modes.js';
import { pitchName } from './pitch.js';

export interface MelodyNote {
  /** MIDI number; a rest has none. */
  midi?: number;
  /** Duration in any unit (beats, seconds): only ratios matter. */
  duration: number;
}

export interface ModeCandidate {
  tonicPc: number;
  /** The tonic spelled, e.g. "F♯". */
  tonic: string;
  /** The mode under each name it has (first: the preferred system's). */
  modes: Mode[];
  /** e.g. "D gong mode (pentatonic)" and "D宫调式（五声）". */
  name: Name;
  /** Chinese modes: the gong's pitch class (宫音), e.g. G for D 徵调式. */
  gongPc?: number;
  /** Larger scales on the same tonic that the melody fits as well (their extra tones unused). */
  alsoFits: Mode[];
  confidence: number;
  score: number;
  /** Share of the duration inside the scale, 0–1. */
  coverage: number;
  explanation: string;
}

export interface DetectOptions {
  /** Which names to consider (default both). */
  systems?: ModeSystem[];
  /** How many candidates to return (default 5). */
  limit?: number;
  /** Score lost per used tone outside a scale (default 0.3; exposed for the evaluation). */
  missingTonePenalty?: number;
}

const PC_NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

/**
 * Ranks keys and modes for a melody.
 * @example detectMode(notes)[0].name.en // 'D gong mode (pentatonic)'
 */
export function detectMode(notes: MelodyNote[], options: DetectOptions = {}): ModeCandidate[] {
  const systems = options.systems ?? ['chinese', 'western'];
  const sounding = notes.filter((n) => n.midi !== undefined && n.duration > 0);
  if (!sounding.length) return [];
  const profile = new Array<number>(12).fill(0);
  let total = 0;
  for (const n of sounding) {
    profile[pc(n.midi!)]! += n.duration;
    total += n.duration;
  }
  for (let k = 0; k < 12; k++) profile[k]! /= total;
  const last = pc(sounding[sounding.length - 1]!.midi!);
  const first = pc(sounding[0]!.midi!);
  const endings = phraseEndings(notes);

  const penalty = options.missingTonePenalty ?? 0.3;
  const groups = hypotheses(systems);
  const n = groups.length;
  const scores = new Float64Array(n),
    coverages = new Float64Array(n),
    onTonics = new Int32Array(n);
  const endingsOn = new Int32Array(12);
  for (const e of endings) endingsOn[e]!++;
  const used: number[] = [];
  for (let k = 0; k < 12; k++) if (profile[k]) used.push(k);
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    let fit = 0,
      coverage = 0;
    for (const k of used) {
      const p = profile[k]!;
      const inside = (g.mask >> k) & 1;
      fit += p * (inside ? g.logIn : g.logOut);
      if (inside) coverage += p;
    }
    // Each tone the melody really uses (≥ 1 % of its time) outside the scale costs 0.3: a rare
    // tone that defines the mode (a Dorian sixth, a passing 变宫) must not be left out cheaply.
    let missing = 0;
    for (const k of used) if (!((g.mask >> k) & 1) && profile[k]! >= 0.01) missing++;
    const onTonic = endingsOn[g.tonicPc]!;
    scores[i] =
      fit -
      penalty * missing +
      (last === g.tonicPc ? 0.8 : 0) +
      (endings.length ? (0.4 * onTonic) / endings.length : 0) +
      0.4 * profile[g.tonicPc]! +
      (first === g.tonicPc ? 0.1 : 0);
    coverages[i] = coverage;
    onTonics[i] = onTonic;
  }
  // A larger scale on the same tonic that the melody fits no better (its extra tones unused)
  // says nothing more: it is listed under the smaller one (alsoFits), not ranked against it.
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  const ranked0: number[] = [];
  for (let i = 0; i < n; i++)
    if (!groups[i]!.subsets.some((d) => same(coverages[d]!, coverages[i]!))) ranked0.push(i);
  const alsoFits = (i: number) =>
    groups[i]!.supersets.filter((d) => same(coverages[d]!, coverages[i]!)).flatMap(
      (d) => groups[d]!.modes,
    );
  let best = -Infinity;
  for (const i of ranked0) best = Math.max(best, scores[i]!);
  let sum = 0;
  for (const i of ranked0) sum += Math.exp(6 * (scores[i]! - best));
  const ranked = topK(ranked0, scores, options.limit ?? 5).map((i) => ({
    c: {
      ...groups[i]!,
      index: i,
      score: scores[i]!,
      coverage: coverages[i]!,
      onTonic: onTonics[i]!,
    },
    confidence: Math.exp(6 * (scores[i]! - best)) / sum,
  }));
  return ranked.map(({ c, confidence }) => {
    // Prefer the Chinese name for pentatonic and hexatonic sets, the Western one for the
    // heptatonic sets both systems name.
    const modes = [...c.modes].sort(
      (a, b) => preference(a, c.set.length) - preference(b, c.set.length),
    );
    const mode = modes[0]!;
    const tonic = pitchName(scalePitches(c.tonicPc, mode)[0]!, { octave: false });
    const chineseMode = modes.find((m) => m.system === 'chinese');
    const gongPc =
      chineseMode !== undefined
        ? (((c.tonicPc - chineseMode.gongToTonic!) % 12) + 12) % 12
        : undefined;
    const outside = [...Array(12).keys()]
      .filter((k) => profile[k]! > 0 && !c.set.includes(k))
      .map((k) => `${PC_NAMES[k]} ${(100 * profile[k]!).toFixed(0)} %`);
    const reasons = [
      `${(100 * c.coverage).toFixed(0)} % of the duration lies in the scale${outside.length ? ` (outside: ${outside.join(', ')})` : ''}`,
      last === c.tonicPc
        ? `it ends on ${tonic}, the tonic`
        : `it ends on ${PC_NAMES[last]}, not the tonic`,
    ];
    if (endings.length)
      reasons.push(`${c.onTonic} of ${endings.length} phrase endings fall on ${tonic}`);
    reasons.push(`${tonic} holds ${(100 * profile[c.tonicPc]!).toFixed(0)} % of the duration`);
    const gongName = gongPc !== undefined ? PC_NAMES[gongPc] : '';
    const candidate: ModeCandidate = {
      tonicPc: c.tonicPc,
      tonic,
      modes,
      name: {
        en: `${tonic} ${mode.name.en}`,
        zh:
          mode.system === 'chinese' && mode.gongToTonic
            ? `${tonic}${mode.name.zh}，${gongName}宫系统`
            : `${tonic}${mode.name.zh}`,
        pinyin: `${tonic} ${mode.name.pinyin}`,
      },
      alsoFits: alsoFits(c.index),
      confidence,
      score: c.score,
      coverage: c.coverage,
      explanation: `${reasons.join('; ')}.`,
    };
    if (gongPc !== undefined) candidate.gongPc = gongPc;
    return candidate;
  });
}

/** The k indices with the highest scores, best first (a partial selection: k is small). */
function topK(indices: number[], scores: Float64Array, k: number): number[] {
  if (k >= indices.length) return [...indices].sort((a, b) => scores[b]! - scores[a]!);
  const best: number[] = [];
  for (const i of indices) {
    if (best.length === k && scores[i]! <= scores[best[k - 1]!]!) continue;
    let at = best.length;
    while (at > 0 && scores[best[at - 1]!]! < scores[i]!) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

interface Hypothesis {
  tonicPc: number;
  set: number[];
  /** The set as a bit mask over pitch classes. */
  mask: number;
  modes: Mode[];
  logIn: number;
  logOut: number;
  /** Indices of smaller sets on the same tonic inside this one, and larger ones around it. */
  subsets: number[];
  supersets: number[];
}

const hypothesisCache = new Map<string, Hypothesis[]>();

/** Every (tonic, tone set) with the modes that share it; melody-independent, so built once. */
function hypotheses(systems: ModeSystem[]): Hypothesis[] {
  const cacheKey = [...systems].sort().join(',');
  const cached = hypothesisCache.get(cacheKey);
  if (cached) return cached;
  const byKey = new Map<string, Hypothesis>();
  for (const mode of MODES) {
    if (!systems.includes(mode.system)) continue;
    for (let tonicPc = 0; tonicPc < 12; tonicPc++) {
      const set = mode.intervals.map((iv) => (tonicPc + iv) % 12).sort((a, b) => a - b);
      const key = `${tonicPc}:${set.join(',')}`;
      const g = byKey.get(key);
      if (g) g.modes.push(mode);
      else
        byKey.set(key, {
          tonicPc,
          set,
          mask: set.reduce((m, k) => m | (1 << k), 0),
          modes: [mode],
          logIn: Math.log(0.97 / set.length),
          logOut: Math.log(0.03 / (12 - set.length)),
          subsets: [],
          supersets: [],
        });
    }
  }
  const list = [...byKey.values()];
  list.forEach((c, i) =>
    list.forEach((d, j) => {
      if (i === j || d.tonicPc !== c.tonicPc) return;
      if (d.set.length < c.set.length && (d.mask & c.mask) === d.mask) c.subsets.push(j);
      if (d.set.length > c.set.length && (d.mask & c.mask) === c.mask) c.supersets.push(j);
    }),
  );
  hypothesisCache.set(cacheKey, list);
  return list;
}

function preference(m: Mode, size: number): number {
  return size >= 7 ? (m.system === 'western' ? 0 : 1) : m.system === 'chinese' ? 0 : 1;
}

const pc = (midi: number) => ((Math.round(midi) % 12) + 12) % 12;

/**
 * Pitch classes of the notes that end phrases: before a rest of at least half the median note
 * length (shorter gaps are articulation), or held ≥ 3× the median.
 */
function phraseEndings(notes: MelodyNote[]): number[] {
  const durations = notes
    .filter((n) => n.midi !== undefined)
    .map((n) => n.duration)
    .sort((a, b) => a - b);
  const median = durations[durations.length >> 1] ?? 0;
  const out: number[] = [];
  let lastPitched = -1;
  notes.forEach((n, i) => {
    if (n.midi !== undefined) lastPitched = i;
  });
  notes.forEach((n, i) => {
    if (n.midi === undefined) return;
    const next = notes[i + 1];
    if (i === lastPitched) return; // the final note is counted on its own
    const rest = next && next.midi === undefined && next.duration >= median / 2;
    if (rest || n.duration >= 3 * median) out.push(pc(n.midi));
  });
  return out;
}
