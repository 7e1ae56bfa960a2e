/**
 * Technique examples: every technique the preview can sound gets a phrase in its instrument's
 * tessitura with that technique's marking, which renders to audible sound; the others are refused.
 */
import { describe, expect, it } from 'vitest';
import { readAtlasFiles } from '../node/index.js';
import { EXAMPLE_CATEGORIES, previewVoiceFor, renderPreview, techniqueExample } from './index.js';
import { soundingMidi } from '../notation/index.js';

const atlas = readAtlasFiles();
const MARK: Record<string, string> = {
  vibrato: 'vibrato',
  slide: 'slide',
  trill: 'trill',
  tremolo: 'tremolo',
  glissando: 'glissando',
  bend: 'bend',
};

describe('technique examples', () => {
  const cases = atlas.flatMap((i) => (i.pitched ? i.techniques.map((t) => ({ i, t })) : []));

  it('marks each sounding technique on a phrase inside the tessitura, and renders it', () => {
    let rendered = 0;
    for (const { i, t } of cases) {
      if (!EXAMPLE_CATEGORIES.has(t.category)) continue;
      const score = techniqueExample(i, t);
      const [lo, hi] = i.range!.extended;
      for (const n of score.notes) {
        const m = soundingMidi(score, n)!;
        expect(m, `${i.id} ${t.id}`).toBeGreaterThanOrEqual(lo);
        expect(m, `${i.id} ${t.id}`).toBeLessThanOrEqual(hi + 2);
      }
      if (t.category === 'grace') expect(score.notes.some((n) => n.grace)).toBe(true);
      else
        expect(
          score.notes.some((n) => n.marks?.some((m) => m.kind === MARK[t.category])),
          `${i.id} ${t.id}`,
        ).toBe(true);
      if (rendered++ < 6) {
        const samples = renderPreview(score, { voice: previewVoiceFor(i.family.orchestral) });
        let peak = 0;
        for (const v of samples) peak = Math.max(peak, Math.abs(v));
        expect(peak).toBeGreaterThan(0.1);
      }
    }
    expect(rendered).toBeGreaterThan(20);
  });

  it('refuses techniques the preview cannot sound, and unpitched instruments', () => {
    const other = cases.find(({ t }) => !EXAMPLE_CATEGORIES.has(t.category))!;
    expect(() => techniqueExample(other.i, other.t)).toThrow(/no model of/);
    const drum = atlas.find((i) => !i.pitched && i.techniques.length)!;
    expect(() => techniqueExample(drum, drum.techniques[0]!)).toThrow(/unpitched/);
  });
});
