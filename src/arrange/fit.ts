/**
 * How well a melody fits an instrument, and the transposition that fits it best. Every
 * transposition within two octaves is scored: notes outside the practical range (heaviest),
 * time outside the comfortable tessitura, notes the tuning does not give plainly (half-holed or
 * cross-fingered notes on a fixed-scale wind, 按音 press-bends on a pentatonic zither), whether
 * the new key is one the instrument plays idiomatically, and a small cost for moving at all
 * (more for leaving the key than for an octave). Bowed strings get a string-and-position plan
 * (a Viterbi path that minimises shifts), zithers the best pentatonic tuning. Weights are ours.
 */
import type { Instrument } from '../atlas/index.js';
import { ZhiyinError } from '../errors/index.js';
import { noteName, placeText, type MelodyFacts, type PlayedNote } from './melody.js';

export interface Bilingual {
  en: string;
  zh: string;
}

export interface FitOptions {
  /** Only transpose by whole octaves (keep the key). */
  keepKey?: boolean;
  /** Quarter notes per minute, for the speed check (default 90). */
  tempo?: number;
}

/** A press-bend (按音): the note is reached by pressing a lower string. */
export interface PressBend {
  /** Index into MelodyFacts.notes. */
  note: number;
  midi: number;
  /** The open string pressed, MIDI. */
  string: number;
  semitones: number;
}

export interface StringPlan {
  /** Per played note: string index (0 = lowest) and hand position (1 = first position). */
  path: { string: number; position: number }[];
  shifts: number;
  highestPosition: number;
  /** Share of notes on each string, low to high. */
  stringShare: number[];
}

export interface FitReport {
  instrumentId: string;
  /** Semitones the melody moves (sounding pitch). */
  transposition: number;
  /** New key: pitch class of 1 (宫 gong / the major tonic) after the transposition. */
  gongPc: number;
  range: {
    practical: [number, number];
    /** Lowest and highest sounding note after the transposition (before folding). */
    melody: [number, number];
    /** Share of notes inside the practical range after the transposition. */
    coverage: number;
    /** Notes moved by octaves (or clamped) into the range: index into facts.notes, from, to. */
    folded: { note: number; from: number; to: number }[];
  };
  /** Share of the melody's time inside the comfortable middle of the range. */
  tessituraShare: number;
  tuning: {
    kind: Instrument['tuning']['kind'];
    /** Share of notes the tuning gives plainly. */
    plainShare: number;
    /** Retunable zithers: the pentatonic tuning chosen, as the pitch class of its 1. */
    tuningGongPc?: number;
    openStrings?: number[];
    pressBends: PressBend[];
    /** Fixed-scale instruments: notes outside the natural scale (half-holes, cross-fingering). */
    offScale: number[];
    strings?: StringPlan;
  };
  difficulty: { level: number; reasons: Bilingual[] };
  /** 0–1, for ranking instruments (1 = a perfect fit). */
  suitability: number;
}

const PENTATONIC = [0, 2, 4, 7, 9];
const PC = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];
const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** "B♭" → 10. */
function keyPc(key: string): number | undefined {
  const m = /^([A-G])([#♯b♭]?)/.exec(key.trim());
  if (!m) return undefined;
  return (LETTER_PC[m[1]!]! + (m[2] === '#' || m[2] === '♯' ? 1 : m[2] ? -1 : 0) + 12) % 12;
}

/** The open strings of a pentatonic zither retuned to 1 = gongPc: each string to its nearest tone. */
function retune(strings: number[], gongPc: number): number[] {
  const set = PENTATONIC.map((x) => (x + gongPc) % 12);
  const out = strings.map((s) => {
    for (const d of [0, 1, -1, 2, -2]) if (set.includes((((s + d) % 12) + 12) % 12)) return s + d;
    return s;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Press-bends for notes that are not open strings: a string 1–2 semitones below. */
function pressBendsFor(notes: number[], strings: number[]): (PressBend | undefined)[] {
  const set = new Set(strings);
  return notes.map((m, note) => {
    if (set.has(m)) return undefined;
    const s = [1, 2].map((d) => m - d).find((x) => set.has(x));
    return { note, midi: m, string: s ?? m - 1, semitones: s === undefined ? 1 : m - s };
  });
}

/** Hand positions: the first covers open to a fifth above; each next one starts a fourth higher. */
function positionsFor(offset: number): number[] {
  const out: number[] = [];
  if (offset >= 0 && offset <= 7) out.push(1);
  for (let p = 2; p <= 8; p++) if (offset >= 5 * (p - 1) && offset <= 5 * (p - 1) + 7) out.push(p);
  return out;
}

/** The string and position for each note that needs the fewest and smallest shifts (Viterbi). */
export function planStrings(midis: number[], strings: number[]): StringPlan {
  type State = { string: number; position: number };
  const options = midis.map((m) => {
    const o: State[] = [];
    strings.forEach((s, i) => {
      for (const p of positionsFor(m - s)) o.push({ string: i, position: p });
    });
    // Above every position: the highest string, highest position (counted as a stretch).
    if (!o.length) o.push({ string: strings.length - 1, position: 8 });
    return o;
  });
  const cost = (a: State, b: State) =>
    (a.position !== b.position ? 1 + 0.25 * Math.abs(a.position - b.position) : 0) +
    (a.string !== b.string ? 0.1 : 0) +
    0.02 * b.position;
  let prev = options[0]!.map((s) => ({ c: 0.02 * s.position, back: -1 }));
  const backs: number[][] = [];
  for (let i = 1; i < options.length; i++) {
    const cur = options[i]!.map((s) => {
      let best = Infinity,
        back = 0;
      options[i - 1]!.forEach((p, j) => {
        const c = prev[j]!.c + cost(p, s);
        if (c < best) [best, back] = [c, j];
      });
      return { c: best, back };
    });
    backs.push(cur.map((x) => x.back));
    prev = cur;
  }
  let k = prev.reduce((bi, x, i, a) => (x.c < a[bi]!.c ? i : bi), 0);
  const path: State[] = new Array(options.length);
  for (let i = options.length - 1; i >= 0; i--) {
    path[i] = options[i]![k]!;
    if (i > 0) k = backs[i - 1]![k]!;
  }
  let shifts = 0;
  for (let i = 1; i < path.length; i++) if (path[i]!.position !== path[i - 1]!.position) shifts++;
  const stringShare = strings.map(
    (_, s) => path.filter((p) => p.string === s).length / Math.max(1, path.length),
  );
  return {
    path,
    shifts,
    highestPosition: path.reduce((m, p) => Math.max(m, p.position), 1),
    stringShare,
  };
}

interface Trial {
  t: number;
  cost: number;
  tuningGongPc?: number;
  strings?: number[];
}

/**
 * The fit of a melody on one instrument at its best transposition.
 * @example fitInstrument(melodyFacts(score), atlas.get('erhu')!).transposition
 */
export function fitInstrument(
  facts: MelodyFacts,
  instrument: Instrument,
  options: FitOptions = {},
): FitReport {
  if (!instrument.pitched || !instrument.range)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `${instrument.names.en} (${instrument.names.zh}) is unpitched percussion; a melody cannot be adapted to it.`,
    );
  if (!facts.notes.length)
    throw new ZhiyinError('EMPTY_INPUT', 'the melody has no pitched notes to adapt.');
  const [lo, hi] = instrument.range.practical;
  const [tlo, thi] = instrument.tessitura ?? instrument.range.practical;
  const notes = facts.notes;
  const total = notes.reduce((s, n) => s + n.length, 0);
  const tuning = instrument.tuning;
  const zither = tuning.kind === 'open-strings' && (tuning.openStrings?.length ?? 0) >= 7;
  const scalePcs = tuning.kind === 'fixed-scale' ? tuning.scalePitchClasses : undefined;
  const idiomatic = instrument.keys.map(keyPc).filter((k): k is number => k !== undefined);
  const tunings: (number | undefined)[] =
    zither && tuning.openStrings
      ? tuning.retunable
        ? [...new Set([...idiomatic, tuningGong(tuning.openStrings)])]
        : [tuningGong(tuning.openStrings)]
      : [undefined];
  const shifts = options.keepKey
    ? [-24, -12, 0, 12, 24]
    : Array.from({ length: 49 }, (_, i) => i - 24);
  let best: Trial | undefined;
  for (const t of shifts) {
    const midis = notes.map((n) => n.midi + t);
    let outside = 0,
      outTess = 0;
    notes.forEach((n, i) => {
      const m = midis[i]!;
      if (m < lo || m > hi) outside++;
      if (m < tlo || m > thi) outTess += n.length;
    });
    const gong = (facts.gongPc + t + 120) % 12;
    let cost =
      2 * outside +
      0.5 * (outTess / total) +
      (t === 0 ? 0 : t % 12 === 0 ? 0.02 * Math.abs(t / 12) : 0.05 + 0.004 * Math.abs(t)) +
      (idiomatic.length && !idiomatic.includes(gong) ? 0.1 : 0);
    if (scalePcs) {
      const off = midis.filter((m) => !scalePcs.includes(((m % 12) + 12) % 12)).length;
      cost += (1.0 * off) / notes.length;
    }
    for (const g of tunings) {
      let c = cost;
      let strings: number[] | undefined;
      if (g !== undefined && tuning.openStrings) {
        strings = retune(tuning.openStrings, g);
        const bends = pressBendsFor(midis, strings).filter(Boolean).length;
        c += (0.6 * bends) / notes.length + (g === tuningGong(tuning.openStrings) ? 0 : 0.03);
      }
      if (!best || c < best.cost - 1e-12)
        best = {
          t,
          cost: c,
          ...(g !== undefined ? { tuningGongPc: g } : {}),
          ...(strings ? { strings } : {}),
        };
    }
  }
  return report(facts, instrument, best!, options);
}

/** The 1 of a pentatonic string set: the tone with a whole tone above and a major third. */
function tuningGong(strings: number[]): number {
  const pcs = new Set(strings.map((s) => ((s % 12) + 12) % 12));
  for (let g = 0; g < 12; g++) if (PENTATONIC.every((x) => pcs.has((g + x) % 12))) return g;
  return ((strings[0]! % 12) + 12) % 12;
}

function report(
  facts: MelodyFacts,
  instrument: Instrument,
  trial: Trial,
  options: FitOptions,
): FitReport {
  const { t } = trial;
  const range = instrument.range!;
  const [lo, hi] = range.practical;
  const [tlo, thi] = instrument.tessitura ?? range.practical;
  const notes = facts.notes;
  const total = notes.reduce((s, n) => s + n.length, 0);
  const moved = notes.map((n) => n.midi + t);
  const folded: FitReport['range']['folded'] = [];
  const played = moved.map((m, note) => {
    if (m >= lo && m <= hi) return m;
    let to = m;
    while (to < lo) to += 12;
    while (to > hi) to -= 12;
    if (to < lo) to = Math.abs(lo - m) < Math.abs(hi - m) ? lo : hi; // a range under an octave
    folded.push({ note, from: m, to });
    return to;
  });
  const inRange = moved.filter((m) => m >= lo && m <= hi).length;
  const tess = notes.reduce(
    (s, n, i) => s + (played[i]! >= tlo && played[i]! <= thi ? n.length : 0),
    0,
  );
  const tuning = instrument.tuning;
  let pressBends: PressBend[] = [];
  let offScale: number[] = [];
  let strings: StringPlan | undefined;
  if (trial.strings)
    pressBends = pressBendsFor(played, trial.strings).filter((b): b is PressBend => !!b);
  else if (tuning.kind === 'fixed-scale' && tuning.scalePitchClasses) {
    const pcs = tuning.scalePitchClasses;
    offScale = played.flatMap((m, i) => (pcs.includes(((m % 12) + 12) % 12) ? [] : [i]));
  } else if (
    tuning.kind === 'open-strings' &&
    tuning.openStrings?.length &&
    instrument.family.orchestral === 'bowed'
  )
    strings = planStrings(played, tuning.openStrings);
  const plain = notes.length - pressBends.length - offScale.length;
  const difficulty = judge(
    facts,
    instrument,
    played,
    { pressBends, offScale, strings, folded },
    options,
  );
  const coverage = inRange / notes.length;
  const tessituraShare = total ? tess / total : 1;
  // Ties broken by how centred the melody sits in the tessitura and how far it had to move.
  const mean = notes.reduce((s, n, i) => s + played[i]! * n.length, 0) / (total || 1);
  const offCentre = Math.abs(mean - (tlo + thi) / 2) / 12;
  const suitability = Math.max(
    0,
    Math.min(
      1,
      coverage * (0.6 + 0.25 * tessituraShare + 0.15 * (plain / notes.length)) -
        0.05 * (difficulty.level - 1) -
        0.04 * offCentre -
        (t === 0 ? 0 : t % 12 === 0 ? 0.01 * Math.abs(t / 12) : 0.02),
    ),
  );
  return {
    instrumentId: instrument.id,
    transposition: t,
    gongPc: (facts.gongPc + t + 120) % 12,
    range: {
      practical: [lo, hi],
      melody: [moved.reduce((a, b) => Math.min(a, b)), moved.reduce((a, b) => Math.max(a, b))],
      coverage,
      folded,
    },
    tessituraShare,
    tuning: {
      kind: tuning.kind,
      plainShare: plain / notes.length,
      ...(trial.tuningGongPc !== undefined ? { tuningGongPc: trial.tuningGongPc } : {}),
      ...(trial.strings ? { openStrings: trial.strings } : {}),
      pressBends,
      offScale,
      ...(strings ? { strings } : {}),
    },
    difficulty,
    suitability,
  };
}

/** Difficulty 1–5 from what a player has to do, with the reasons. */
function judge(
  facts: MelodyFacts,
  instrument: Instrument,
  played: number[],
  found: {
    pressBends: PressBend[];
    offScale: number[];
    strings: StringPlan | undefined;
    folded: FitReport['range']['folded'];
  },
  options: FitOptions,
): { level: number; reasons: Bilingual[] } {
  const notes = facts.notes;
  const reasons: Bilingual[] = [];
  let level = 1;
  const tempo = options.tempo ?? 90;
  const shortest = notes.reduce((m, n) => Math.min(m, n.length), Infinity) * (60 / tempo);
  if (shortest < 0.1) {
    level += 1.5;
    reasons.push({
      en: `fast notes (${(1 / shortest).toFixed(0)} per second at ♩=${tempo})`,
      zh: `快速音符（♩=${tempo}时每秒${(1 / shortest).toFixed(0)}个）`,
    });
  } else if (shortest < 0.17) {
    level += 0.75;
    reasons.push({
      en: `quick passages (${(1 / shortest).toFixed(0)} notes per second at ♩=${tempo})`,
      zh: `较快的经过句（♩=${tempo}时每秒${(1 / shortest).toFixed(0)}个音）`,
    });
  }
  const [tlo, thi] = instrument.tessitura ?? instrument.range!.practical;
  const high = played.filter((m) => m > thi).length / played.length;
  if (high > 0.2) {
    level += 1;
    reasons.push({
      en: `${Math.round(100 * high)}% of notes above the comfortable middle (${noteName(thi)})`,
      zh: `${Math.round(100 * high)}%的音高于舒适音区（${noteName(thi)}）`,
    });
  }
  const low = played.filter((m) => m < tlo).length / played.length;
  if (low > 0.3) {
    level += 0.5;
    reasons.push({
      en: `${Math.round(100 * low)}% of notes below the comfortable middle (${noteName(tlo)})`,
      zh: `${Math.round(100 * low)}%的音低于舒适音区（${noteName(tlo)}）`,
    });
  }
  const leaps = played.filter((m, i) => i > 0 && Math.abs(m - played[i - 1]!) > 12).length;
  if (leaps) {
    level += 0.5;
    reasons.push({
      en: `${count(leaps, 'leap')} wider than an octave`,
      zh: `${leaps}处超过八度的大跳`,
    });
  }
  if (found.pressBends.length) {
    const share = found.pressBends.length / notes.length;
    level += share > 0.15 ? 1 : 0.5;
    reasons.push({
      en: `按音 press-bends for ${count(found.pressBends.length, 'note')}`,
      zh: `${found.pressBends.length}个音需要按音`,
    });
  }
  if (found.offScale.length) {
    const share = found.offScale.length / notes.length;
    level += share > 0.1 ? 1 : 0.5;
    reasons.push({
      en: `${count(found.offScale.length, 'note')} outside the natural scale (half-holing or cross-fingering)`,
      zh: `${found.offScale.length}个音不在本调音阶内，需要半孔或叉口指法`,
    });
  }
  if (found.strings) {
    const { shifts, highestPosition } = found.strings;
    if (highestPosition >= 4) {
      level += 1;
      reasons.push({
        en: `high positions (up to position ${highestPosition})`,
        zh: `高把位（最高第${highestPosition}把位）`,
      });
    } else if (highestPosition >= 3) {
      level += 0.5;
      reasons.push({ en: 'third position', zh: '第三把位' });
    }
    if (shifts / Math.max(1, notes.length) > 0.2) {
      level += 0.5;
      reasons.push({ en: `${shifts} position shifts`, zh: `${shifts}次换把` });
    }
  }
  if (found.folded.length)
    reasons.push({
      en: `${count(found.folded.length, 'note')} moved by an octave to stay in range`,
      zh: `${found.folded.length}个音移八度以保持在音域内`,
    });
  if (!reasons.length)
    reasons.push({
      en: 'within the comfortable range, at a moderate pace',
      zh: '音区舒适，速度适中',
    });
  return { level: Math.max(1, Math.min(5, Math.round(level))), reasons };
}

/** The fit report in words, English and Chinese, one line each. */
export function describeFit(
  facts: MelodyFacts,
  instrument: Instrument,
  fit: FitReport,
): Bilingual[] {
  const name = { en: instrument.names.en, zh: instrument.names.zh };
  const lines: Bilingual[] = [];
  const t = fit.transposition;
  // Transposing instruments read their part in the written key.
  const written = PC[(((fit.gongPc - instrument.transposition) % 12) + 12) % 12]!;
  const key = instrument.transposition
    ? `${written} (sounding ${PC[fit.gongPc]})`
    : PC[fit.gongPc]!;
  const keyZh = instrument.transposition
    ? `${written}（实际音高${PC[fit.gongPc]}）`
    : PC[fit.gongPc]!;
  lines.push(
    t === 0
      ? {
          en: `Play it as written on the ${name.en} (1=${key}).`,
          zh: `${name.zh}按原调演奏（1=${keyZh}）。`,
        }
      : {
          en: `Transpose ${Math.abs(t)} semitones ${t > 0 ? 'up' : 'down'}${t % 12 === 0 ? ` (${Math.abs(t / 12)} octave${Math.abs(t) > 12 ? 's' : ''})` : ''}: 1=${key}.`,
          zh: `${t > 0 ? '升高' : '降低'}${Math.abs(t)}个半音${t % 12 === 0 ? `（${Math.abs(t / 12)}个八度）` : ''}：1=${keyZh}。`,
        },
  );
  const [lo, hi] = fit.range.practical;
  lines.push(
    fit.range.folded.length === 0
      ? {
          en: `Every note lies in the practical range ${noteName(lo)}–${noteName(hi)}.`,
          zh: `所有音都在常用音域${noteName(lo)}–${noteName(hi)}之内。`,
        }
      : {
          en: `${count(fit.range.folded.length, 'note')} outside ${noteName(lo)}–${noteName(hi)}, moved by an octave: ${fit.range.folded
            .slice(0, 4)
            .map(
              (f) =>
                `${noteName(f.from)}→${noteName(f.to)} (${placeText(facts.notes[f.note]!.place).en})`,
            )
            .join(', ')}${fit.range.folded.length > 4 ? ', …' : ''}.`,
          zh: `${fit.range.folded.length}个音超出${noteName(lo)}–${noteName(hi)}，移八度：${fit.range.folded
            .slice(0, 4)
            .map(
              (f) =>
                `${noteName(f.from)}→${noteName(f.to)}（${placeText(facts.notes[f.note]!.place).zh}）`,
            )
            .join('，')}${fit.range.folded.length > 4 ? '……' : ''}。`,
        },
  );
  lines.push({
    en: `${Math.round(100 * fit.tessituraShare)}% of the time is in the comfortable middle of the range.`,
    zh: `${Math.round(100 * fit.tessituraShare)}%的时值在舒适音区内。`,
  });
  const tn = fit.tuning;
  if (tn.tuningGongPc !== undefined) {
    lines.push({
      en: `Tune the strings to the ${PC[tn.tuningGongPc]} pentatonic (1=${PC[tn.tuningGongPc]}).`,
      zh: `定弦为${PC[tn.tuningGongPc]}调五声音阶（1=${PC[tn.tuningGongPc]}）。`,
    });
    if (tn.pressBends.length)
      lines.push({
        en: `按音 press-bends for ${count(tn.pressBends.length, 'note')}: ${pressList(facts, tn.pressBends, 'en')}.`,
        zh: `${tn.pressBends.length}个音需要按音：${pressList(facts, tn.pressBends, 'zh')}。`,
      });
    else
      lines.push({
        en: 'Every note is an open string: no press-bends.',
        zh: '全部为散音，无需按音。',
      });
  }
  if (tn.kind === 'fixed-scale' && instrument.tuning.fundamental !== undefined) {
    lines.push({
      en: `Lowest note (all holes closed) ${noteName(instrument.tuning.fundamental)}; ${
        tn.offScale.length
          ? `${count(tn.offScale.length, 'note')} outside its natural scale, for half-holing or cross-fingering (${tn.offScale
              .slice(0, 4)
              .map(
                (i) =>
                  `${noteName(facts.notes[i]!.midi + fit.transposition)} at ${placeText(facts.notes[i]!.place).en}`,
              )
              .join(', ')})`
          : 'every note is in its natural scale'
      }.`,
      zh: `筒音${noteName(instrument.tuning.fundamental)}；${tn.offScale.length ? `${tn.offScale.length}个音不在本调音阶内，需半孔或叉口` : '所有音都在本调音阶内'}。`,
    });
  }
  if (tn.strings) {
    const s = tn.strings;
    const strings = instrument.tuning.openStrings!;
    lines.push({
      en: `Strings: ${s.stringShare.map((x, i) => `${noteName(strings[i]!)} ${Math.round(100 * x)}%`).join(', ')}; ${s.shifts} position shifts, highest position ${s.highestPosition}.`,
      zh: `用弦：${s.stringShare.map((x, i) => `${noteName(strings[i]!)}弦${Math.round(100 * x)}%`).join('，')}；换把${s.shifts}次，最高第${s.highestPosition}把位。`,
    });
  }
  lines.push({
    en: `Difficulty ${fit.difficulty.level}/5: ${fit.difficulty.reasons.map((r) => r.en).join('; ')}.`,
    zh: `难度${fit.difficulty.level}/5：${fit.difficulty.reasons.map((r) => r.zh).join('；')}。`,
  });
  return lines;
}

function pressList(facts: MelodyFacts, bends: PressBend[], lang: 'en' | 'zh'): string {
  const shown = bends.slice(0, 5).map((b) => {
    const where = placeText(facts.notes[b.note]!.place)[lang];
    return lang === 'en'
      ? `${noteName(b.midi)} (press the ${noteName(b.string)} string ${b.semitones === 1 ? 'a semitone' : 'a whole tone'}, ${where})`
      : `${noteName(b.midi)}（${noteName(b.string)}弦按${b.semitones === 1 ? '小二度' : '大二度'}，${where}）`;
  });
  return (
    shown.join(lang === 'en' ? ', ' : '，') +
    (bends.length > 5 ? (lang === 'en' ? ', …' : '……') : '')
  );
}

export type { PlayedNote };

/** "1 note", "3 notes". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
