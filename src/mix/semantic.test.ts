import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { descriptorTestSignals } from '../../eval/mix-signals.js';
import { measureLoudness } from '../loudness/index.js';
import { loadLexicon } from '../node/mixdata.js';
import { describeSound } from './features.js';
import { applySemantic, checkLexicon, parseSemantic, resolveActions } from './semantic.js';

const lexicon = loadLexicon();

describe('the lexicon', () => {
  it('passes its JSON schema and the runtime check, with at least 40 bilingual descriptors', () => {
    const schema = JSON.parse(readFileSync('data/mix/lexicon.schema.json', 'utf8')) as object;
    const raw = JSON.parse(readFileSync('data/mix/lexicon.json', 'utf8')) as unknown;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    expect(lexicon.descriptors.length).toBeGreaterThanOrEqual(40);
    for (const d of lexicon.descriptors) {
      expect(d.zh[0], d.id).toMatch(/\p{Script=Han}/u);
      expect(d.pinyin, d.id).toMatch(/[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]/);
      expect(d.sources.length, d.id).toBeGreaterThan(0);
    }
    for (const id of [
      'warm',
      'bright',
      'airy',
      'muddy',
      'boomy',
      'harsh',
      'thin',
      'full',
      'punchy',
      'crisp',
      'dark',
      'clear',
      'distant',
      'intimate',
      'spacious',
      'dry',
      'wet',
    ])
      expect(lexicon.descriptors.map((d) => d.id)).toContain(id);
  });

  it('refuses a lexicon with a word naming two descriptors or an unknown source', () => {
    const twice = structuredClone(lexicon);
    twice.descriptors[1]!.zh.push(twice.descriptors[0]!.zh[0]!);
    expect(() => checkLexicon(twice)).toThrow(/names both/);
    const unsourced = structuredClone(lexicon);
    unsourced.descriptors[0]!.sources = ['nowhere'];
    expect(() => checkLexicon(unsourced)).toThrow(/unknown source "nowhere"/);
    expect(() => checkLexicon({ format: 'x' })).toThrow(/format "zhiyin-lexicon"/);
  });
});

describe('parsing requests', () => {
  const parse = (t: string) =>
    parseSemantic(t, lexicon).map((r) => [r.descriptor, r.intensity, r.less]);
  it('reads English comparatives, modifiers and "less"/"too"', () => {
    expect(parse('warmer')).toEqual([['warm', 1, false]]);
    expect(parse('a bit brighter')).toEqual([['bright', 0.5, false]]);
    expect(parse('much more reverb')).toEqual([['wet', 2, false]]);
    expect(parse('less muddy, too harsh')).toEqual([
      ['muddy', 1, true],
      ['harsh', 1, true],
    ]);
    expect(parse('Warm:1.5')).toEqual([['warm', 1.5, false]]);
  });
  it('reads Chinese and pinyin', () => {
    expect(parse('更温暖')).toEqual([['warm', 1, false]]);
    expect(parse('暖一点')).toEqual([['warm', 0.5, false]]);
    expect(parse('太刺耳了')).toEqual([['harsh', 1, true]]);
    expect(parse('不那么浑浊、更清晰')).toEqual([
      ['muddy', 1, true],
      ['clear', 1, false],
    ]);
    expect(parse('非常明亮')).toEqual([['bright', 2, false]]);
    expect(parse('wenNuan')).toEqual([['warm', 1, false]]);
  });
  it('names the unknown word and refuses an intensity above 3', () => {
    expect(() => parseSemantic('sparklingly purple', lexicon)).toThrow(
      /"sparklingly purple" is not a descriptor/,
    );
    expect(() => parseSemantic('warm:5', lexicon)).toThrow(
      /intensity must be above 0 and at most 3/,
    );
    expect(() => parseSemantic('  ', lexicon)).toThrow(/no descriptor given/);
  });
  it('"less X" applies the opposite where there is one, and X inverted where not', () => {
    const [lessWarm] = parseSemantic('less warm', lexicon);
    const cold = lexicon.descriptors.find((d) => d.id === 'cold')!;
    expect(resolveActions(lessWarm!, lexicon)).toEqual(cold.actions);
    const [lessNasal] = parseSemantic('less nasal', lexicon);
    const actions = resolveActions(lessNasal!, lexicon);
    expect(actions[0]).toMatchObject({ type: 'eq', bands: [{ frequencyHz: 1100, gainDb: -3.5 }] });
  });
});

describe('every descriptor moves its feature, at equal loudness', () => {
  const signals = descriptorTestSignals(44_100, 3);
  const base = signals.map(([, a]) => ({
    features: describeSound(a),
    lufs: measureLoudness(a).integratedLufs,
  }));
  for (const d of lexicon.descriptors) {
    it(`${d.id} ${d.zh[0]}: ${d.feature} ${d.direction > 0 ? 'up' : 'down'}, and down again for "less"`, () => {
      const misses: string[] = [];
      for (const less of [false, true])
        signals.forEach(([name, audio], i) => {
          const { audio: y } = applySemantic(
            audio,
            [{ descriptor: d.id, intensity: 1, less, text: d.id }],
            lexicon,
          );
          const moved =
            (describeSound(y)[d.feature] - base[i]!.features[d.feature]) *
            d.direction *
            (less ? -1 : 1);
          const lufs = measureLoudness(y).integratedLufs;
          if (!(moved > 0)) misses.push(`${less ? 'less ' : ''}${name}: moved ${moved}`);
          if (Math.abs(lufs - base[i]!.lufs) > 0.5)
            misses.push(`${name}: loudness ${lufs} vs ${base[i]!.lufs}`);
        });
      expect(misses).toEqual([]);
    });
  }
});

describe('the shipped profiles and the project schema', () => {
  const ajv = () => new Ajv2020({ allErrors: true, strict: false });
  it('profiles pass their schema; every basis is a source', () => {
    const schema = JSON.parse(readFileSync('data/mix/profiles.schema.json', 'utf8')) as object;
    const validate = ajv().compile(schema);
    const raw = JSON.parse(readFileSync('data/mix/profiles.json', 'utf8')) as unknown;
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    const ids = (raw as { profiles: { id: string }[] }).profiles.map((p) => p.id);
    for (const id of [
      'phone-speaker',
      'earbuds',
      'living-room-hifi',
      'car',
      'hearing-support',
      'zh-pop-mobile',
      'uk-pop-hifi',
    ])
      expect(ids).toContain(id);
  });
  it('the project schema refuses paths that leave the folder', () => {
    const validate = ajv().compile(
      JSON.parse(readFileSync('data/mix/project.schema.json', 'utf8')) as object,
    );
    const project = (file: string) => ({
      format: 'zhiyin-mix',
      version: 1,
      objects: [{ id: 'v', file, role: 'lead-vocal' }],
    });
    expect(validate(project('stems/vocal.wav'))).toBe(true);
    expect(validate(project('../vocal.wav'))).toBe(false);
    expect(validate(project('/etc/passwd'))).toBe(false);
  });
});
