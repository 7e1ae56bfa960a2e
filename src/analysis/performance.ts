/**
 * From a pitch track to notes and expressive events: the definitions, in order of use.
 *
 * 1. Voiced runs: voiced frames, gaps of ≤ 3 frames (~17 ms) bridged.
 * 2. Oscillations in each run (oscillation.ts; 3.5–14 Hz, ≥ 15 cents peak to peak, ≥ 2 cycles).
 *    A trill (颤音) is an oscillation of ≥ 80 cents that is square rather than sinusoidal
 *    (plateau fraction ≥ 0.745: a sine spends 0.67 of its time in the outer halves of its
 *    swing, a square wave 1; measured trills 0.75–0.94, vibratos 0.49–0.73); any other is
 *    vibrato (揉弦).
 * 3. A flattened contour: inside vibrato, the centre line (moving average over one period);
 *    inside a trill, its lower note (the written note; the upper one is the auxiliary, in
 *    Chinese 颤音 as in Western trills).
 * 4. Notes: the flattened contour is cut wherever it leaves the running centre of the current
 *    segment (median of its last 20 frames) by more than 50 cents for 5 frames (~29 ms). A
 *    segment's note is its longest stretch within ±35 cents of its centre (the median of its
 *    flat frames; blips of under 5 frames bridged), if at least 5 frames long; the rest is
 *    transition. A note reports its median pitch (cents), MIDI number, onset/offset and
 *    stability (standard deviation of the flattened pitch, cents).
 * 5. Between two notes of a run, the transition is fitted with a logistic curve (logistic.ts)
 *    from 100 ms before to 100 ms after it (trills held at their written note): a portamento
 *    (滑音) when the span is ≥ 80 cents and the fitted 5–95 % duration ≥ 40 ms with R² ≥ 0.8;
 *    otherwise a plain change of note. Short notes (< 150 ms) that lie on the path of one such
 *    glide to a later note (the curve moves ≥ 25 cents across each, the pitch over a third as
 *    far; a steady note hardly moves) are the glide passing through, not notes. A transition
 *    that leaves a note by ≥ 60 cents and comes back to the same note (±50 cents), or a short
 *    note (< 100 ms) reached and left by glides between two notes at one pitch, is a return
 *    slide (回滑音), and the parts are one note.
 * 6. At the first note of a run, ≥ 29 ms of pitch moving ≥ 60 cents into the note is a slide in:
 *    上滑音 from below, 下滑音 from above; at the last note, the same leaving it is a slide out.
 * 7. A grace note (倚音): a note of 25–120 ms, followed within 40 ms by a note at least twice as
 *    long and ≥ 80 cents away, unless a trill begins there (then it is the trill's first swing).
 * 8. Amplitude tremolo (震音): an oscillation of the frame level (3–12 Hz, ≥ 3 dB peak to peak)
 *    inside a note that has no vibrato (vibrato modulates level through the instrument's
 *    resonances, which is not tremolo).
 *
 * Vibrato extent is measured by a sinusoid fit (or the median peak-to-trough height where the
 * shape is not sinusoidal) and corrected for the pitch tracker's window, which averages the
 * pitch over `trackerWindowSeconds` and so shrinks an oscillation at rate f by
 * sinc(π·f·window).
 */
import { findOscillations } from './oscillation.js';
import { fitLogistic, logistic, type LogisticFit } from './logistic.js';
import { median, runningMedian, voicedRuns, type VoicedRun } from './contour.js';
import type { PitchTrack } from './pyin.js';

/** A name in English, Simplified Chinese and pinyin. */
export interface Term {
  en: string;
  zh: string;
  pinyin: string;
}

export type EventKind =
  | 'vibrato'
  | 'portamento'
  | 'slide-in'
  | 'slide-out'
  | 'return-slide'
  | 'trill'
  | 'grace-note'
  | 'tremolo';

/** The names of the events; slides take their Chinese name from their direction. */
export const EVENT_TERMS: Record<EventKind, Term> = {
  vibrato: { en: 'vibrato', zh: '揉弦', pinyin: 'róuxián' },
  portamento: { en: 'portamento', zh: '滑音', pinyin: 'huáyīn' },
  'slide-in': { en: 'slide into the note', zh: '上滑音', pinyin: 'shàng huáyīn' },
  'slide-out': { en: 'slide out of the note', zh: '下滑音', pinyin: 'xià huáyīn' },
  'return-slide': { en: 'return slide', zh: '回滑音', pinyin: 'huí huáyīn' },
  trill: { en: 'trill', zh: '颤音', pinyin: 'chànyīn' },
  'grace-note': { en: 'grace note', zh: '倚音', pinyin: 'yǐyīn' },
  tremolo: { en: 'amplitude tremolo', zh: '震音', pinyin: 'zhènyīn' },
};
/**
 * Shortest portamento (5–95 % of the logistic) by default: faster changes are changes of note.
 * A pitch tracker smears an instantaneous change over its window plus a hop or two (pYIN here:
 * fitted durations of 15–25 ms at hop 5.8 ms), so shorter glides cannot be told from note
 * changes.
 */
const MIN_GLIDE_SECONDS = 0.04;
const UP: Term = { en: 'upward slide', zh: '上滑音', pinyin: 'shàng huáyīn' };
const DOWN: Term = { en: 'downward slide', zh: '下滑音', pinyin: 'xià huáyīn' };

export interface Note {
  /** Onset and offset of the steady part, seconds. */
  start: number;
  end: number;
  /** Median pitch, absolute cents (MIDI × 100) and Hz, and the nearest MIDI note. */
  cents: number;
  hz: number;
  midi: number;
  /** Standard deviation of the flattened pitch over the note, cents (vibrato removed). */
  stabilityCents: number;
  /** True when the note is a grace note before the next one. */
  grace: boolean;
}

export interface ExpressiveEvent {
  kind: EventKind;
  label: Term;
  start: number;
  end: number;
  /** The note it belongs to (index into notes), where there is one. */
  note?: number;
  params: Record<string, number | string>;
}

export interface ContourAnalysis {
  notes: Note[];
  events: ExpressiveEvent[];
}

/** Options of {@link analyzeContour}. */
export interface ContourOptions {
  /** Duration of the pitch tracker's analysis window, for the vibrato extent correction. */
  trackerWindowSeconds?: number;
  /** Frame levels in dB, parallel to the track, for tremolo (optional). */
  levelDb?: Float32Array;
  /**
   * Shortest portamento, seconds (default 0.04). Lower it only for contours whose tracker
   * resolves faster glides than it smears note changes.
   */
  minPortamentoSeconds?: number;
}

const sinc = (x: number) => (x === 0 ? 1 : Math.sin(x) / x);
const std = (xs: ArrayLike<number>, from: number, to: number) => {
  let m = 0;
  for (let i = from; i < to; i++) m += xs[i]! / (to - from);
  let v = 0;
  for (let i = from; i < to; i++) v += (xs[i]! - m) ** 2 / (to - from);
  return Math.sqrt(v);
};

/** Notes found in one run, before they are gathered: frame ranges within the run. */
interface RunNote {
  a: number;
  b: number;
  cents: number;
  stability: number;
}

/**
 * Notes and expressive events of a pitch track.
 * @example const { notes, events } = analyzeContour(track, { trackerWindowSeconds: 0.0154 });
 */
export function analyzeContour(track: PitchTrack, options: ContourOptions = {}): ContourAnalysis {
  const hopSeconds = track.hopSize / track.sampleRate;
  const frameRate = 1 / hopSeconds;
  const window = options.trackerWindowSeconds ?? 0;
  const minGlide = options.minPortamentoSeconds ?? MIN_GLIDE_SECONDS;
  const time = (frame: number) =>
    track.times[Math.min(track.times.length - 1, frame)]! +
    (frame >= track.times.length ? hopSeconds : 0);
  const notes: Note[] = [];
  const events: ExpressiveEvent[] = [];
  for (const run of voicedRuns(track)) {
    const c = run.cents;
    const t0 = run.start;
    // 2–3. Oscillations and the flattened contour.
    const oscillations = findOscillations(c, {
      frameRate,
      minRateHz: 3.5,
      maxRateHz: 14,
      minExtent: 15,
    });
    const flat = Float64Array.from(c);
    // What glides are fitted to: the contour, with each trill held at its written note.
    const glideContour = Float64Array.from(c);
    const kinds: ('vibrato' | 'trill')[] = [];
    for (const o of oscillations) {
      const trill = o.extent >= 80 && o.plateauFraction >= 0.745;
      kinds.push(trill ? 'trill' : 'vibrato');
      if (trill) {
        // The written note is the lower of the two: the upper is the auxiliary.
        const lower: number[] = [];
        for (let k = o.startFrame; k < o.endFrame; k++)
          if (c[k]! < o.centre[k - o.startFrame]!) lower.push(c[k]!);
        const main = lower.length ? median(lower) : o.centre[0]!;
        for (let k = o.startFrame; k < o.endFrame; k++) flat[k] = glideContour[k] = main;
      } else for (let k = o.startFrame; k < o.endFrame; k++) flat[k] = o.centre[k - o.startFrame]!;
    }
    // 4. Notes.
    const runNotes = segment(flat, frameRate);
    /** The logistic glide from note a to note b, if the transition is one (step 5). */
    const glide = (a: RunNote, b: RunNote) => {
      if (Math.abs(b.cents - a.cents) < 80) return undefined;
      const from = Math.max(a.a, a.b - Math.round(0.1 * frameRate)),
        to = Math.min(b.b, b.a + Math.round(0.1 * frameRate));
      const ts: number[] = [],
        ps: number[] = [];
      for (let f = from; f < to; f++) {
        ts.push(time(t0 + f));
        ps.push(glideContour[f]!);
      }
      // Vibrato on either note moves the fitted end levels by up to half its extent.
      let wobble = 0;
      oscillations.forEach((o, i) => {
        if (kinds[i] === 'vibrato' && o.startFrame < to && o.endFrame > from)
          wobble = Math.max(wobble, o.extent / 2);
      });
      const mid = (time(t0 + a.b) + time(t0 + b.a)) / 2;
      const gap = Math.max(hopSeconds, time(t0 + b.a) - time(t0 + a.b));
      const fit = fitLogistic(ts, ps, {
        lower: a.cents,
        upper: b.cents,
        growth: (2 * Math.log(19)) / gap,
        midpoint: mid,
      });
      const plausible =
        Math.abs(fit.lower - a.cents) <= 60 + wobble &&
        Math.abs(fit.upper - b.cents) <= 60 + wobble &&
        fit.midpoint >= time(t0 + a.b) - 0.05 &&
        fit.midpoint <= time(t0 + b.a) + 0.05;
      return plausible && fit.duration >= minGlide && fit.duration < 2 && fit.r2 >= 0.8
        ? fit
        : undefined;
    };
    // 5. Transitions: return slides merge (a dip or rise between two notes at one pitch, or a
    // short note reached and left by glides), portamenti are fitted (below).
    const nearVibrato = (from: number, to: number) =>
      oscillations.some(
        (o, i) =>
          kinds[i] === 'vibrato' &&
          o.startFrame - frameRate * 0.15 < to &&
          o.endFrame + frameRate * 0.15 > from,
      );
    for (let k = 1; k < runNotes.length; k++) {
      const a = runNotes[k - 1]!,
        b = runNotes[k]!,
        after = runNotes[k + 1];
      let merged: RunNote | undefined, deepest: number | undefined;
      // (Not next to vibrato, whose unflattened first or last swing would look the same.)
      if (Math.abs(b.cents - a.cents) < 50 && !nearVibrato(a.b, b.a)) {
        let best = a.b;
        for (let f = a.b; f < b.a; f++)
          if (Math.abs(flat[f]! - a.cents) > Math.abs(flat[best]! - a.cents)) best = f;
        if (Math.abs(flat[best]! - a.cents) >= 60) {
          merged = b;
          deepest = flat[best]!;
        }
      } else if (
        after &&
        Math.abs(after.cents - a.cents) < 50 &&
        Math.abs(b.cents - a.cents) >= 60 &&
        b.b - b.a < 0.1 * frameRate &&
        !nearVibrato(a.b, after.a) &&
        glide(a, b) &&
        glide(b, after)
      ) {
        merged = after;
        deepest = b.cents;
      }
      if (!merged || deepest === undefined) continue;
      events.push(
        event('return-slide', time(t0 + a.b), time(t0 + merged.a), notes.length + k - 1, {
          excursionCents: Math.round(deepest - a.cents),
          direction: deepest > a.cents ? 'up-and-back' : 'down-and-back',
        }),
      );
      a.b = merged.b;
      a.cents = median(flat, a.a, a.b);
      a.stability = std(flat, a.a, a.b);
      runNotes.splice(k, merged === b ? 1 : 2);
      k--;
    }
    // Short "notes" on the path of one slow glide from the note before to a note after are the
    // glide passing: the curve moves ≥ 25 cents across each, and the pitch over a third as far
    const onCurve = (fit: LogisticFit, b: RunNote) => {
      const third = Math.max(1, Math.floor((b.b - b.a) / 3));
      const curve = Float64Array.from({ length: b.b - b.a }, (_, i) =>
        logistic(fit, time(t0 + b.a + i)),
      );
      const curveMove = median(curve, curve.length - third, curve.length) - median(curve, 0, third);
      const move = median(glideContour, b.b - third, b.b) - median(glideContour, b.a, b.a + third);
      return Math.abs(curveMove) >= 25 && move / curveMove >= 0.35;
    };
    for (let k = 1; k + 1 < runNotes.length; k++) {
      const a = runNotes[k - 1]!;
      // Passing notes k..m-1: short, each further along in one direction; m the arrival.
      for (let m = k + 1; m < runNotes.length; m++) {
        const b = runNotes[m - 1]!,
          prev = runNotes[m - 2]!,
          c = runNotes[m]!;
        if (b.b - b.a >= 0.15 * frameRate || (b.cents - prev.cents) * (c.cents - b.cents) <= 0)
          break;
        const fit = glide(a, c);
        if (fit && runNotes.slice(k, m).every((n) => onCurve(fit, n))) {
          runNotes.splice(k, m - k);
          k--;
          break;
        }
      }
    }
    // A short first (last) "note" that glides into (out of) the next (previous) one is where a
    // slide starts (ends), not a note: drop it, and step 6 reports the slide.
    const short = Math.round(0.12 * frameRate);
    if (
      runNotes.length >= 2 &&
      runNotes[0]!.b - runNotes[0]!.a < short &&
      runNotes[0]!.a <= 3 &&
      glide(runNotes[0]!, runNotes[1]!)
    ) {
      runNotes.shift();
    }
    const lastRun = runNotes[runNotes.length - 1];
    if (
      runNotes.length >= 2 &&
      lastRun!.b - lastRun!.a < short &&
      c.length - lastRun!.b <= 3 &&
      glide(runNotes[runNotes.length - 2]!, lastRun!)
    ) {
      runNotes.pop();
    }
    const base = notes.length;
    for (const n of runNotes) {
      notes.push({
        start: time(t0 + n.a),
        end: time(t0 + n.b),
        cents: n.cents,
        hz: 440 * Math.pow(2, (n.cents - 6900) / 1200),
        midi: Math.round(n.cents / 100),
        stabilityCents: n.stability,
        grace: false,
      });
    }
    for (let k = 1; k < runNotes.length; k++) {
      const fit = glide(runNotes[k - 1]!, runNotes[k]!);
      if (fit) {
        events.push(
          event(
            'portamento',
            fit.midpoint - fit.duration / 2,
            fit.midpoint + fit.duration / 2,
            base + k,
            {
              fromCents: Math.round(fit.lower),
              toCents: Math.round(fit.upper),
              spanCents: Math.round(fit.upper - fit.lower),
              durationSeconds: fit.duration,
              growthRate: fit.growth,
              midpointSeconds: fit.midpoint,
              fitR2: fit.r2,
            },
          ),
        );
      }
    }
    // 6. Slides into the first note and out of the last.
    slides(run, runNotes, c, frameRate, time, base, events);
    // Vibrato and trills, attached to the note they overlap most.
    oscillations.forEach((o, i) => {
      const start = time(t0 + o.startFrame),
        end = time(t0 + o.endFrame);
      const note = overlapping(notes, base, start, end);
      if (kinds[i] === 'trill') {
        events.push(
          event('trill', start, end, note, {
            rateHz: o.rateHz,
            intervalCents: Math.round(o.extent / Math.max(0.5, sinc(Math.PI * o.rateHz * window))),
            cycles: Math.round(o.cycles),
          }),
        );
      } else {
        const sinusoidal = o.sinusoidR2 >= 0.8;
        const raw = sinusoidal ? o.sinusoidExtent : o.extent;
        events.push(
          event('vibrato', start, end, note, {
            rateHz: o.rateHz,
            extentCents: raw / Math.max(0.5, sinc(Math.PI * o.rateHz * window)),
            regularity: o.regularity,
            shape: sinusoidal
              ? 'sinusoidal'
              : o.plateauFraction >= 0.78
                ? 'square'
                : o.plateauFraction <= 0.55
                  ? 'triangular'
                  : 'irregular',
            sinusoidR2: o.sinusoidR2,
            cycles: Math.round(o.cycles),
          }),
        );
      }
    });
  }
  // 7. Grace notes.
  for (let k = 0; k + 1 < notes.length; k++) {
    const g = notes[k]!,
      main = notes[k + 1]!;
    const d = g.end - g.start;
    if (d > 0.12) continue;
    // A short note where a trill begins is the trill's first swing, not a grace note.
    const trill = events.find(
      (e) => e.kind === 'trill' && e.end > g.start && e.start <= main.start + 0.15,
    );
    if (trill) {
      trill.start = Math.min(trill.start, g.start);
      continue;
    }
    if (
      d >= 0.025 &&
      main.start - g.end <= 0.04 &&
      main.end - main.start >= 2 * d &&
      Math.abs(main.cents - g.cents) >= 80
    ) {
      g.grace = true;
      events.push(
        event('grace-note', g.start, g.end, k, {
          cents: Math.round(g.cents),
          mainCents: Math.round(main.cents),
          intervalCents: Math.round(g.cents - main.cents),
        }),
      );
    }
  }
  // 8. Tremolo.
  if (options.levelDb) tremolo(track, options.levelDb, notes, events, frameRate);
  events.sort((a, b) => a.start - b.start);
  return { notes, events };
}

function event(
  kind: EventKind,
  start: number,
  end: number,
  note: number | undefined,
  params: Record<string, number | string>,
): ExpressiveEvent {
  const e: ExpressiveEvent = { kind, label: EVENT_TERMS[kind], start, end, params };
  if (note !== undefined) e.note = note;
  return e;
}

/** Segments a flattened contour into notes (step 4). */
function segment(flat: Float64Array, frameRate: number): RunNote[] {
  const g = runningMedian(flat, 2);
  const cuts: number[] = [0];
  let segStart = 0,
    deviating = 0;
  for (let i = 1; i < g.length; i++) {
    const centre = median(g, Math.max(segStart, i - 20), i);
    if (Math.abs(g[i]! - centre) > 50) {
      deviating++;
      if (deviating >= 5) {
        segStart = i - deviating + 1;
        cuts.push(segStart);
        deviating = 0;
      }
    } else deviating = 0;
  }
  cuts.push(g.length);
  const notes: RunNote[] = [];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const a = cuts[s]!,
      b = cuts[s + 1]!;
    // Centre: the median of the segment's flat frames (local range < 20 cents).
    const flatFrames: number[] = [];
    for (let i = a; i < b; i++) {
      let lo = Infinity,
        hi = -Infinity;
      for (let k = Math.max(a, i - 3); k < Math.min(b, i + 4); k++) {
        lo = Math.min(lo, g[k]!);
        hi = Math.max(hi, g[k]!);
      }
      if (hi - lo < 20) flatFrames.push(g[i]!);
    }
    const centre = flatFrames.length >= 3 ? median(flatFrames) : median(g, a, b);
    // The longest stretch within ±35 cents of it (blips shorter than a cut bridged).
    const inBand = (k: number) => Math.abs(g[k]! - centre) <= 35;
    let bestA = a,
      bestB = a;
    for (let i = a; i < b;) {
      if (!inBand(i)) {
        i++;
        continue;
      }
      let j = i;
      for (;;) {
        while (j < b && inBand(j)) j++;
        let k = j;
        while (k < b && k - j < 5 && !inBand(k)) k++;
        if (k < b && k - j < 5 && k > j) j = k;
        else break;
      }
      if (j - i > bestB - bestA) {
        bestA = i;
        bestB = j;
      }
      i = j;
    }
    if (bestB - bestA < 5) continue;
    // A short stretch whose first and last thirds differ by > 30 cents is a slow glide passing
    // by, not a note.
    const third = Math.max(1, Math.floor((bestB - bestA) / 3));
    const drift = median(g, bestB - third, bestB) - median(g, bestA, bestA + third);
    if (Math.abs(drift) > 30 && bestB - bestA < 0.15 * frameRate) continue;
    notes.push({
      a: bestA,
      b: bestB,
      cents: median(flat, bestA, bestB),
      stability: std(flat, bestA, bestB),
    });
  }
  return notes;
}

/** Slides into the first note and out of the last note of a run (step 6). */
function slides(
  run: VoicedRun,
  runNotes: RunNote[],
  c: Float64Array,
  frameRate: number,
  time: (frame: number) => number,
  base: number,
  events: ExpressiveEvent[],
): void {
  const first = runNotes[0],
    last = runNotes[runNotes.length - 1];
  const minFrames = Math.round(0.029 * frameRate);
  if (first && first.a >= minFrames) {
    const from = median(c, 0, Math.min(3, first.a));
    const span = first.cents - from;
    if (Math.abs(span) >= 60) {
      const e = event('slide-in', time(run.start), time(run.start + first.a), base, {
        fromCents: Math.round(from),
        toCents: Math.round(first.cents),
        spanCents: Math.round(span),
        durationSeconds: first.a / frameRate,
      });
      e.label = {
        ...(span > 0 ? UP : DOWN),
        en: `${span > 0 ? 'upward' : 'downward'} slide into the note`,
      };
      events.push(e);
    }
  }
  if (last && c.length - last.b >= minFrames) {
    const to = median(c, Math.max(last.b, c.length - 3), c.length);
    const span = to - last.cents;
    if (Math.abs(span) >= 60) {
      const e = event(
        'slide-out',
        time(run.start + last.b),
        time(run.start + c.length),
        base + runNotes.length - 1,
        {
          fromCents: Math.round(last.cents),
          toCents: Math.round(to),
          spanCents: Math.round(span),
          durationSeconds: (c.length - last.b) / frameRate,
        },
      );
      e.label = {
        ...(span > 0 ? UP : DOWN),
        en: `${span > 0 ? 'upward' : 'downward'} slide out of the note`,
      };
      events.push(e);
    }
  }
}

/** The index (from `base`) of the note overlapping [start, end) most, if any. */
function overlapping(notes: Note[], base: number, start: number, end: number): number | undefined {
  let best: number | undefined,
    bestOverlap = 0;
  for (let k = base; k < notes.length; k++) {
    const overlap = Math.min(end, notes[k]!.end) - Math.max(start, notes[k]!.start);
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = k;
    }
  }
  return best;
}

/** Amplitude tremolo in notes without vibrato (step 8). */
function tremolo(
  track: PitchTrack,
  levelDb: Float32Array,
  notes: Note[],
  events: ExpressiveEvent[],
  frameRate: number,
): void {
  notes.forEach((n, k) => {
    if (events.some((e) => e.kind === 'vibrato' && e.note === k)) return;
    const a = Math.round(n.start * frameRate),
      b = Math.min(levelDb.length, Math.round(n.end * frameRate));
    if (b - a < Math.round(0.5 * frameRate)) return;
    const x = Float64Array.from(levelDb.subarray(a, b));
    for (const o of findOscillations(x, { frameRate, minRateHz: 3, maxRateHz: 12, minExtent: 3 })) {
      events.push(
        event(
          'tremolo',
          track.times[a + o.startFrame] ?? n.start,
          track.times[Math.min(track.times.length - 1, a + o.endFrame)] ?? n.end,
          k,
          {
            rateHz: o.rateHz,
            depthDb: o.extent,
            regularity: o.regularity,
          },
        ),
      );
    }
  });
}
