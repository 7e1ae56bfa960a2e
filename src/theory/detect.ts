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
 * - tonic evidence: 0.8 when the last note is the tonic; 0.4 × the share of phrase endings
 *   (a note before a rest, or held at least 1.5× the median length) on the tonic; 0.4 × the
 *   tonic's share of the duration; 0.1 when the first note is the tonic.
 * Confidence is a softmax of the scores (×6) over the candidates. The weights are ours, set on
 * textbook melodies; the fixture evaluation (issue 4) measures them.
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

  // Candidates: (tonic, tone set) with the modes that share them.
  const groups = new Map<string, { tonicPc: number; set: number[]; modes: Mode[] }>();
  for (const mode of MODES) {
    if (!systems.includes(mode.system)) continue;
    for (let tonicPc = 0; tonicPc < 12; tonicPc++) {
      const set = mode.intervals.map((iv) => (tonicPc + iv) % 12).sort((a, b) => a - b);
      const key = `${tonicPc}:${set.join(',')}`;
      const g = groups.get(key);
      if (g) g.modes.push(mode);
      else groups.set(key, { tonicPc, set, modes: [mode] });
    }
  }
  const scored = [...groups.values()].map((g) => {
    const inside = new Set(g.set);
    const qIn = 0.97 / g.set.length,
      qOut = 0.03 / (12 - g.set.length);
    let fit = 0,
      coverage = 0;
    for (let k = 0; k < 12; k++) {
      if (!profile[k]) continue;
      fit += profile[k]! * Math.log(inside.has(k) ? qIn : qOut);
      if (inside.has(k)) coverage += profile[k]!;
    }
    const onTonic = endings.filter((e) => e === g.tonicPc).length;
    const score =
      fit +
      (last === g.tonicPc ? 0.8 : 0) +
      (endings.length ? (0.4 * onTonic) / endings.length : 0) +
      0.4 * profile[g.tonicPc]! +
      (first === g.tonicPc ? 0.1 : 0);
    return { ...g, score, coverage, onTonic };
  });
  // A larger scale on the same tonic that the melody fits no better (its extra tones unused)
  // says nothing more: it is listed under the smaller one (alsoFits), not ranked against it.
  const ranked0 = scored.filter(
    (c) =>
      !scored.some(
        (d) =>
          d !== c &&
          d.tonicPc === c.tonicPc &&
          d.set.length < c.set.length &&
          d.set.every((k) => c.set.includes(k)) &&
          Math.abs(d.coverage - c.coverage) < 1e-9,
      ),
  );
  const alsoFits = (c: (typeof scored)[number]) =>
    scored
      .filter(
        (d) =>
          d.tonicPc === c.tonicPc &&
          d.set.length > c.set.length &&
          c.set.every((k) => d.set.includes(k)) &&
          Math.abs(d.coverage - c.coverage) < 1e-9,
      )
      .flatMap((d) => d.modes);
  const best = Math.max(...ranked0.map((c) => c.score));
  const weights = ranked0.map((c) => Math.exp(6 * (c.score - best)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const ranked = ranked0
    .map((c, i) => ({ c, confidence: weights[i]! / sum }))
    .sort((a, b) => b.c.score - a.c.score)
    .slice(0, options.limit ?? 5);
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
      alsoFits: alsoFits(c),
      confidence,
      score: c.score,
      coverage: c.coverage,
      explanation: `${reasons.join('; ')}.`,
    };
    if (gongPc !== undefined) candidate.gongPc = gongPc;
    return candidate;
  });
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
  notes.forEach((n, i) => {
    if (n.midi === undefined) return;
    const next = notes[i + 1];
    const isLast = !notes.slice(i + 1).some((m) => m.midi !== undefined);
    if (isLast) return; // the final note is counted on its own
    const rest = next && next.midi === undefined && next.duration >= median / 2;
    if (rest || n.duration >= 3 * median) out.push(pc(n.midi));
  });
  return out;
}
