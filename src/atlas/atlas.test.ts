/**
 * The atlas data and its queries: every record validates against data/atlas/schema.json and
 * is internally consistent (ranges, strings, counterparts, ids, sources), the required
 * instruments are all there, and the queries find instruments by any name, family, range and
 * technique.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { isZhiyinError } from '../errors/index.js';
import { packageRoot, readAtlasFiles } from '../node/atlas.js';
import {
  checkInstrument,
  createAtlas,
  foldName,
  midiToName,
  spanToNames,
  type Instrument,
} from './index.js';

const dataDir = join(packageRoot(), 'data', 'atlas');
const schema = JSON.parse(readFileSync(join(dataDir, 'schema.json'), 'utf8')) as object;
const instruments = readAtlasFiles(dataDir);
const atlas = createAtlas(instruments);
const validate = new Ajv2020({ allErrors: true }).compile(schema);
const ids = (list: Instrument[]) => list.map((i) => i.id);
const erhu = () => structuredClone(atlas.get('erhu')!) as unknown as Record<string, unknown>;

const REQUIRED_CHINESE = [
  ...['erhu', 'gaohu', 'zhonghu', 'banhu', 'jinghu', 'matouqin'],
  ...['pipa', 'liuqin', 'zhongruan', 'daruan', 'sanxian', 'yueqin', 'guzheng', 'guqin', 'konghou'],
  ...['yangqin', 'bianzhong', 'yunluo'],
  ...['dizi-c', 'dizi-d', 'dizi-e', 'dizi-f', 'dizi-g', 'dizi-a'],
  ...['xiao', 'suona', 'sheng', 'bawu', 'hulusi', 'xun'],
  ...['tanggu', 'bangu', 'daluo', 'xiaoluo', 'bo', 'muyu', 'paigu'],
];

describe('atlas data', () => {
  it('validates every record against the JSON Schema', () => {
    const failures = instruments.flatMap((i) =>
      (validate(structuredClone(i)) as boolean)
        ? []
        : [`${i.id}: ${JSON.stringify(validate.errors)}`],
    );
    expect(failures).toEqual([]);
  });

  it('rejects broken records, in the schema and at load time', () => {
    const broken = [
      { ...erhu(), tradition: 'klingon' },
      { ...erhu(), gm: { program: 128, name: 'Fiddle' } },
      { ...erhu(), range: { practical: [62, 93] } },
      { ...erhu(), sources: [] },
      { ...erhu(), pitched: false },
    ];
    for (const record of broken) expect(validate(record)).toBe(false);
    for (const record of broken.slice(0, 4)) {
      let error: unknown;
      try {
        checkInstrument(record, 'broken.json');
      } catch (e) {
        error = e;
      }
      expect(isZhiyinError(error) && error.code).toBe('CORRUPT_DATA');
      expect((error as Error).message).toMatch(/^broken\.json: /);
      expect((error as Error).message).not.toContain('\n');
    }
    expect(() =>
      checkInstrument({ ...erhu(), range: { practical: [62, 93], extended: [64, 90] } }, 'x'),
    ).toThrow(/range.extended must contain range.practical/);
  });

  it('has at least 30 Chinese and 15 Western instruments, all the required ones, unique ids', () => {
    const chinese = instruments.filter((i) => i.tradition === 'chinese');
    const western = instruments.filter((i) => i.tradition === 'western');
    expect(chinese.length).toBeGreaterThanOrEqual(30);
    expect(western.length).toBeGreaterThanOrEqual(15);
    expect(REQUIRED_CHINESE.filter((id) => atlas.get(id)?.tradition !== 'chinese')).toEqual([]);
    expect(new Set(ids(instruments)).size).toBe(instruments.length);
  });

  it('keeps ranges, strings and transpositions consistent', () => {
    const problems: string[] = [];
    const inMidi = (m: number) => Number.isInteger(m) && m >= 0 && m <= 127;
    for (const i of instruments) {
      if (i.pitched !== (i.range !== undefined)) problems.push(`${i.id}: pitched vs range`);
      if (!i.range) continue;
      const { practical: p, extended: e } = i.range;
      if (![...p, ...e].every(inMidi) || p[0] > p[1] || e[0] > e[1])
        problems.push(`${i.id}: bad range`);
      if (e[0] > p[0] || e[1] < p[1]) problems.push(`${i.id}: extended ⊉ practical`);
      if (i.tessitura && (i.tessitura[0] < p[0] || i.tessitura[1] > p[1]))
        problems.push(`${i.id}: tessitura outside practical`);
      const strings = i.tuning.openStrings ?? [];
      if (strings.some((s, k) => k > 0 && s < strings[k - 1]!))
        problems.push(`${i.id}: open strings not ascending`);
      if (strings.some((s) => s < e[0] || s > e[1]))
        problems.push(`${i.id}: open string outside the extended range`);
      if (i.tuning.fundamental !== undefined && i.tuning.fundamental !== p[0])
        problems.push(`${i.id}: fundamental is not the lowest practical note`);
    }
    expect(problems).toEqual([]);
  });

  it('links counterparts across traditions, symmetrically', () => {
    const problems: string[] = [];
    for (const i of instruments)
      for (const id of i.counterparts) {
        const other = atlas.get(id);
        if (!other) problems.push(`${i.id} → ${id}: no such id`);
        else if (other.tradition === i.tradition) problems.push(`${i.id} → ${id}: same tradition`);
        else if (!other.counterparts.includes(i.id)) problems.push(`${i.id} → ${id}: one-way`);
      }
    expect(problems).toEqual([]);
  });

  it('gives every instrument sources, a GM program and unique technique ids', () => {
    for (const i of instruments) {
      expect(i.sources.length, i.id).toBeGreaterThan(0);
      expect(i.gm.program, i.id).toBeGreaterThanOrEqual(0);
      expect(i.gm.program, i.id).toBeLessThanOrEqual(127);
      const tids = i.techniques.map((t) => t.id);
      expect(new Set(tids).size, i.id).toBe(tids.length);
      expect(i.pitched || i.gm.percussionKey !== undefined, i.id).toBe(true);
    }
  });

  it('quotes the shared MuseScore facts for the erhu and the dizi', () => {
    const e = atlas.get('erhu')!;
    expect(e.tuning.openStrings).toEqual([62, 69]);
    expect(e.range).toEqual({ practical: [62, 93], extended: [62, 105] });
    expect(e.gm.program).toBe(110);
    expect(atlas.get('pipa')!.tuning.openStrings).toEqual([45, 50, 52, 57]);
    expect(atlas.get('dizi-d')!.range!.practical).toEqual([69, 95]);
    expect(atlas.get('dizi-d')!.tuning.fundamental).toBe(69);
    expect(atlas.get('dizi-d')!.tuning.scalePitchClasses).toEqual([1, 2, 4, 6, 7, 9, 11]);
    const zheng = atlas.get('guzheng')!;
    expect(zheng.tuning.openStrings).toHaveLength(21);
    expect(zheng.range!.practical).toEqual([38, 86]);
    expect(atlas.get('clarinet-bb')!.transposition).toBe(-2);
    expect(atlas.get('piccolo')!.transposition).toBe(12);
    expect(atlas.get('double-bass')!.transposition).toBe(-12);
  });

  it('gives the advisor the ornament categories it inserts', () => {
    const has = (id: string, category: string) =>
      atlas.get(id)!.techniques.some((t) => t.category === category);
    for (const id of ['erhu', 'gaohu', 'zhonghu', 'banhu', 'jinghu', 'matouqin'])
      for (const c of ['slide', 'vibrato']) expect(has(id, c), `${id} ${c}`).toBe(true);
    for (const key of ['c', 'd', 'e', 'f', 'g', 'a']) {
      const dizi = atlas.get(`dizi-${key}`)!;
      for (const c of ['grace', 'trill']) expect(has(dizi.id, c), `${dizi.id} ${c}`).toBe(true);
      expect(dizi.techniques.some((t) => t.names.zh === '花舌')).toBe(true);
    }
    for (const id of ['pipa', 'liuqin', 'zhongruan', 'daruan'])
      expect(has(id, 'tremolo')).toBe(true);
    const zheng = atlas.get('guzheng')!;
    for (const c of ['glissando', 'bend', 'vibrato', 'tremolo'])
      expect(has('guzheng', c)).toBe(true);
    expect(zheng.techniques.find((t) => t.id === 'press-bend')?.category).toBe('bend');
    for (const c of ['vibrato', 'slide', 'trill', 'tremolo']) expect(has('violin', c)).toBe(true);
    for (const c of ['trill', 'tremolo']) expect(has('flute', c)).toBe(true);
    expect(has('harp', 'glissando')).toBe(true);
    for (const c of ['bend', 'vibrato', 'slide']) expect(has('classical-guitar', c)).toBe(true);
  });
});

describe('atlas queries', () => {
  it('finds the erhu by any name, in any script', () => {
    for (const q of ['二胡', 'erhu', 'èrhú', 'Er Hu', 'ERHU', 'two-string fiddle', 'nanhu', '南胡'])
      expect(atlas.find(q)[0]?.id, q).toBe('erhu');
  });

  it('ranks exact before prefix before substring', () => {
    expect(atlas.find('zheng')[0]?.id).toBe('guzheng'); // alias "zheng" exact
    const m = atlas.match('hu');
    expect(m.map((x) => x.score)).toEqual([...m.map((x) => x.score)].sort((a, b) => b - a));
    expect(ids(atlas.find('hu'))).toEqual(expect.arrayContaining(['erhu', 'gaohu', 'banhu']));
    expect(atlas.find('')).toEqual([]);
    expect(atlas.find('no such thing')).toEqual([]);
  });

  it('selects by family: orchestral, 八音 and Hornbostel–Sachs', () => {
    expect(ids(atlas.byFamily('丝'))).toContain('guzheng');
    expect(ids(atlas.byFamily('si'))).toEqual(ids(atlas.byFamily('丝')));
    expect(ids(atlas.byFamily('sī'))).toContain('pipa');
    expect(ids(atlas.byFamily('竹'))).toContain('dizi-d');
    expect(ids(atlas.byFamily('匏'))).toContain('sheng');
    expect(ids(atlas.byFamily('bowed'))).toEqual(expect.arrayContaining(['erhu', 'violin']));
    expect(ids(atlas.byFamily('拉弦'))).toEqual(ids(atlas.byFamily('bowed')));
    expect(ids(atlas.byFamily('312.22'))).toEqual(expect.arrayContaining(['guzheng', 'guqin']));
    expect(ids(atlas.byFamily('3')).length).toBeGreaterThan(10);
    expect(() => atlas.byFamily('plastic')).toThrow(/is no family/);
  });

  it('selects pitched instruments whose practical range covers a span', () => {
    const covering = atlas.byRange(62, 81);
    expect(ids(covering)).toEqual(expect.arrayContaining(['erhu', 'violin', 'flute']));
    expect(ids(covering)).not.toContain('dizi-d');
    expect(ids(covering)).not.toContain('tanggu');
    expect(covering.every((i) => i.range!.practical[0] <= 62 && i.range!.practical[1] >= 81)).toBe(
      true,
    );
    expect(() => atlas.byRange(70, 60)).toThrow(/runs downwards/);
    expect(() => atlas.byRange(-1, 60)).toThrow(/lowMidi/);
  });

  it('selects by technique id, category or name', () => {
    expect(ids(atlas.byTechnique('按音'))).toContain('guzheng');
    expect(ids(atlas.byTechnique('press-bend'))).toEqual(
      expect.arrayContaining(['guzheng', 'konghou']),
    );
    expect(ids(atlas.byTechnique('glissando'))).toEqual(
      expect.arrayContaining(['guzheng', 'harp']),
    );
    expect(ids(atlas.byTechnique('flutter'))).toContain('flute');
    expect(ids(atlas.byTechnique('花舌'))).toContain('dizi-g');
    expect(ids(atlas.byTechnique('lunzhi'))).toContain('pipa');
    expect(atlas.techniques('揉弦').every((m) => m.technique.names.zh.includes('揉弦'))).toBe(true);
  });

  it('suggests near names for misspellings', () => {
    expect(ids(atlas.nearest('erhoo'))).toContain('erhu');
    expect(ids(atlas.nearest('guzhen'))[0]).toBe('guzheng');
  });

  it('folds names and spells MIDI numbers', () => {
    expect(foldName('Èr Hú')).toBe('erhu');
    expect(foldName('lǜ')).toBe('lu');
    expect(midiToName(62)).toBe('D4');
    expect(midiToName(70)).toBe('B♭4');
    expect(midiToName(66, { ascii: true })).toBe('F#4');
    expect(spanToNames([62, 93])).toBe('D4–A6');
  });

  it('returns copies, so callers cannot reorder the atlas', () => {
    const all = atlas.all();
    all.reverse();
    expect(atlas.all()[0]!.id).toBe(instruments[0]!.id);
  });
});
