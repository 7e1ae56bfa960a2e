/**
 * A short audio example of one playing technique of an instrument (for the atlas's cards): a
 * phrase of four notes in the instrument's tessitura (1 2 3 5 of a pentatonic scale) with the
 * technique's marking on the notes it shapes, played by the preview voice of its family. Only
 * techniques the preview renders get an example (vibrato, slides, grace notes, trills, tremolo,
 * glissandi, bends); for the others `techniqueExample` says so rather than play plain notes.
 */
import { ZhiyinError } from '../errors/index.js';
import type { Instrument, Technique } from '../atlas/index.js';
import { frac, spellInKey, type Mark, type Score, type ScoreNote } from '../notation/index.js';

/** Technique categories the preview can sound. */
export const EXAMPLE_CATEGORIES: ReadonlySet<Technique['category']> = new Set([
  'vibrato',
  'slide',
  'grace',
  'trill',
  'tremolo',
  'glissando',
  'bend',
]);

/**
 * The example phrase as a score (sounding pitch, 72 quarter notes a minute).
 * @example renderPreview(techniqueExample(erhu, erhu.techniques[0]), { voice: 'bowed' })
 */
export function techniqueExample(instrument: Instrument, technique: Technique): Score {
  if (!instrument.pitched || !instrument.range)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `${instrument.names.en} is unpitched: it has no example phrase.`,
    );
  if (!EXAMPLE_CATEGORIES.has(technique.category))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `the preview voices have no model of ${technique.names.en} (${technique.category}); read its notation instead.`,
    );
  const [lo, hi] = instrument.tessitura ?? instrument.range.practical;
  const root = Math.max(lo, Math.min(hi - 7, Math.round((lo + hi) / 2) - 4));
  const steps = [0, 2, 4, 7];
  const note = (midi: number, quarters: number, marks: Mark[] = []): ScoreNote => ({
    pitch: spellInKey(midi, 0),
    duration: frac(quarters),
    ...(marks.length && { marks }),
  });
  const label: Mark = {
    kind: 'technique',
    text: `${technique.names.zh} ${technique.names.pinyin}`,
  };
  const c = technique.category;
  const notes: ScoreNote[] = [];
  steps.forEach((step, i) => {
    const midi = root + step;
    const last = i === steps.length - 1;
    const marks: Mark[] = [];
    if (c === 'vibrato' && (last || i === 2)) marks.push({ kind: 'vibrato' });
    if (c === 'trill' && last) marks.push({ kind: 'trill' });
    if (c === 'tremolo' && last) marks.push({ kind: 'tremolo', value: 3 });
    if (c === 'bend' && i === 1) marks.push({ kind: 'bend', value: 1 });
    if ((c === 'slide' || c === 'glissando') && i === 1) marks.push({ kind: c, type: 'start' });
    if ((c === 'slide' || c === 'glissando') && i === 2) marks.push({ kind: c, type: 'stop' });
    if (c === 'grace' && i === 2)
      notes.push({ pitch: spellInKey(midi + 2, 0), duration: frac(0), grace: { slash: true } });
    if (i === 0) marks.push(label);
    notes.push(note(midi, last ? 3 : 1, marks));
  });
  return {
    title: `${instrument.names.en}: ${technique.names.en}`,
    key: { fifths: 0 },
    meter: { beats: 3, beatType: 4 },
    tempo: 72,
    notes,
  };
}
