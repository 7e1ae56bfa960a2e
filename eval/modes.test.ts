/**
 * The melody fixtures (eval/melodies/) and the mode-detection target: the index is well formed,
 * every tune parses and matches its documentation (final note on the tonic, every note inside the
 * documented scale, Chinese forms no larger than the notes need), and detection agrees with the
 * documentation on at least 90 % of the tunes (the target).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAbc } from '../src/notation/index.js';
import { modeById } from '../src/theory/index.js';
import {
  diagnose,
  evaluateModes,
  loadFixtures,
  melodiesDir,
  readIndex,
  tonicPitchClass,
} from './modes.js';

const pcOf = (midi: number) => ((Math.round(midi) % 12) + 12) % 12;

describe('melody fixtures', () => {
  const index = readIndex();
  const dir = melodiesDir();

  it('has a valid index of at least 24 melodies from both traditions', () => {
    expect(index.length).toBeGreaterThanOrEqual(24);
    expect(new Set(index.map((f) => f.file)).size).toBe(index.length);
    for (const f of index) {
      const where = `${f.file}:`;
      expect(existsSync(join(dir, f.file)), `${where} file missing`).toBe(true);
      const mode = modeById(f.mode);
      expect(mode, `${where} unknown mode id ${f.mode}`).toBeDefined();
      expect(['chinese', 'western'], where).toContain(f.tradition);
      // Chinese tunes are documented in the Chinese system, Western ones in the Western.
      expect(mode!.system, `${where} ${f.mode} is not a ${f.tradition} mode`).toBe(f.tradition);
      expect(() => tonicPitchClass(f.tonic), `${where} tonic ${f.tonic}`).not.toThrow();
      expect(f.title && f.origin && f.documentation && f.source, where).toBeTruthy();
      if (f.endsOnTonic === false) expect(f.endsOnTonicReason, where).toBeTruthy();
      for (const t of f.outsideScale ?? [])
        expect(() => tonicPitchClass(t), `${where} ${t}`).not.toThrow();
    }
    for (const t of ['chinese', 'western'])
      expect(index.filter((f) => f.tradition === t).length).toBeGreaterThanOrEqual(6);
  });

  it('has the header fields of the fixture convention in every file', () => {
    for (const f of index) {
      const lines = readFileSync(join(dir, f.file), 'utf8').split('\n');
      expect(lines[0], f.file).toBe('X:1');
      for (const field of ['T:', 'O:', 'C:', '% ', 'M:', 'L:', 'K:'])
        expect(
          lines.some((l) => l.startsWith(field)),
          `${f.file}: no ${field} line`,
        ).toBe(true);
    }
  });

  it('parses every tune, with at least 16 notes, ending on the documented tonic', () => {
    for (const { fixture, notes, tonicPc } of loadFixtures()) {
      const sounding = notes.filter((n) => n.midi !== undefined);
      expect(sounding.length, fixture.file).toBeGreaterThanOrEqual(16);
      if (fixture.endsOnTonic === false) continue;
      expect(pcOf(sounding.at(-1)!.midi!), `${fixture.file}: final note`).toBe(tonicPc);
    }
  });

  it('keeps every note inside the documented scale, and each Chinese form as small as the notes allow', () => {
    for (const { fixture, notes, tonicPc } of loadFixtures()) {
      const mode = modeById(fixture.mode)!;
      const scale = new Set(mode.intervals.map((iv) => (tonicPc + iv) % 12));
      const allowed = new Set((fixture.outsideScale ?? []).map(tonicPitchClass));
      const used = new Set(notes.filter((n) => n.midi !== undefined).map((n) => pcOf(n.midi!)));
      const stray = [...used].filter((k) => !scale.has(k) && !allowed.has(k));
      expect(stray, `${fixture.file}: pitch classes outside ${fixture.mode}`).toEqual([]);
      for (const k of allowed)
        expect(used.has(k), `${fixture.file}: ${k} listed but unused`).toBe(true);
      if (mode.system === 'chinese' && mode.id.includes('-')) {
        // A hexatonic or heptatonic form is documented only when its added tones occur.
        const base = modeById(mode.id.split('-')[0]!)!;
        const added = mode.intervals.filter((iv) => !base.intervals.includes(iv));
        for (const iv of added)
          expect(used.has((tonicPc + iv) % 12), `${fixture.file}: added tone +${iv} unused`).toBe(
            true,
          );
      }
    }
  });

  it('writes the K: field as the documented key (Western: the tonic; Chinese: 1= the gong)', () => {
    for (const f of index) {
      const tune = readAbc(readFileSync(join(dir, f.file), 'utf8'), f.file);
      const mode = modeById(f.mode)!;
      const tonicPc = tonicPitchClass(f.tonic);
      const expected =
        mode.system === 'chinese' ? (tonicPc - mode.gongToTonic! + 12) % 12 : tonicPc;
      expect(tune.keyTonicPc, `${f.file}: K:${tune.key}`).toBe(expected);
    }
  });
});

describe('mode detection on the fixtures', () => {
  it('agrees with the documentation on at least 90 % of the melodies', () => {
    const results = evaluateModes();
    const misses = results.filter((r) => !r.agreement);
    const rate = 1 - misses.length / results.length;
    const list = misses.map((r) => `${r.fixture.file}: ${diagnose(r)}`).join('\n');
    expect(
      rate,
      `agreement ${(100 * rate).toFixed(0)} % (${results.length - misses.length}/${results.length}); misses:\n${list}`,
    ).toBeGreaterThanOrEqual(0.9);
  });
});
