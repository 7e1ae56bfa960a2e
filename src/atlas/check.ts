/**
 * A light structural check of atlas records at load time, so that a damaged data file fails
 * with one clear line instead of a crash deep in a query. The full JSON Schema
 * (data/atlas/schema.json) is enforced by the tests with ajv, which stays a dev dependency.
 */
import { ZhiyinError } from '../errors/index.js';
import type { Instrument } from './types.js';

const FAMILIES = ['bowed', 'plucked', 'struck', 'wind', 'percussion', 'keyboard'];
const BAYIN = ['金', '石', '丝', '竹', '匏', '土', '革', '木'];
const CATEGORIES = [
  'vibrato',
  'slide',
  'grace',
  'trill',
  'tremolo',
  'glissando',
  'bend',
  'harmonic',
  'articulation',
  'multiphonic',
  'percussive',
  'other',
];
const TUNINGS = ['open-strings', 'fixed-scale', 'chromatic', 'unpitched'];
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

type Json = Record<string, unknown>;

class Checker {
  constructor(private readonly where: string) {}

  fail(path: string, what: string): never {
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${this.where}: ${path} ${what}; fix the atlas record (see data/atlas/schema.json).`,
    );
  }

  object(value: unknown, path: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(path, 'must be an object');
    return value as Json;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.trim() === '')
      this.fail(path, 'must be a non-empty string');
    return value;
  }

  oneOf(value: unknown, allowed: string[], path: string): string {
    const s = this.string(value, path);
    if (!allowed.includes(s)) this.fail(path, `must be one of ${allowed.join(', ')}`);
    return s;
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      this.fail(path, `must be a whole number from ${min} to ${max}`);
    return value;
  }

  array(value: unknown, path: string, nonEmpty = false): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'must be an array');
    if (nonEmpty && value.length === 0) this.fail(path, 'must not be empty');
    return value;
  }

  midiSpan(value: unknown, path: string): [number, number] {
    const a = this.array(value, path);
    if (a.length !== 2) this.fail(path, 'must be [low, high]');
    const lo = this.integer(a[0], `${path}[0]`, 0, 127);
    const hi = this.integer(a[1], `${path}[1]`, 0, 127);
    if (lo > hi) this.fail(path, `has low ${lo} above high ${hi}`);
    return [lo, hi];
  }

  triName(value: unknown, path: string): void {
    const o = this.object(value, path);
    for (const k of ['zh', 'pinyin', 'en']) this.string(o[k], `${path}.${k}`);
  }
}

/**
 * Checks the structure of one atlas record and returns it typed; throws `CORRUPT_DATA` with
 * one line naming the file and the field otherwise.
 * @example const erhu = checkInstrument(JSON.parse(text), 'data/atlas/chinese/erhu.json');
 */
export function checkInstrument(json: unknown, where: string): Instrument {
  const c = new Checker(where);
  const o = c.object(json, 'the record');
  const id = c.string(o.id, 'id');
  if (!KEBAB.test(id)) c.fail('id', `"${id}" must be kebab-case`);
  c.oneOf(o.tradition, ['chinese', 'western'], 'tradition');

  const names = c.object(o.names, 'names');
  c.triName(names, 'names');
  c.array(names.aliases, 'names.aliases').forEach((a, i) => c.string(a, `names.aliases[${i}]`));
  const summary = c.object(o.summary, 'summary');
  c.string(summary.en, 'summary.en');
  c.string(summary.zh, 'summary.zh');

  const family = c.object(o.family, 'family');
  c.oneOf(family.orchestral, FAMILIES, 'family.orchestral');
  if (family.bayin !== undefined) c.oneOf(family.bayin, BAYIN, 'family.bayin');
  const hs = c.object(family.hornbostelSachs, 'family.hornbostelSachs');
  const hsNumber = c.string(hs.number, 'family.hornbostelSachs.number');
  if (!/^[1-5][0-9.\-+]*$/.test(hsNumber))
    c.fail('family.hornbostelSachs.number', `"${hsNumber}" is not a Hornbostel–Sachs number`);
  c.string(hs.name, 'family.hornbostelSachs.name');

  if (typeof o.pitched !== 'boolean') c.fail('pitched', 'must be true or false');
  if (o.pitched) {
    const range = c.object(o.range, 'range');
    const p = c.midiSpan(range.practical, 'range.practical');
    const e = c.midiSpan(range.extended, 'range.extended');
    if (e[0] > p[0] || e[1] < p[1]) c.fail('range.extended', 'must contain range.practical');
    if (o.tessitura !== undefined) {
      const t = c.midiSpan(o.tessitura, 'tessitura');
      if (t[0] < p[0] || t[1] > p[1]) c.fail('tessitura', 'must lie within range.practical');
    }
  } else if (o.range !== undefined) c.fail('range', 'must be left out for unpitched instruments');
  c.integer(o.transposition, 'transposition', -48, 48);

  const tuning = c.object(o.tuning, 'tuning');
  c.oneOf(tuning.kind, TUNINGS, 'tuning.kind');
  if (tuning.openStrings !== undefined) {
    const s = c.array(tuning.openStrings, 'tuning.openStrings', true);
    s.forEach((m, i) => c.integer(m, `tuning.openStrings[${i}]`, 0, 127));
  }
  if (tuning.fundamental !== undefined) c.integer(tuning.fundamental, 'tuning.fundamental', 0, 127);
  if (tuning.scalePitchClasses !== undefined)
    c.array(tuning.scalePitchClasses, 'tuning.scalePitchClasses', true).forEach((m, i) =>
      c.integer(m, `tuning.scalePitchClasses[${i}]`, 0, 11),
    );
  if (tuning.retunable !== undefined && typeof tuning.retunable !== 'boolean')
    c.fail('tuning.retunable', 'must be true or false');
  c.string(tuning.note, 'tuning.note');

  c.array(o.keys, 'keys').forEach((k, i) => c.string(k, `keys[${i}]`));
  c.integer(o.polyphony, 'polyphony', 1, 128);

  const seen = new Set<string>();
  c.array(o.techniques, 'techniques').forEach((t, i) => {
    const path = `techniques[${i}]`;
    const tech = c.object(t, path);
    const tid = c.string(tech.id, `${path}.id`);
    if (!KEBAB.test(tid)) c.fail(`${path}.id`, `"${tid}" must be kebab-case`);
    if (seen.has(tid)) c.fail(`${path}.id`, `"${tid}" is used twice`);
    seen.add(tid);
    c.oneOf(tech.category, CATEGORIES, `${path}.category`);
    c.triName(tech.names, `${path}.names`);
    c.string(tech.sound, `${path}.sound`);
    c.string(tech.soundZh, `${path}.soundZh`);
    const notation = c.object(tech.notation, `${path}.notation`);
    c.string(notation.jianpu, `${path}.notation.jianpu`);
    c.string(notation.staff, `${path}.notation.staff`);
    c.integer(tech.difficulty, `${path}.difficulty`, 1, 5);
  });

  const gm = c.object(o.gm, 'gm');
  c.integer(gm.program, 'gm.program', 0, 127);
  c.string(gm.name, 'gm.name');
  if (gm.percussionKey !== undefined) c.integer(gm.percussionKey, 'gm.percussionKey', 0, 127);

  c.array(o.counterparts, 'counterparts').forEach((x, i) => c.string(x, `counterparts[${i}]`));
  c.array(o.sources, 'sources', true).forEach((s, i) => {
    const src = c.object(s, `sources[${i}]`);
    c.string(src.fact, `sources[${i}].fact`);
    c.string(src.source, `sources[${i}].source`);
  });
  return o as unknown as Instrument;
}
