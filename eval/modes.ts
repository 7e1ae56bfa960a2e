/**
 * Mode detection against the fixture melodies in eval/melodies/: public-domain Chinese and
 * Western tunes written as ABC, each with its key and mode documented in index.json from the
 * tune and published analyses (never from the detector). Every tune is read with readAbc and
 * ranked by detectMode. A tune agrees when the top candidate has the documented tonic and the
 * documented mode among its names, or among the larger scales it "also fits" on that tonic (a
 * pentatonic tune documented as major). We report agreement overall, per tradition and in the
 * top 3, the misses with their causes, and how well the confidence is calibrated (Brier score,
 * reliability table). Tunes marked heldOut in index.json were added after the detector's weights were
 * set; the report gives agreement on them apart from the set the weights were tuned on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from '../bench/harness.js';
import { readAbc } from '../src/notation/index.js';
import {
  detectMode,
  modeById,
  parsePitch,
  pitchClass,
  pitchName,
  scalePitches,
  type MelodyNote,
  type ModeCandidate,
} from '../src/theory/index.js';

export interface MelodyFixture {
  /** The ABC file, relative to eval/melodies/. */
  file: string;
  title: string;
  titleZh?: string;
  origin: string;
  tradition: 'chinese' | 'western';
  /** The key as a musician writes it: "1=F", "D Dorian". */
  key?: string;
  /** The documented tonic, e.g. "C", "F♯". */
  tonic: string;
  /** A mode id of src/theory/modes.ts. */
  mode: string;
  /** Why the key and mode are what they are. */
  documentation: string;
  source: string;
  ambiguity?: string;
  /** Tones the tune uses outside the documented scale (chromatic neighbours, cadential leading tones). */
  outsideScale?: string[];
  /** False when the tune does not end on its tonic; endsOnTonicReason says why. */
  endsOnTonic?: boolean;
  endsOnTonicReason?: string;
  /** How the notes were checked. */
  transcription?: string;
  /**
   * True for a tune added after the detector's weights were set: it played no part in tuning them,
   * so agreement on these tunes is a held-out check.
   */
  heldOut?: boolean;
}

export interface LoadedFixture {
  fixture: MelodyFixture;
  notes: MelodyNote[];
  tonicPc: number;
}

export type Agreement = 'modes' | 'alsoFits' | false;

export interface ModeResult extends LoadedFixture {
  /** Every candidate, best first. */
  candidates: ModeCandidate[];
  top: ModeCandidate;
  agreement: Agreement;
  top3: boolean;
  /** 1-based rank of the first candidate that agrees with the documentation. */
  documentedRank?: number;
}

const PC_NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

/** eval/melodies/ of this checkout: found upwards from this module (eval/ or dist/eval/). */
export function melodiesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'eval', 'melodies');
    if (existsSync(join(candidate, 'index.json'))) return candidate;
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('eval/melodies/index.json not found above this module.');
    dir = up;
  }
}

export function readIndex(): MelodyFixture[] {
  return JSON.parse(readFileSync(join(melodiesDir(), 'index.json'), 'utf8')) as MelodyFixture[];
}

/** Pitch class of a tonic spelled "C", "F♯", "Bb". */
export function tonicPitchClass(tonic: string): number {
  return pitchClass(parsePitch(tonic, 4));
}

export function loadFixtures(): LoadedFixture[] {
  const dir = melodiesDir();
  return readIndex().map((fixture) => ({
    fixture,
    notes: readAbc(readFileSync(join(dir, fixture.file), 'utf8'), fixture.file).notes,
    tonicPc: tonicPitchClass(fixture.tonic),
  }));
}

/** Whether a candidate is the documented reading: by one of its names, or by a larger scale it also fits. */
export function agreement(c: ModeCandidate, tonicPc: number, modeId: string): Agreement {
  if (c.tonicPc !== tonicPc) return false;
  if (c.modes.some((m) => m.id === modeId)) return 'modes';
  if (c.alsoFits.some((m) => m.id === modeId)) return 'alsoFits';
  return false;
}

export function evaluateModes(
  fixtures: LoadedFixture[] = loadFixtures(),
  missingTonePenalty?: number,
): ModeResult[] {
  return fixtures.map((f) => {
    // Every candidate, so that the documented reading's rank is known even when it is far down.
    const candidates = detectMode(f.notes, {
      limit: 1000,
      ...(missingTonePenalty !== undefined ? { missingTonePenalty } : {}),
    });
    const agrees = candidates.map((c) => agreement(c, f.tonicPc, f.fixture.mode));
    const rank = agrees.findIndex(Boolean);
    const result: ModeResult = {
      ...f,
      candidates,
      top: candidates[0]!,
      agreement: agrees[0]!,
      top3: rank >= 0 && rank < 3,
    };
    if (rank >= 0) result.documentedRank = rank + 1;
    return result;
  });
}

/** Share of the sounding duration on each pitch class. */
function profile(notes: MelodyNote[]): number[] {
  const p = new Array<number>(12).fill(0);
  let total = 0;
  for (const n of notes) {
    if (n.midi === undefined) continue;
    p[((Math.round(n.midi) % 12) + 12) % 12]! += n.duration;
    total += n.duration;
  }
  return p.map((d) => d / total);
}

/** A scale's pitch classes, each with its name as the scale spells it (G♯ in A harmonic minor). */
const scaleOf = (tonicPc: number, modeId: string) =>
  new Map(
    scalePitches(tonicPc, modeById(modeId)!).map((p) => [
      pitchClass(p),
      pitchName(p, { octave: false }),
    ]),
  );

/** A share as a whole percentage; a share too small to round to 1 % but not zero reads "<1 %". */
const pct = (x: number) => (x > 0 && x < 0.005 ? '<1 %' : `${(100 * x).toFixed(0)} %`);

/**
 * Why a miss happened, from the notes: a wrong tonic, or the right tonic with another scale (which
 * documented tones the detected scale leaves out, and with how much of the duration).
 */
export function diagnose(r: ModeResult): string {
  const p = profile(r.notes);
  const last = r.notes.filter((n) => n.midi !== undefined).at(-1)!.midi! % 12;
  const parts: string[] = [];
  if (r.top.tonicPc !== r.tonicPc) {
    parts.push(
      `The detector chose the tonic ${r.top.tonic}, not ${r.fixture.tonic}; the tune ends on ${PC_NAMES[last]} and ${r.fixture.tonic} holds ${pct(p[r.tonicPc]!)} of the duration against ${pct(p[r.top.tonicPc]!)} for ${r.top.tonic}`,
    );
  } else {
    const documented = scaleOf(r.tonicPc, r.fixture.mode);
    const detected = scaleOf(r.top.tonicPc, r.top.modes[0]!.id);
    const left = [...documented]
      .filter(([k]) => !detected.has(k) && p[k]! > 0)
      .map(([k, name]) => `${name} (${pct(p[k]!)})`);
    const unused = [...detected]
      .filter(([k]) => !documented.has(k) && !p[k])
      .map(([, name]) => name);
    parts.push(
      `Right tonic, other scale: ${left.length ? `the detected scale leaves out ${left.join(', ')} of the documented one` : 'the detected scale differs only in tones the tune never uses'}${unused.length ? `, and includes ${unused.join(', ')}, which the tune never plays` : ''}`,
    );
  }
  parts.push(
    r.documentedRank
      ? `the documented reading ranks ${r.documentedRank} (confidence ${r.candidates[r.documentedRank - 1]!.confidence.toFixed(2)})`
      : 'no candidate matches the documented reading',
  );
  return parts.join('; ');
}

/** What a listener hears in the tunes the detector currently misses (shown only for misses). */
const MISS_NOTES: Record<string, string> = {
  'caiyun-zhuiyue.abc':
    'F and B each occur once as passing tones; weighted by duration they are noise, and the detector calls the melody pentatonic, as a listener would. Our documentation rule (the smallest form holding every note) counts them.',
  'dongfanghong.abc':
    'the two passing 7s (变宫, B) are short; the detector keeps the pentatonic 徵调式 and leaves them outside the scale.',
  'yimengshan-xiaodiao.abc':
    'the two passing 7s (变宫, B) are short; the detector keeps the pentatonic 徵调式 and leaves them outside the scale.',
  'drunken-sailor.abc':
    'B and F, the notes that make the tune D Dorian (and minor), are short and rare; the detector takes the pentatonic D E G A C and leaves them outside.',
  'scarborough-fair.abc':
    'the raised sixth C♯, the one Dorian note, occurs once; the detector prefers the six-tone E F♯ G A B D without it.',
  'greensleeves.abc':
    'the raised sixth F♯ is a single short note per phrase; the detector prefers a six-tone set without any sixth and leaves F♯ (and the cadential G♯) outside.',
  'korobeiniki.abc':
    'the flat sixth F occurs in two short notes; the detector prefers the six-tone A B C D E G without a sixth.',
  'fur-elise.abc':
    'the leading tone G♯ is one short note; the detector prefers A B C D E G, a scale with a G the passage never plays.',
  'silent-night.abc':
    'F occurs only in two short notes; the detector prefers the six-tone C D E G A B without it.',
  'clementine.abc':
    'the leading tone E occurs once; the detector prefers F G A B♭ C D, a scale with a D the tune never plays.',
  'mengjiangnu.abc':
    'the one 7 (变宫, F♯) is a short passing tone in the last phrase; the detector keeps the pentatonic 徵调式, the reading the tune is usually given.',
  'zizhudiao.abc':
    'the one 7 (变宫, B) is a short passing tone before a low cadence; the detector keeps the pentatonic 徵调式.',
  'caicha.abc':
    'the one 7 (变宫, B) is a single short passing tone in five verses; the detector keeps the pentatonic 羽调式.',
};

/** Penalties the leave-one-out check chooses among. */
export const PENALTY_GRID = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1];

/**
 * Leave-one-out estimate for the missing-tone penalty, which was chosen on these same tunes: for
 * each tune, the penalty that agrees best on the other tunes (ties to the smaller) is chosen,
 * and the left-out tune is scored with it.
 */
export function leaveOneOut(fixtures: LoadedFixture[] = loadFixtures()): {
  agreed: number;
  total: number;
  chosen: number[];
} {
  const hits = PENALTY_GRID.map((p) => evaluateModes(fixtures, p).map((r) => !!r.agreement));
  let agreed = 0;
  const chosen: number[] = [];
  fixtures.forEach((_, i) => {
    let best = 0,
      bestScore = -1;
    PENALTY_GRID.forEach((_, g) => {
      const score = hits[g]!.filter((h, j) => h && j !== i).length;
      if (score > bestScore) [best, bestScore] = [g, score];
    });
    chosen.push(PENALTY_GRID[best]!);
    if (hits[best]![i]) agreed++;
  });
  return { agreed, total: fixtures.length, chosen };
}

/** Whether a fixture is in the held-out set (added after the detector's weights were set). */
export const isHeldOut = (r: LoadedFixture) => r.fixture.heldOut === true;

/** The leave-one-out paragraph, with agreement at each penalty of the grid. */
function looNote(): string {
  const fixtures = loadFixtures();
  const loo = leaveOneOut(fixtures);
  const perPenalty = PENALTY_GRID.map(
    (p) => `${p}: ${evaluateModes(fixtures, p).filter((r) => !!r.agreement).length}`,
  ).join(', ');
  const picks = [...new Set(loo.chosen)].sort((a, b) => a - b).join(', ');
  return `### Leave-one-out check of the missing-tone penalty\n\nThe detector's penalty for each used tone outside a scale (0.3) was chosen on these tunes. Agreements at each penalty of the grid: ${perPenalty} (of ${fixtures.length}). Choosing the penalty on all tunes but one and scoring that one, for each tune in turn, agrees on ${loo.agreed}/${loo.total} (${((100 * loo.agreed) / loo.total).toFixed(1)} %); the penalties chosen were ${picks}. This estimates the agreement to expect on tunes the penalty was not chosen on, from a set this small.`;
}

export function modeReport(results: ModeResult[] = evaluateModes()): string {
  const n = results.length;
  const agreed = results.filter((r) => r.agreement);
  const viaAlso = results.filter((r) => r.agreement === 'alsoFits');
  // Agreement rates to one decimal, so that a rate just under the 90 % target does not read as 90 %.
  const pct1 = (x: number) => `${(100 * x).toFixed(1)} %`;
  const rate = (rs: ModeResult[], ok: (r: ModeResult) => boolean) =>
    rs.length
      ? `${rs.filter(ok).length}/${rs.length} (${pct1(rs.filter(ok).length / rs.length)})`
      : '–';
  const traditions = ['chinese', 'western'] as const;
  const tuned = results.filter((r) => !isHeldOut(r));
  const heldOut = results.filter(isHeldOut);

  // Overall, the tuned and held-out sets, and each tradition (split into its tuned and held-out
  // tunes where it has both).
  const row = (label: string, rs: ModeResult[]) => [
    label,
    rs.length,
    rate(rs, (r) => !!r.agreement),
    rate(rs, (r) => r.top3),
  ];
  const summary = markdownTable(
    ['set', 'melodies', 'agreement (top)', 'agreement (top 3)'],
    [
      row('all', results),
      ...(heldOut.length
        ? [row('tuned set (weights set on these)', tuned), row('held out (added after)', heldOut)]
        : []),
      ...traditions.flatMap((t) => {
        const rs = results.filter((r) => r.fixture.tradition === t);
        const split = rs.some(isHeldOut) && !rs.every(isHeldOut);
        return [
          row(t, rs),
          ...(split
            ? [
                row(
                  `${t}, tuned set`,
                  rs.filter((r) => !isHeldOut(r)),
                ),
                row(`${t}, held out`, rs.filter(isHeldOut)),
              ]
            : []),
        ];
      }),
    ],
  );
  const heldOutNote = heldOut.length
    ? `Held out means added after the detector's weights were last set: the ${heldOut.length} tunes marked heldOut in index.json played no part in choosing them, so their agreement, ${rate(heldOut, (r) => !!r.agreement)}, estimates how the detector does on tunes it was not tuned on; the other ${tuned.length} are the set it was tuned on, ${rate(tuned, (r) => !!r.agreement)}.`
    : `No tune is held out: all ${n} were used when the detector's weights were set (the leave-one-out check below estimates what that costs).`;

  const documentedName = (r: ModeResult) =>
    `${r.fixture.tonic} ${modeById(r.fixture.mode)!.name.en}`;
  const rows = results.map((r) => [
    r.fixture.titleZh ? `${r.fixture.titleZh} ${r.fixture.title}` : r.fixture.title,
    r.fixture.tradition,
    isHeldOut(r) ? 'held out' : 'tuned',
    documentedName(r),
    r.top.name.en,
    r.top.confidence.toFixed(2),
    r.agreement === 'modes' ? '✓' : r.agreement === 'alsoFits' ? '✓ (also fits)' : '✗',
  ]);
  const table = markdownTable(
    ['melody', 'tradition', 'set', 'documented', 'detected (top)', 'confidence', 'agrees'],
    rows,
  );

  const misses = results.filter((r) => !r.agreement);
  const missList = misses.length
    ? misses
        .map(
          (r) =>
            `- **${r.fixture.titleZh ?? r.fixture.title}** (${r.fixture.file}${isHeldOut(r) ? ', held out' : ''}): documented ${documentedName(r)}, detected ${r.top.name.en} (${r.top.confidence.toFixed(2)}). ${diagnose(r)}.${MISS_NOTES[r.fixture.file] ? ` In the tune: ${MISS_NOTES[r.fixture.file]}` : ''}`,
        )
        .join('\n')
    : 'None.';

  // What the misses share: the tonic, and how little of the duration the left-out tones hold.
  const rightTonic = misses.filter((r) => r.top.tonicPc === r.tonicPc);
  const leftOutShare = (r: ModeResult) => {
    const p = profile(r.notes);
    const detected = scaleOf(r.top.tonicPc, r.top.modes[0]!.id);
    return Math.max(
      0,
      ...[...scaleOf(r.tonicPc, r.fixture.mode).keys()]
        .filter((k) => !detected.has(k))
        .map((k) => p[k]!),
    );
  };
  const common = misses.length
    ? `${rightTonic.length} of the ${misses.length} misses have the documented tonic${rightTonic.length ? `; in those the tones of the documented scale that the detected one leaves out hold at most ${pct(Math.max(...rightTonic.map(leftOutShare)))} of the duration each` : ''}. The scale-fit term weighs tones by duration, so a rare tone that defines the mode (a Dorian sixth, a leading tone, a passing 变宫) costs less outside the scale than one more tone in it.`
    : '';

  // Calibration: the top candidate's confidence against whether it agreed.
  const outcomes = results.map((r) => ({ p: r.top.confidence, y: r.agreement ? 1 : 0 }));
  const brier = outcomes.reduce((a, o) => a + (o.p - o.y) ** 2, 0) / n;
  const meanConfidence = outcomes.reduce((a, o) => a + o.p, 0) / n;
  const accuracy = agreed.length / n;
  const bins = [0, 0.25, 0.5, 0.75, 1.0001];
  const reliability = markdownTable(
    ['confidence', 'melodies', 'mean confidence', 'observed agreement'],
    bins.slice(0, -1).map((lo, i) => {
      const hi = bins[i + 1]!;
      const inBin = outcomes.filter((o) => o.p >= lo && o.p < hi);
      return [
        `${lo.toFixed(2)}–${Math.min(hi, 1).toFixed(2)}`,
        inBin.length,
        inBin.length ? (inBin.reduce((a, o) => a + o.p, 0) / inBin.length).toFixed(2) : '–',
        inBin.length ? pct(inBin.reduce((a, o) => a + o.y, 0) / inBin.length) : '–',
      ];
    }),
  );
  const direction =
    meanConfidence < accuracy - 0.05
      ? `under-confident: the top candidate's confidence averages ${meanConfidence.toFixed(2)} while ${pct1(accuracy)} of the tops agree with the documentation`
      : meanConfidence > accuracy + 0.05
        ? `over-confident: the top candidate's confidence averages ${meanConfidence.toFixed(2)} while only ${pct1(accuracy)} of the tops agree with the documentation`
        : `about right on average: mean confidence ${meanConfidence.toFixed(2)} against ${pct1(accuracy)} agreement`;

  return [
    `${n} melodies in eval/melodies/ (${traditions.map((t) => `${results.filter((r) => r.fixture.tradition === t).length} ${t}`).join(', ')}), written in ABC by the team, each with its key and mode documented in eval/melodies/index.json from the tune and published analyses; ${results.filter((r) => /^(checked|pitches from|copied from)/.test(r.fixture.transcription ?? '')).length} were taken from or checked against a written source (${results.filter((r) => /^copied from/.test(r.fixture.transcription ?? '')).length} of them copied from a single source without a second check), the rest written from common songbook versions (field transcription). A tune agrees when the detector's top candidate has the documented tonic and the documented mode among its names, or among the larger scales the tune also fits on that tonic (a pentatonic tune documented as major); that second rule was needed for ${viaAlso.length} of the ${agreed.length} agreements. The issue's target is 90 %.`,
    summary,
    heldOutNote,
    table,
    looNote(),
    `### Misses\n\n${missList}${common ? `\n\n${common}` : ''}`,
    `### Confidence calibration\n\nBrier score of the top candidate's confidence against agreement: ${brier.toFixed(3)} (0 is perfect; always answering 0.5 scores 0.25).\n\n${reliability}\n\nThe confidence is ${direction}.`,
  ].join('\n\n');
}
