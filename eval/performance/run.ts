/**
 * The performance-analysis evaluation: seeded synthetic phrases (synth.ts) in three timbres,
 * clean and at 20 and 10 dB SNR, dry and with reverberation, tracked with pYIN and analysed
 * into notes and events, scored against the generated ground truth.
 *
 * Pitch: mir_eval definitions (metrics.ts), 50-cent tolerance. Events: an estimate matches a
 * truth of the same kind, once, when
 * - vibrato, trill: they overlap by at least half the truth's duration;
 * - portamento: its start and end are within max(50 ms, 20 % of the duration) of the truth's
 *   5 %–95 % times;
 * - slide into a note: its start is within 60 ms and its direction is the same;
 * - grace note: its onset is within 40 ms.
 * Vibrato rate and extent errors and portamento duration errors are medians over matches.
 */
import { pyin, yinGeometry } from '../../src/analysis/index.js';
import { analyzeContour, type ExpressiveEvent } from '../../src/analysis/performance.js';
import { markdownTable } from '../../bench/harness.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { scorePitch, type PitchScores } from './metrics.js';
import {
  contourPhrase,
  contourTrack,
  ERHU_CONTOUR,
  ERHU_PORTAMENTI,
  ERHU_VIBRATO,
  readContour,
} from './erhu.js';
import {
  addNoise,
  addReverb,
  makePhrase,
  render,
  type Phrase,
  type Timbre,
  type TruthEvent,
} from './synth.js';

const TIMBRES: Timbre[] = ['bowed', 'flute', 'voice'];
const CONDITIONS = [
  { name: 'clean', snr: undefined, reverb: false },
  { name: '20 dB', snr: 20, reverb: false },
  { name: '10 dB', snr: 10, reverb: false },
  { name: 'clean + reverb', snr: undefined, reverb: true },
  { name: '20 dB + reverb', snr: 20, reverb: true },
  { name: '10 dB + reverb', snr: 10, reverb: true },
] as const;
const KINDS = ['vibrato', 'portamento', 'trill', 'grace', 'slide-in'] as const;
type Kind = (typeof KINDS)[number];

interface EventTally {
  tp: number;
  fp: number;
  fn: number;
  rateErrors: number[];
  extentErrors: number[];
  durationErrors: number[];
}

const estimateKind = (e: ExpressiveEvent): Kind | undefined =>
  e.kind === 'grace-note'
    ? 'grace'
    : (KINDS as readonly string[]).includes(e.kind)
      ? (e.kind as Kind)
      : undefined;

function matches(t: TruthEvent, e: ExpressiveEvent): boolean {
  const duration = t.end - t.start;
  switch (t.kind) {
    case 'vibrato':
    case 'trill':
      return Math.min(e.end, t.end) - Math.max(e.start, t.start) >= 0.5 * duration;
    case 'portamento': {
      const tol = Math.max(0.05, 0.2 * duration);
      return Math.abs(e.start - t.start) <= tol && Math.abs(e.end - t.end) <= tol;
    }
    case 'slide-in':
      return (
        Math.abs(e.start - t.start) <= 0.06 &&
        Math.sign(Number(e.params.spanCents)) === Math.sign(t.params.toCents! - t.params.fromCents!)
      );
    case 'grace':
      return Math.abs(e.start - t.start) <= 0.04;
  }
}

/** Scores one rendered phrase's events into the tallies. */
function scoreEvents(
  phrase: Phrase,
  events: ExpressiveEvent[],
  tally: Record<Kind, EventTally>,
): void {
  const used = new Set<number>();
  for (const t of phrase.events) {
    const k = t.kind as Kind;
    const i = events.findIndex((e, j) => !used.has(j) && estimateKind(e) === k && matches(t, e));
    if (i < 0) {
      tally[k].fn++;
      continue;
    }
    used.add(i);
    tally[k].tp++;
    const e = events[i]!;
    if (k === 'vibrato') {
      tally[k].rateErrors.push(Math.abs(Number(e.params.rateHz) - t.params.rateHz!));
      tally[k].extentErrors.push(Math.abs(Number(e.params.extentCents) - t.params.extentCents!));
    }
    if (k === 'portamento')
      tally[k].durationErrors.push(
        Math.abs(Number(e.params.durationSeconds) - t.params.durationSeconds!),
      );
  }
  events.forEach((e, j) => {
    const k = estimateKind(e);
    if (k && !used.has(j)) tally[k].fp++;
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : NaN;
};
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export async function performanceReport(seeds = 6): Promise<string> {
  const sampleRate = 44_100;
  const g = yinGeometry({ sampleRate: 22_050 });
  const trackerWindowSeconds = g.windowSize / g.sampleRate;
  const pitchRows: (string | number)[][] = [];
  const eventRows: (string | number)[][] = [];
  for (const condition of CONDITIONS) {
    const tally = Object.fromEntries(
      KINDS.map((k): [Kind, EventTally] => [
        k,
        { tp: 0, fp: 0, fn: 0, rateErrors: [], extentErrors: [], durationErrors: [] },
      ]),
    ) as Record<Kind, EventTally>;
    for (const timbre of TIMBRES) {
      const scores: PitchScores[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const phrase = makePhrase(seed, { seconds: 10, sampleRate });
        let x = render(phrase, timbre, seed);
        if (condition.reverb) x = addReverb(x, sampleRate, seed);
        if (condition.snr !== undefined) x = addNoise(x, condition.snr, seed, phrase.amplitude);
        const track = pyin(x, { sampleRate });
        const { events } = analyzeContour(track, { trackerWindowSeconds });
        scores.push(scorePitch(track, phrase));
        scoreEvents(phrase, events, tally);
      }
      const mean = (f: (s: PitchScores) => number) =>
        scores.reduce((a, s) => a + f(s), 0) / scores.length;
      pitchRows.push([
        condition.name,
        timbre,
        pct(mean((s) => s.rpa)),
        pct(mean((s) => s.rca)),
        pct(mean((s) => s.voicingRecall)),
        pct(mean((s) => s.voicingFalseAlarm)),
        mean((s) => s.medianErrorCents).toFixed(1),
      ]);
    }
    for (const k of KINDS) {
      const t = tally[k];
      const p = t.tp / Math.max(1, t.tp + t.fp),
        r = t.tp / Math.max(1, t.tp + t.fn);
      const f1 = p + r > 0 ? (2 * p * r) / (p + r) : 0;
      const extra =
        k === 'vibrato'
          ? `rate ${median(t.rateErrors).toFixed(3)} Hz, extent ${median(t.extentErrors).toFixed(1)} cents`
          : k === 'portamento'
            ? `duration ${(1000 * median(t.durationErrors)).toFixed(0)} ms`
            : '';
      eventRows.push([
        condition.name,
        k,
        t.tp + t.fn,
        p.toFixed(2),
        r.toFixed(2),
        f1.toFixed(2),
        extra,
      ]);
    }
  }
  const pitch = markdownTable(
    [
      'condition',
      'timbre',
      'RPA',
      'RCA',
      'voicing recall',
      'voicing false alarm',
      'median error (cents)',
    ],
    pitchRows,
  );
  const events = markdownTable(
    ['condition', 'event', 'in truth', 'precision', 'recall', 'F1', 'median errors'],
    eventRows,
  );
  return `${seeds} phrases of 10 s per timbre and condition (seeds 1–${seeds}), 44.1 kHz.\n\n### Pitch tracking (pYIN)\n\n${pitch}\n\nReverberation keeps notes sounding after the ground truth says they stop: those frames count as voicing false alarms.\n\n### Notes and events\n\n${events}\n\n${erhuReport()}`;
}

/** The real erhu contour: the listed events found on it, and the tracker on its resynthesis. */
function erhuReport(): string {
  const path = resolve('../shared/data', ERHU_CONTOUR);
  if (!existsSync(path)) return `### A real contour (erhu)\n\nSkipped: ${path} is absent.`;
  const contour = readContour(path);
  const rows: (string | number)[][] = [];
  for (const [label, options] of [
    ['default (portamento ≥ 40 ms)', {}],
    ['portamento ≥ 15 ms', { minPortamentoSeconds: 0.015 }],
  ] as const) {
    const { events } = analyzeContour(contourTrack(contour), options);
    const vibrato = events.find(
      (e) =>
        e.kind === 'vibrato' &&
        Math.min(e.end, ERHU_VIBRATO.end) - Math.max(e.start, ERHU_VIBRATO.start) >= 0.6,
    );
    const found = ERHU_PORTAMENTI.filter((p) =>
      events.some(
        (e) =>
          e.kind === 'portamento' &&
          e.start <= p.at + 0.05 &&
          e.end >= p.at - 0.05 &&
          Math.sign(Number(e.params.spanCents)) === p.direction,
      ),
    );
    rows.push([
      label,
      vibrato
        ? `${Number(vibrato.params.rateHz).toFixed(2)} Hz, ${Number(vibrato.params.extentCents).toFixed(0)} cents`
        : 'not found',
      `${found.length} of ${ERHU_PORTAMENTI.length} (${found.map((p) => `${p.at} s`).join(', ')})`,
    ]);
  }
  const phrase = contourPhrase(contour);
  const x = render(phrase, 'bowed', 1);
  const s = scorePitch(pyin(x, { sampleRate: phrase.sampleRate }), phrase);
  return [
    '### A real contour (erhu)',
    `AVA's example contour (${ERHU_CONTOUR}, ${contour.times.length} frames, ${contour.times[contour.times.length - 1]!.toFixed(1)} s) against the events its ORIGIN.txt lists: vibrato of ~6.3 Hz, 128–170 cents, on the first note; portamenti at ~0.13, ~1.53, ~1.99 and ~2.66 s.`,
    markdownTable(['detector setting', 'first-note vibrato', 'listed portamenti found'], rows),
    'The drop at 0.13 s takes three frames (a fitted 20 ms): as fast as a pitch tracker smears an instantaneous change, so by default it is read as a change of note.',
    `Resynthesised (bowed timbre) and tracked with pYIN: RPA ${pct(s.rpa)}, RCA ${pct(s.rca)}, voicing recall ${pct(s.voicingRecall)}, voicing false alarm ${pct(s.voicingFalseAlarm)}, median error ${s.medianErrorCents.toFixed(1)} cents.`,
  ].join('\n\n');
}
