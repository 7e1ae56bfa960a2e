/**
 * The adaptation advisor: a melody and an instrument (or "auto") in; its key and mode, the fit
 * report at the best transposition, an optional pentatonic adaptation, idiomatic ornaments, the
 * adapted score (in the instrument's written pitch, with the techniques marked) and advice in
 * English and Chinese out. Order: pentatonic first (it decides which notes exist), then the fit
 * (a uniform transposition keeps it pentatonic; notes still outside the range move by octaves),
 * then ornaments on the final notes.
 */
import { foldName, type Instrument } from '../atlas/index.js';
import { ZhiyinError } from '../errors/index.js';
import { fifthsOfMajor, spellInKey, type Score } from '../notation/index.js';
import { pitchToMidi } from '../theory/index.js';
import { count, describeFit, fitInstrument, type Bilingual, type FitReport } from './fit.js';
import { melodyFacts, shiftKey, type MelodyFacts } from './melody.js';
import { addOrnaments, type Ornament } from './ornaments.js';
import { pentatonicAdapt, type PentatonicChange } from './pentatonic.js';

export interface AdaptOptions {
  /** An atlas id or name in any script ("erhu", "二胡", "dizi" for every dizi key), or "auto". */
  to?: string;
  /** With "auto": which instruments to consider (default chinese). */
  tradition?: 'chinese' | 'western' | 'all';
  pentatonic?: boolean;
  /** Ornament density 0–1 (default 0: none). */
  ornaments?: number;
  /** Transpose by octaves only. */
  keepKey?: boolean;
  /** Quarter notes per minute (default the score's, else 90). */
  tempo?: number;
}

export interface Adaptation {
  instrument: Instrument;
  /** The melody as given: its key, mode and notes. */
  facts: MelodyFacts;
  fit: FitReport;
  /** Every instrument considered, best first (one entry unless "auto" or a family of keys). */
  ranking: { instrument: Instrument; fit: FitReport }[];
  pentatonic?: { gongPc: number; changes: PentatonicChange[] };
  ornaments: Ornament[];
  /** The adapted score: written pitch for the instrument, techniques marked. */
  score: Score;
  advice: Bilingual[];
}

/** The instruments a `to` names: one, every key of a family (dizi → dizi-c, dizi-d …), or all. */
export function resolveInstruments(
  instruments: Instrument[],
  to: string,
  tradition: AdaptOptions['tradition'] = 'chinese',
): Instrument[] {
  const pitched = instruments.filter((i) => i.pitched && i.range);
  if (to.trim().toLowerCase() === 'auto')
    return pitched.filter((i) => tradition === 'all' || i.tradition === tradition);
  const q = foldName(to);
  const exact = instruments.find((i) => i.id === to || foldName(i.id) === q);
  const keys = pitched.filter((i) => i.id.startsWith(`${q}-`));
  if (!exact && keys.length) return keys;
  const isNamed = (i: Instrument) =>
    [i.names.zh, i.names.pinyin, i.names.en, ...i.names.aliases].some((n) => foldName(n) === q);
  // A name several keys share (笛子, qudi 曲笛) stands for each of them: the best is chosen.
  const shared = exact ? [] : pitched.filter(isNamed);
  if (shared.length > 1) return shared;
  const named = exact ?? instruments.find(isNamed);
  if (!named) {
    const near = instruments
      .filter((i) => foldName(i.names.en).includes(q) || q.includes(foldName(i.id)))
      .slice(0, 3)
      .map((i) => i.id);
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `no instrument "${to}" in the atlas${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; \`zhiyin atlas\` lists them.`,
    );
  }
  if (!named.pitched || !named.range)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `${named.names.en} (${named.names.zh}) is unpitched percussion; a melody cannot be adapted to it.`,
    );
  return [named];
}

const PC = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];

/**
 * @example const a = adaptMelody(readScore(bytes), atlas.all(), { to: 'erhu', ornaments: 0.5 });
 */
export function adaptMelody(
  score: Score,
  instruments: Instrument[],
  options: AdaptOptions = {},
): Adaptation {
  const density = options.ornaments ?? 0;
  if (!(density >= 0 && density <= 1))
    throw new ZhiyinError('INVALID_ARGUMENT', `ornament density must be 0–1, got ${density}.`);
  const tempo = options.tempo ?? score.tempo ?? 90;
  const facts = melodyFacts(score);
  if (!facts.notes.length)
    throw new ZhiyinError('EMPTY_INPUT', 'the melody has no pitched notes to adapt.');
  const candidates = resolveInstruments(instruments, options.to ?? 'auto', options.tradition);
  let source = score;
  let pentatonic: Adaptation['pentatonic'];
  if (options.pentatonic) {
    const p = pentatonicAdapt(score, facts);
    source = p.score;
    pentatonic = { gongPc: p.gongPc, changes: p.changes };
  }
  const sourceFacts = pentatonic ? melodyFacts(source, facts) : facts;
  // Keep the melody's key for the fit (pentatonic adaptation may have chosen another gong).
  const fitFacts = pentatonic ? { ...sourceFacts, gongPc: pentatonic.gongPc } : sourceFacts;
  const ranking = candidates
    .map((instrument) => ({
      instrument,
      fit: fitInstrument(fitFacts, instrument, { keepKey: !!options.keepKey, tempo }),
    }))
    .sort((a, b) => b.fit.suitability - a.fit.suitability);
  const { instrument, fit } = ranking[0]!;
  const placed = transposeFor(source, fitFacts, fit, instrument);
  // 按音: each press-bend note is marked with its bend and the technique's name.
  const press = instrument.techniques.find((t) => t.category === 'bend');
  for (const b of fit.tuning.pressBends) {
    const k = fitFacts.notes[b.note]!.indices[0]!;
    const note = placed.notes[k]!;
    note.marks = [
      ...(note.marks ?? []),
      { kind: 'bend', value: b.semitones },
      { kind: 'technique', text: press ? `${press.names.zh} ${press.names.pinyin}` : '按音 ànyīn' },
    ];
  }
  // The same melody moved: its key moves with it (no need to detect it again).
  const placedFacts = melodyFacts(placed, shiftKey(fitFacts, fit.transposition));
  // After a pentatonic adaptation, ornaments keep to the pentatonic scale too.
  const scale = pentatonic
    ? [0, 2, 4, 7, 9].map((x) => (x + pentatonic.gongPc + fit.transposition + 120) % 12)
    : undefined;
  const ornamented = addOrnaments(placed, placedFacts, instrument, density, scale);
  const advice: Bilingual[] = [
    {
      en: `Key and mode: ${facts.mode.name.en} (${Math.round(100 * facts.mode.confidence)}% confidence).`,
      zh: `调式：${facts.mode.name.zh}（置信度${Math.round(100 * facts.mode.confidence)}%）。`,
    },
  ];
  if (ranking.length > 1)
    advice.push({
      en: `Best fit of ${ranking.length}: ${instrument.names.en} (${instrument.names.zh}) ${Math.round(100 * fit.suitability)}%; next ${ranking
        .slice(1, 3)
        .map((r) => `${r.instrument.names.en} ${Math.round(100 * r.fit.suitability)}%`)
        .join(', ')}.`,
      zh: `${ranking.length}件乐器中最合适：${instrument.names.zh}${Math.round(100 * fit.suitability)}%；其次${ranking
        .slice(1, 3)
        .map((r) => `${r.instrument.names.zh}${Math.round(100 * r.fit.suitability)}%`)
        .join('，')}。`,
    });
  if (pentatonic)
    advice.push(
      pentatonic.changes.length
        ? {
            en: `Pentatonic adaptation on ${PC[pentatonic.gongPc]} gong changed ${count(pentatonic.changes.length, 'note')}:`,
            zh: `按${PC[pentatonic.gongPc]}宫五声音阶改编，改动${pentatonic.changes.length}个音：`,
          }
        : {
            en: `The melody is already pentatonic (${PC[pentatonic.gongPc]} gong): nothing changed.`,
            zh: `旋律已是五声音阶（${PC[pentatonic.gongPc]}宫），无需改动。`,
          },
      ...pentatonic.changes.map((c) => c.reason),
    );
  advice.push(...describeFit(fitFacts, instrument, fit));
  if (ornamented.ornaments.length) {
    const counts = new Map<string, { n: number; zh: string; en: string }>();
    for (const o of ornamented.ornaments) {
      const c = counts.get(o.technique.id) ?? { n: 0, zh: o.technique.zh, en: o.technique.en };
      c.n++;
      counts.set(o.technique.id, c);
    }
    advice.push({
      en: `Ornaments (density ${density}): ${[...counts.values()].map((c) => `${c.n} × ${c.en} (${c.zh})`).join(', ')}.`,
      zh: `装饰（密度${density}）：${[...counts.values()].map((c) => `${c.zh}${c.n}处`).join('，')}。`,
    });
  }
  return {
    instrument,
    facts,
    fit,
    ranking,
    ...(pentatonic ? { pentatonic } : {}),
    ornaments: ornamented.ornaments,
    score: ornamented.score,
    advice,
  };
}

/** The melody moved by the fit's transposition (out-of-range notes folded), written for the instrument. */
function transposeFor(
  score: Score,
  facts: MelodyFacts,
  fit: FitReport,
  instrument: Instrument,
): Score {
  const written = instrument.transposition;
  const fifths = fifthsOfMajor(fit.gongPc - written);
  const target = new Map<number, number>();
  const folded = new Map(fit.range.folded.map((f) => [f.note, f.to]));
  facts.notes.forEach((n, i) => {
    const to = folded.get(i) ?? n.midi + fit.transposition;
    for (const k of n.indices) target.set(k, to);
  });
  const [lo, hi] = fit.range.practical;
  const notes = score.notes.map((n, k) => {
    if (!n.pitch) return { ...n };
    // Grace notes already in the melody move with it, folded into the range.
    let midi = target.get(k) ?? pitchToMidi(n.pitch) + (score.transpose ?? 0) + fit.transposition;
    while (midi < lo && midi + 12 <= hi) midi += 12;
    while (midi > hi && midi - 12 >= lo) midi -= 12;
    return { ...n, pitch: spellInKey(midi - written, fifths) };
  });
  const { transpose: _unused, ...rest } = score;
  void _unused;
  return {
    ...rest,
    key: { fifths, ...(score.key.mode ? { mode: score.key.mode } : {}) },
    instrument: {
      name: `${instrument.names.en} ${instrument.names.zh}`,
      program: instrument.gm.program,
    },
    ...(written ? { transpose: written } : {}),
    notes,
  };
}
