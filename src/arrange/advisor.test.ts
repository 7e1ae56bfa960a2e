import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import toneMidi from '@tonejs/midi';
import { loadAtlas } from '../node/index.js';
import {
  melodyToScore,
  readMusicXml,
  readScore,
  scoreToMidi,
  soundingMidi,
  writeMusicXml,
  type Score,
} from '../notation/index.js';
import { repoRoot } from '../../test/shared-data.js';
import {
  adaptMelody,
  fitInstrument,
  melodyFacts,
  ornamentBends,
  pentatonicAdapt,
  planStrings,
} from './index.js';

const atlas = loadAtlas();
const pitched = atlas.all().filter((i) => i.pitched && i.range);
const index = JSON.parse(
  readFileSync(join(repoRoot, 'eval', 'melodies', 'index.json'), 'utf8'),
) as { file: string; title: string }[];
const fixtures: { title: string; score: Score }[] = index.map((f) => ({
  title: f.title,
  score: readScore(readFileSync(join(repoRoot, 'eval', 'melodies', f.file)), f.file),
}));
const PENTATONIC = [0, 2, 4, 7, 9];
const pc = (m: number) => ((m % 12) + 12) % 12;

describe('adaptation advisor: properties over every fixture and every atlas instrument', () => {
  it('has the fixtures and instruments to test', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(24);
    expect(pitched.length).toBeGreaterThanOrEqual(30);
  });

  it('puts every note of the adapted melody (grace notes too) in the practical range', () => {
    const problems: string[] = [];
    for (const { title, score } of fixtures)
      for (const inst of pitched) {
        const a = adaptMelody(score, atlas.all(), { to: inst.id, ornaments: 1 });
        const [lo, hi] = inst.range!.practical;
        for (const n of a.score.notes) {
          const m = soundingMidi(a.score, n);
          if (m !== undefined && (m < lo || m > hi))
            problems.push(`${title} on ${inst.id}: ${m} outside ${lo}–${hi}`);
        }
      }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('flags every guzheng note that is not an open string as a press-bend from a string 1–2 semitones below, and marks it', () => {
    const guzheng = atlas.get('guzheng')!;
    let flagged = 0;
    for (const { title, score } of fixtures) {
      const a = adaptMelody(score, atlas.all(), { to: 'guzheng' });
      const strings = new Set(a.fit.tuning.openStrings!);
      const facts = melodyFacts(a.score);
      const bends = new Map(a.fit.tuning.pressBends.map((b) => [b.note, b]));
      facts.notes.forEach((n, i) => {
        const b = bends.get(i);
        if (strings.has(n.midi)) expect(b, `${title} note ${i}`).toBeUndefined();
        else {
          expect(b, `${title} note ${i} (${n.midi}) needs a press-bend`).toBeDefined();
          expect(strings.has(b!.string)).toBe(true);
          expect(n.midi - b!.string).toBe(b!.semitones);
          expect([1, 2]).toContain(b!.semitones);
          const marks = a.score.notes[n.indices[0]!]!.marks ?? [];
          expect(marks.some((m) => m.kind === 'bend' && m.value === b!.semitones)).toBe(true);
          flagged++;
        }
      });
      expect(guzheng.tuning.retunable).toBe(true);
    }
    expect(flagged).toBeGreaterThan(0); // the Western tunes need some
  });

  it('pentatonic adaptation changes only non-pentatonic notes, into pentatonic ones, and reports each', () => {
    let changed = 0;
    for (const { title, score } of fixtures) {
      const facts = melodyFacts(score);
      const p = pentatonicAdapt(score, facts);
      const after = melodyFacts(p.score);
      expect(after.notes.length).toBe(facts.notes.length);
      const reported = new Map(p.changes.map((c) => [c.note, c]));
      facts.notes.forEach((n, i) => {
        const inScale = PENTATONIC.includes(pc(n.midi - p.gongPc));
        const now = after.notes[i]!.midi;
        expect(PENTATONIC.includes(pc(now - p.gongPc)), `${title} note ${i}`).toBe(true);
        if (inScale) {
          expect(now).toBe(n.midi);
          expect(reported.has(i)).toBe(false);
        } else {
          expect(reported.get(i)?.from).toBe(n.midi);
          expect(reported.get(i)?.to).toBe(now);
          expect(Math.abs(now - n.midi)).toBeLessThanOrEqual(2);
          expect(reported.get(i)!.reason.en).toMatch(/outside the .* pentatonic/);
          expect(reported.get(i)!.reason.zh).toMatch(/五声音阶/);
          changed++;
        }
      });
    }
    expect(changed).toBeGreaterThan(0);
  });

  it('the adapted score itself is pentatonic when asked, and agrees with the report', () => {
    for (const { title, score } of fixtures) {
      const a = adaptMelody(score, atlas.all(), {
        to: 'guzheng',
        pentatonic: true,
        ornaments: 0.5,
      });
      const gong = (a.pentatonic!.gongPc + a.fit.transposition + 120) % 12;
      for (const n of a.score.notes) {
        const m = soundingMidi(a.score, n);
        if (m !== undefined) expect(PENTATONIC.includes(pc(m - gong)), `${title}: ${m}`).toBe(true);
      }
      // No press-bend is advised for a note the adaptation removed.
      for (const b of a.fit.tuning.pressBends)
        expect(PENTATONIC.includes(pc(b.midi - gong))).toBe(true);
    }
  });

  it('ornament density 0 adds nothing; density grows the count; 1 uses every candidate place', () => {
    for (const { title, score } of fixtures.slice(0, 8))
      for (const to of ['erhu', 'pipa', 'dizi-d', 'guzheng', 'violin']) {
        const none = adaptMelody(score, atlas.all(), { to, ornaments: 0 });
        expect(none.ornaments, `${title} ${to}`).toEqual([]);
        const plain = adaptMelody(score, atlas.all(), { to });
        expect(none.score.notes.length).toBe(plain.score.notes.length);
        const marks = (s: Score) => s.notes.reduce((k, n) => k + (n.marks?.length ?? 0), 0);
        expect(marks(none.score)).toBe(marks(plain.score));
        const half = adaptMelody(score, atlas.all(), { to, ornaments: 0.5 }).ornaments.length;
        const all = adaptMelody(score, atlas.all(), { to, ornaments: 1 }).ornaments.length;
        expect(half).toBeLessThanOrEqual(all);
      }
  });
});

describe('adaptation advisor: instrument rules', () => {
  // Long notes, large leaps, repeated notes and phrase starts after rests.
  const phrase = melodyToScore(
    [
      { midi: 62, duration: 1 },
      { midi: 69, duration: 2 },
      { midi: 69, duration: 1 },
      { midi: 66, duration: 0.5 },
      { midi: 64, duration: 0.5 },
      { midi: 62, duration: 3 },
      { duration: 1 },
      { midi: 71, duration: 1 },
      { midi: 74, duration: 2 },
      { midi: 69, duration: 2 },
      { midi: 62, duration: 4 },
    ],
    { key: { fifths: 2 }, meter: { beats: 4, beatType: 4 }, tempo: 72 },
  );
  const categories = (to: string) =>
    new Set(
      adaptMelody(phrase, atlas.all(), { to, ornaments: 1 }).ornaments.map((o) => o.category),
    );

  it('erhu: slides on large intervals and vibrato on long notes', () => {
    const a = adaptMelody(phrase, atlas.all(), { to: 'erhu', ornaments: 1 });
    const slides = a.ornaments.filter((o) => o.category === 'slide');
    expect(slides.length).toBeGreaterThan(0);
    for (const s of slides) {
      const n = a.facts.notes[s.note]!;
      const next = a.facts.notes[s.note + 1]!;
      expect(Math.abs(next.midi - n.midi)).toBeGreaterThanOrEqual(3);
    }
    const vib = a.ornaments.filter((o) => o.category === 'vibrato');
    expect(vib.length).toBeGreaterThan(0);
    for (const v of vib) expect(a.facts.notes[v.note]!.length).toBeGreaterThanOrEqual(1);
  });

  it('pipa: 轮指 tremolo on long notes; dizi: grace notes and trills; guzheng: glissando into phrases', () => {
    expect(categories('pipa').has('tremolo')).toBe(true);
    const dizi = categories('dizi-d');
    expect(dizi.has('grace')).toBe(true);
    expect(dizi.has('trill') || dizi.has('vibrato')).toBe(true);
    expect(categories('guzheng').has('glissando')).toBe(true);
  });

  it('the adapted score keeps its techniques through MusicXML, and MIDI bends sound the slides and vibrato', () => {
    const a = adaptMelody(phrase, atlas.all(), { to: 'erhu', ornaments: 1 });
    const xml = writeMusicXml(a.score);
    const back = readMusicXml(xml);
    const kinds = (s: Score) => s.notes.flatMap((n) => (n.marks ?? []).map((m) => m.kind)).sort();
    expect(kinds(back)).toEqual(kinds(a.score));
    expect(xml).toContain('揉弦');
    const midi = new toneMidi.Midi(scoreToMidi(a.score, { bends: ornamentBends(a.score, 72) }));
    const bends = midi.tracks[0]!.pitchBends;
    expect(bends.length).toBeGreaterThan(20);
    expect(Math.max(...bends.map((b) => Math.abs(b.value)))).toBeGreaterThan(0);
  });

  it('"dizi" tries every dizi key and picks one with the fewest notes off its natural scale', () => {
    const a = adaptMelody(phrase, atlas.all(), { to: 'dizi' });
    expect(a.ranking.length).toBeGreaterThanOrEqual(5);
    expect(a.ranking.every((r) => r.instrument.id.startsWith('dizi-'))).toBe(true);
    const off = Math.min(...a.ranking.map((r) => r.fit.tuning.offScale.length));
    expect(a.fit.tuning.offScale.length).toBe(off);
  });

  it('erhu: a rising line climbs the positions on the outer string', () => {
    const plan = planStrings(
      [62, 64, 66, 67, 69, 71, 73, 74, 76, 78, 79, 81, 83, 85, 86],
      [62, 69],
    );
    expect(plan.path[0]).toEqual({ string: 0, position: 1 });
    expect(plan.highestPosition).toBeGreaterThanOrEqual(3);
    expect(plan.path[plan.path.length - 1]!.string).toBe(1);
    for (let i = 1; i < plan.path.length; i++)
      expect(plan.path[i]!.position).toBeGreaterThanOrEqual(plan.path[i - 1]!.position);
  });

  it('transposes a melody that lies too low into the range, keeping its shape', () => {
    const low = melodyToScore(
      [48, 50, 52, 55, 57, 60].map((m) => ({ midi: m, duration: 1 })),
      { key: { fifths: 0 } },
    );
    const erhu = atlas.get('erhu')!;
    const fit = fitInstrument(melodyFacts(low), erhu);
    expect(fit.transposition % 12 === 0 || fit.transposition > 0).toBe(true);
    expect(fit.range.folded).toEqual([]);
    expect(fit.range.coverage).toBe(1);
    expect(48 + fit.transposition).toBeGreaterThanOrEqual(erhu.range!.practical[0]);
  });

  it('a name several keys share means all of them; auto in any case; empty and huge melodies', () => {
    expect(adaptMelody(phrase, atlas.all(), { to: '笛子' }).ranking.length).toBe(6);
    expect(adaptMelody(phrase, atlas.all(), { to: 'bamboo flute' }).ranking.length).toBe(6);
    expect(adaptMelody(phrase, atlas.all(), { to: 'dizi-g' }).ranking.length).toBe(1);
    expect(adaptMelody(phrase, atlas.all(), { to: 'Auto' }).ranking.length).toBeGreaterThan(20);
    const rests = melodyToScore([{ duration: 4 }]);
    expect(() => adaptMelody(rests, atlas.all(), { to: 'erhu' })).toThrow(/no pitched notes/);
    const huge = melodyToScore(
      Array.from({ length: 200_000 }, (_, i) => ({ midi: 62 + ((i * 5) % 12), duration: 0.5 })),
    );
    const fit = fitInstrument(melodyFacts(huge), atlas.get('erhu')!);
    expect(fit.range.coverage).toBe(1);
  });

  it('refuses unpitched percussion and unknown names in one line', () => {
    expect(() => adaptMelody(phrase, atlas.all(), { to: 'bangu' })).toThrow(/unpitched percussion/);
    expect(() => adaptMelody(phrase, atlas.all(), { to: 'theremin-xyz' })).toThrow(
      /no instrument "theremin-xyz"/,
    );
    expect(() => adaptMelody(phrase, atlas.all(), { to: 'erhu', ornaments: 2 })).toThrow(/0–1/);
  });

  it('auto picks a Chinese instrument and says why, in English and Chinese', () => {
    const a = adaptMelody(phrase, atlas.all(), { to: 'auto', ornaments: 0.5 });
    expect(a.instrument.tradition).toBe('chinese');
    expect(a.ranking.length).toBeGreaterThan(20);
    expect(a.advice.some((l) => /Best fit of/.test(l.en) && /最合适/.test(l.zh))).toBe(true);
    expect(a.advice.every((l) => l.en.length > 0 && /[\u4e00-\u9fff]/.test(l.zh))).toBe(true);
  });
});
