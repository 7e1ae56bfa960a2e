/**
 * Idiomatic ornaments by instrument rules, with a density control. Rules look at the techniques
 * an instrument has (by category, from the atlas) and at the melody:
 * - slide (erhu 滑音 and other bowed strings): between joined notes a minor third or more apart;
 * - vibrato (揉弦, 气震音): on notes of a beat or longer;
 * - tremolo (pipa 轮指, yangqin 轮音, 摇指): on long notes of plucked and struck instruments;
 * - trill (dizi 颤音): on long notes of winds inside a phrase;
 * - grace (dizi 打音/倚音): an upper-neighbour grace note on a repeated note or after a leap;
 * - glissando (guzheng 刮奏): a run up the scale into the first note of a phrase.
 * Each candidate has a salience (longer notes, wider intervals, phrase starts first); density d
 * keeps the most salient round(d × candidates) of them, so d = 0 adds nothing and d = 1 all.
 */
import type { Instrument, Technique, TechniqueCategory } from '../atlas/index.js';
import { spellInKey, type Mark, type Score, type ScoreNote } from '../notation/index.js';
import { noteName, placeText, type MelodyFacts } from './melody.js';
import type { Bilingual } from './fit.js';

export interface Ornament {
  category: TechniqueCategory;
  technique: { id: string; zh: string; pinyin: string; en: string };
  /** Index into MelodyFacts.notes (the note ornamented; for slides, the note slid from). */
  note: number;
  salience: number;
  description: Bilingual;
}

export interface OrnamentResult {
  score: Score;
  ornaments: Ornament[];
  /** How many places the rules found before the density cut. */
  candidates: number;
}

interface Candidate {
  category: TechniqueCategory;
  technique: Technique;
  note: number;
  salience: number;
  /** Notes whose onset this ornament changes (for conflicts). */
  onsets: number[];
}

const label = (t: Technique) => `${t.names.zh} ${t.names.pinyin}`;

/**
 * @param density 0–1: the share of the rules' candidates to keep (0 = none)
 * @example addOrnaments(score, melodyFacts(score), atlas.get('erhu')!, 0.5).ornaments
 */
export function addOrnaments(
  score: Score,
  facts: MelodyFacts,
  instrument: Instrument,
  density: number,
  /** Pitch classes ornaments may use (default the melody's detected scale). */
  scalePcs?: number[],
): OrnamentResult {
  const d = Math.max(0, Math.min(1, Number.isFinite(density) ? density : 0));
  const tech = (c: TechniqueCategory) => instrument.techniques.find((t) => t.category === c);
  const family = instrument.family.orchestral;
  const notes = facts.notes;
  const candidates: Candidate[] = [];
  const scale = scalePcs ?? scaleOf(facts);
  // Slides: bowed strings over large intervals (a third to an octave); plucked strings and
  // winds by pressing or sliding a finger, so only over small ones (a semitone to a minor third).
  const slides = instrument.techniques.filter((t) => t.category === 'slide');
  if (slides.length && family !== 'struck' && family !== 'keyboard')
    notes.forEach((n, i) => {
      const next = notes[i + 1];
      if (!next || Math.abs(next.onset - (n.onset + n.length)) > 1e-9) return;
      const leap = Math.abs(next.midi - n.midi);
      const fits = family === 'bowed' ? leap >= 3 && leap <= 12 : leap >= 1 && leap <= 3;
      if (fits)
        candidates.push({
          category: 'slide',
          technique: slideFor(slides, next.midi > n.midi),
          note: i,
          salience: 0.5 + leap / 12,
          onsets: [i + 1],
        });
    });
  const vibrato = tech('vibrato'),
    tremolo = tech('tremolo'),
    trill = tech('trill');
  notes.forEach((n, i) => {
    if (n.length < 1) return;
    let t: Technique | undefined;
    if (family === 'bowed') t = vibrato ?? tremolo;
    else if (family === 'plucked') t = n.length >= 2 ? (tremolo ?? vibrato) : (vibrato ?? tremolo);
    else if (family === 'struck') t = tremolo ?? vibrato;
    else if (family === 'wind')
      t = n.phraseEnd ? (vibrato ?? trill) : n.length >= 1.5 ? (trill ?? vibrato) : vibrato;
    else t = vibrato;
    if (t)
      candidates.push({
        category: t.category,
        technique: t,
        note: i,
        salience: Math.min(1.5, n.length / 2),
        onsets: [],
      });
  });
  // Added notes stay inside the instrument's practical range.
  const [lo, hi] = instrument.range?.practical ?? [0, 127];
  const grace = tech('grace');
  if (grace)
    notes.forEach((n, i) => {
      const prev = notes[i - 1];
      if (!prev || n.length < 0.5 || above(n.midi, scale) > hi) return;
      const repeated = prev.midi === n.midi;
      const leapt = Math.abs(prev.midi - n.midi) >= 5;
      if (repeated || leapt)
        candidates.push({
          category: 'grace',
          technique: grace,
          note: i,
          salience: repeated ? 0.7 : 0.5,
          onsets: [i],
        });
    });
  const gliss = tech('glissando');
  if (gliss)
    notes.forEach((n, i) => {
      if (n.phraseStart && n.length >= 0.5 && n.midi - 3 >= lo)
        candidates.push({
          category: 'glissando',
          technique: gliss,
          note: i,
          salience: i === 0 ? 1.2 : 0.9,
          onsets: [i],
        });
    });
  // The densest d of them, most salient first; one onset ornament per note.
  const keep = Math.round(d * candidates.length);
  const chosen: Candidate[] = [];
  const touched = new Set<number>();
  const sustained = new Set<number>();
  for (const c of [...candidates].sort((a, b) => b.salience - a.salience || a.note - b.note)) {
    if (chosen.length >= keep) break;
    if (c.onsets.some((o) => touched.has(o))) continue;
    const isSustain =
      c.category === 'vibrato' || c.category === 'tremolo' || c.category === 'trill';
    if (isSustain && sustained.has(c.note)) continue;
    chosen.push(c);
    c.onsets.forEach((o) => touched.add(o));
    if (isSustain) sustained.add(c.note);
  }
  chosen.sort((a, b) => a.note - b.note);
  return { ...apply(score, facts, chosen, scale, lo), candidates: candidates.length };
}

/** The slide technique for a direction: an upward or downward one when the atlas has it. */
function slideFor(slides: Technique[], rising: boolean): Technique {
  const up = (t: Technique) => /\bup|上/.test(`${t.id} ${t.names.en} ${t.names.zh}`);
  const down = (t: Technique) => /\bdown|下/.test(`${t.id} ${t.names.en} ${t.names.zh}`);
  return (
    slides.find((t) => (rising ? up(t) : down(t))) ??
    slides.find((t) => !up(t) && !down(t)) ??
    slides[0]!
  );
}

/** Pitch classes of the melody's scale (for grace notes, trills and glissando runs). */
function scaleOf(facts: MelodyFacts): number[] {
  const m = facts.mode;
  return m.modes[0]!.intervals.map((iv) => (m.tonicPc + iv) % 12);
}

function above(midi: number, scale: number[]): number {
  for (let d = 1; d <= 4; d++) if (scale.includes((midi + d) % 12)) return midi + d;
  return midi + 2;
}

function apply(
  score: Score,
  facts: MelodyFacts,
  chosen: Candidate[],
  scale: number[],
  lowest: number,
): { score: Score; ornaments: Ornament[] } {
  const notes = score.notes.map((n) => ({ ...n, marks: [...(n.marks ?? [])] }));
  const before = new Map<number, ScoreNote[]>();
  const transpose = score.transpose ?? 0;
  const written = (midi: number) => spellInKey(midi - transpose, score.key.fifths);
  const ornaments: Ornament[] = [];
  const mark = (i: number, m: Mark) => notes[i]!.marks.push(m);
  for (const c of chosen) {
    const n = facts.notes[c.note]!;
    const first = n.indices[0]!,
      last = n.indices[n.indices.length - 1]!;
    const name = label(c.technique);
    const where = placeText(n.place);
    let description: Bilingual;
    if (c.category === 'slide') {
      const next = facts.notes[c.note + 1]!;
      mark(last, { kind: 'slide', type: 'start', text: name });
      mark(next.indices[0]!, { kind: 'slide', type: 'stop' });
      description = {
        en: `${c.technique.names.en} (${name}) from ${noteName(n.midi)} to ${noteName(next.midi)} at ${where.en}`,
        zh: `${where.zh}${noteName(n.midi)}到${noteName(next.midi)}用${c.technique.names.zh}`,
      };
    } else if (c.category === 'vibrato' || c.category === 'tremolo' || c.category === 'trill') {
      const kind =
        c.category === 'vibrato' ? 'vibrato' : c.category === 'tremolo' ? 'tremolo' : 'trill';
      if (kind === 'tremolo') mark(first, { kind, value: 3 });
      else if (kind === 'trill') mark(first, { kind, value: above(n.midi, scale) - n.midi });
      else mark(first, { kind });
      mark(first, { kind: 'technique', text: name });
      description = {
        en: `${c.technique.names.en} (${name}) on ${noteName(n.midi)} at ${where.en}`,
        zh: `${where.zh}${noteName(n.midi)}用${c.technique.names.zh}`,
      };
    } else if (c.category === 'grace') {
      const g = above(n.midi, scale);
      before.set(first, [
        {
          pitch: written(g),
          duration: { n: 0, d: 1 },
          grace: { slash: true },
          marks: [{ kind: 'technique', text: name }],
        },
      ]);
      description = {
        en: `${c.technique.names.en} (${name}): grace note ${noteName(g)} before ${noteName(n.midi)} at ${where.en}`,
        zh: `${where.zh}${noteName(n.midi)}前加${c.technique.names.zh}${noteName(g)}`,
      };
    } else {
      // Glissando: a run up the scale from about an octave below into the note.
      const run: number[] = [];
      for (let m = Math.max(lowest, n.midi - 12); m < n.midi; m++)
        if (scale.includes(((m % 12) + 12) % 12)) run.push(m);
      const graces = run.slice(-5).map((m, k): ScoreNote => ({
        pitch: written(m),
        duration: { n: 0, d: 1 },
        grace: { slash: false },
        ...(k === 0 ? { marks: [{ kind: 'glissando', type: 'start', text: name } as Mark] } : {}),
      }));
      before.set(first, graces);
      mark(first, { kind: 'glissando', type: 'stop' });
      description = {
        en: `${c.technique.names.en} (${name}) up into ${noteName(n.midi)} at ${where.en}`,
        zh: `${where.zh}以${c.technique.names.zh}进入${noteName(n.midi)}`,
      };
    }
    ornaments.push({
      category: c.category,
      technique: { id: c.technique.id, ...c.technique.names },
      note: c.note,
      salience: c.salience,
      description,
    });
  }
  const out: ScoreNote[] = [];
  notes.forEach((n, i) => {
    out.push(...(before.get(i) ?? []));
    const { marks, ...rest } = n;
    out.push(marks.length ? { ...rest, marks } : rest);
  });
  return { score: { ...score, notes: out }, ornaments };
}
