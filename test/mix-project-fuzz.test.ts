/**
 * Seeded fuzzing of mix project JSON: 2,000 mutations of a valid project (byte flips,
 * truncations, deep nesting, huge numbers, wrong types, unknown and missing keys, path tricks
 * such as "../x.wav", "/etc/passwd" and "a/../../b") read with `readMixProject` from a file and,
 * when the text parses, checked with `checkProject`. Every outcome must be a project that
 * data/mix/project.schema.json accepts, or a ZhiyinError with a one-line message; nothing else
 * may escape and no case may take long.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../eval/signals.js';
import { isZhiyinError } from '../src/errors/index.js';
import { checkProject } from '../src/mix/index.js';
import { readMixProject } from '../src/node/index.js';
import { repoRoot } from './shared-data.js';

const CASES = 2000;
const SLOW_MS = 1000;

const BASE = {
  $schema: '../../data/mix/project.schema.json',
  format: 'zhiyin-mix',
  version: 1,
  title: 'Fuzz 模糊',
  sampleRate: 44100,
  objects: [
    {
      id: 'vocal',
      file: 'stems/vocal.wav',
      role: 'lead-vocal',
      importance: 3,
      gainDb: -1.5,
      pan: 0,
      offsetSeconds: 0.5,
      chain: [{ type: 'eq', bands: [{ type: 'highpass', frequencyHz: 80 }] }],
      descriptors: ['warmer', '更清晰'],
    },
    {
      id: 'erhu',
      file: 'stems/二胡.flac',
      role: 'chinese-instrument',
      instrument: 'erhu',
      pan: -0.3,
      mute: false,
    },
    { id: 'drums.1', file: 'stems/drums.wav', role: 'drums', gainDb: -3 },
  ],
  master: { chain: [{ type: 'limiter' }], descriptors: ['brighter'] },
};
const BASE_TEXT = JSON.stringify(BASE, null, 2);

/** Values of every type, including ones a careless check trips over. */
const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0.0001,
  3600.5,
  257,
  '',
  ' ',
  'x',
  '0',
  '1',
  'false',
  'lead-vocal',
  'zhiyin-mix',
  'a\nb',
  'tab\there',
  '\u0000',
  'x'.repeat(5000),
  [],
  [null],
  ['warmer', 3],
  [''],
  [[[[]]]],
  {},
  { toString: 1 },
  { toString: 'x', valueOf: 'y' },
  { type: 'eq' },
  { type: 'nonsense' },
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  { constructor: { prototype: { polluted: 1 } } },
];

const PATH_TRICKS = [
  '../x.wav',
  '/etc/passwd',
  'a/../../b',
  'stems/../../x.wav',
  '..',
  '.',
  './../x.wav',
  'stems\\..\\..\\x.wav',
  'C:\\Windows\\win.ini',
  'c:/x.wav',
  '\\\\server\\share\\x.wav',
  '//server/share/x.wav',
  '~/x.wav',
  'file:///etc/passwd',
  '%2e%2e/x.wav',
  'stems/./vocal.wav',
  'stems//vocal.wav',
  'stems/vocal.wav\u0000.txt',
  'stems/\nvocal.wav',
  '../\nx.wav',
  '..\u2215x.wav',
  '．．/x.wav',
  ' ../x.wav',
  'x'.repeat(1025),
  'x'.repeat(1024),
  '',
];

/** Number literals JSON allows but JavaScript cannot hold exactly. */
const HUGE_NUMBERS = [
  '1e400',
  '-1e400',
  '1e308',
  '-1e308',
  '1e-400',
  '-0',
  '9007199254740993',
  '1'.repeat(400),
  '0.' + '0'.repeat(400) + '1',
  '1E+2',
  '44100.0',
  '4.41e4',
];

type Rng = () => number;
const pick = <T>(rnd: Rng, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Slot = { parent: Json[] | { [key: string]: Json }; key: string | number; path: string };

/** Every place in a parsed value that holds a value (bounded: the base is shallow). */
function slots(value: Json, out: Slot[] = [], depth = 0, path = ''): Slot[] {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  for (const key of keys) {
    out.push({ parent: value, key, path: `${path}/${key}` });
    slots((value as Record<string | number, Json>)[key]!, out, depth + 1, `${path}/${key}`);
  }
  return out;
}

const set = (s: Slot, v: Json) => ((s.parent as Record<string | number, Json>)[s.key] = v);
const get = (s: Slot) => (s.parent as Record<string | number, Json>)[s.key]!;
const show = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
};

/** A placeholder, swapped for raw text after stringifying (numbers and nesting JSON.stringify cannot write). */
const RAW = '\u0001raw\u0001';

interface Mutant {
  /** What was done, e.g. `wrong type /objects/1/mute = "false"`. */
  kinds: string[];
  bytes: Buffer;
}

/** Structural mutations on the parsed project, each saying what it did; raw text is spliced in later. */
const STRUCTURAL: [string, (rnd: Rng, p: Json, raw: string[]) => string][] = [
  [
    'wrong type',
    (rnd, p) => {
      // Mostly the fields checkProject checks (three levels down at most), else anywhere.
      const all = slots(p);
      const shallow = all.filter((s) => s.path.split('/').length <= 4);
      const s = pick(rnd, rnd() < 0.7 ? shallow : all);
      const v = structuredClone(pick(rnd, ODD_VALUES)) as Json;
      set(s, v);
      return `${s.path} = ${show(v)}`;
    },
  ],
  [
    'hostile value',
    (rnd, p) => {
      // A scalar field given a value that breaks careless coercion or message building.
      const scalars = slots(p).filter(
        (s) => s.path.split('/').length <= 4 && (get(s) === null || typeof get(s) !== 'object'),
      );
      const s = pick(rnd, scalars);
      const v = structuredClone(
        pick(rnd, [{ toString: 1 }, { toString: {}, valueOf: {} }, 'line\nbreak', 'cr\rhere']),
      ) as Json;
      set(s, v);
      return `${s.path} = ${show(v)}`;
    },
  ],
  [
    'path trick',
    (rnd, p) => {
      const objects = (p as { objects?: Json }).objects;
      if (!Array.isArray(objects) || !objects.length) return 'none';
      const i = Math.floor(rnd() * objects.length);
      const o = objects[i];
      if (!o || typeof o !== 'object' || Array.isArray(o)) return 'none';
      o.file = pick(rnd, PATH_TRICKS);
      return `/objects/${i}/file = ${show(o.file)}`;
    },
  ],
  [
    'huge number',
    (rnd, p, raw) => {
      const numbers = slots(p).filter((s) => typeof get(s) === 'number');
      const s = numbers.length ? pick(rnd, numbers) : pick(rnd, slots(p));
      set(s, RAW);
      raw.push(pick(rnd, HUGE_NUMBERS));
      return `${s.path} = ${raw.at(-1)!.slice(0, 40)}`;
    },
  ],
  [
    'deep nesting',
    (rnd, p, raw) => {
      const s = pick(rnd, slots(p));
      set(s, RAW);
      const n = pick(rnd, [100, 5000, 100_000]);
      const array = rnd() < 0.5;
      raw.push(array ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n));
      return `${s.path} = ${n} nested ${array ? 'arrays' : 'objects'}`;
    },
  ],
  [
    'missing key',
    (rnd, p) => {
      const s = pick(rnd, slots(p));
      if (Array.isArray(s.parent)) s.parent.splice(Number(s.key), 1);
      else delete s.parent[s.key];
      return `${s.path} removed`;
    },
  ],
  [
    'unknown key',
    (rnd, p) => {
      const places = [
        { path: '', v: p },
        ...slots(p).map((s) => ({ path: s.path, v: get(s) })),
      ].filter((x) => !!x.v && typeof x.v === 'object' && !Array.isArray(x.v));
      const at = rnd() < 0.8 ? pick(rnd, places) : places[0]!;
      const key = pick(rnd, ['gainDB', 'Pan', 'file ', 'extra', 'constructor', 'toString']);
      const v = structuredClone(pick(rnd, ODD_VALUES)) as Json;
      (at.v as { [key: string]: Json })[key] = v;
      return `${at.path}/${key} = ${show(v)}`;
    },
  ],
  [
    'many objects',
    (rnd, p) => {
      const objects = (p as { objects?: Json }).objects;
      if (!Array.isArray(objects) || !objects.length) return 'none';
      const n = pick(rnd, [2, 255, 300]);
      const template = objects[0]!;
      let twins = 0;
      for (let i = 0; i < n; i++) {
        const o = structuredClone(template);
        if (o && typeof o === 'object' && !Array.isArray(o) && rnd() < 0.9) o.id = `o${i}`;
        else twins++;
        objects.push(o);
      }
      return `${n} more objects, ${twins} with the first one's id`;
    },
  ],
];

/** Byte-level mutations of the serialised text. */
const BYTES: [string, (rnd: Rng, b: Buffer) => Buffer][] = [
  [
    'byte flip',
    (rnd, b) => {
      const c = Buffer.from(b);
      for (let k = 1 + Math.floor(rnd() * 4); k > 0 && c.length; k--) {
        const i = Math.floor(rnd() * c.length);
        c[i] =
          rnd() < 0.5
            ? c[i]! ^ (1 << Math.floor(rnd() * 8))
            : pick(
                rnd,
                [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x0a, 0x00, 0xff, 0xe4, 0x30],
              );
      }
      return c;
    },
  ],
  ['truncation', (rnd, b) => b.subarray(0, Math.floor(rnd() * b.length))],
  ['byte-order mark', (_rnd, b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])],
  ['UTF-16', (_rnd, b) => Buffer.from(b.toString('utf8'), 'utf16le')],
  [
    'duplicate keys',
    (_rnd, b) => Buffer.from(b.toString('utf8').replace('{', '{"version": 2, "format": 7,')),
  ],
];

function mutate(seed: number): Mutant {
  const rnd = seededRandom(seed + 1);
  const kinds: string[] = [];
  const project = JSON.parse(BASE_TEXT) as Json;
  const raw: string[] = [];
  for (let k = rnd() < 0.7 ? 1 + Math.floor(rnd() * 3) : 0; k > 0; k--) {
    const [name, f] = pick(rnd, STRUCTURAL);
    kinds.push(`${name} ${f(rnd, project, raw)}`);
  }
  let text = JSON.stringify(project, null, rnd() < 0.5 ? 2 : 0);
  for (const r of raw) text = text.replace(JSON.stringify(RAW), () => r);
  let bytes: Buffer = Buffer.from(text);
  if (kinds.length === 0 || rnd() < 0.25) {
    const [name, f] = pick(rnd, BYTES);
    kinds.push(name);
    bytes = f(rnd, bytes);
  }
  return { kinds, bytes };
}

type Outcome = { accepted: true } | { accepted: false; error: unknown };

async function outcomeOf(run: () => unknown): Promise<Outcome> {
  try {
    await run();
    return { accepted: true };
  } catch (error) {
    return { accepted: false, error };
  }
}

/** Why a refusal breaks the contract, or undefined when it keeps it. */
function badRefusal(error: unknown): string | undefined {
  if (!isZhiyinError(error)) {
    const e = error as Error;
    return `${e?.constructor?.name ?? typeof error} escaped: ${String(e?.message).split('\n')[0]}`;
  }
  if (!error.message.trim()) return 'ZhiyinError with an empty message';
  if (/[\r\n]/.test(error.message)) return 'ZhiyinError message spans more than one line';
  return undefined;
}

const validate = new Ajv2020({ allErrors: false, strict: false }).compile(
  JSON.parse(readFileSync(join(repoRoot, 'data/mix/project.schema.json'), 'utf8')) as object,
);
const schemaSays = (value: unknown) =>
  validate(value)
    ? undefined
    : `${validate.errors?.[0]?.instancePath || '/'} ${validate.errors?.[0]?.message ?? ''}`;

/** What checkProject rightly refuses though a JSON schema cannot say it: twin ids. */
function beyondSchema(value: unknown): boolean {
  const ids = (value as { objects: { id: string }[] }).objects.map((o) => o.id);
  return new Set(ids).size < ids.length;
}

interface Finding {
  seed: number;
  kinds: string[];
  problem: string;
  sample: string;
}

/** One finding per problem, with the first case that showed it. */
function summarise(findings: Finding[]): string {
  const first = new Map<string, Finding & { count: number }>();
  for (const f of findings) {
    const key = f.problem.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N');
    const seen = first.get(key);
    if (seen) seen.count++;
    else first.set(key, { ...f, count: 1 });
  }
  return [...first.values()]
    .map((f) => `${f.count}× ${f.problem} (seed ${f.seed}, ${f.kinds.join(' + ')}): ${f.sample}`)
    .join('\n');
}

const sampleOf = (bytes: Buffer) => {
  const text = bytes.toString('utf8').replace(/\s+/g, ' ');
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}…` : text);
};

describe('mix project JSON under 2,000 seeded mutations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zhiyin-project-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const robustness: Finding[] = [];
  const leniency: Finding[] = [];
  const strictness: Finding[] = [];
  const slow: Finding[] = [];
  const kinds = new Map<string, number>();
  let accepted = 0;

  it('runs every mutant through readMixProject and checkProject', async () => {
    for (let seed = 0; seed < CASES; seed++) {
      const m = mutate(seed);
      for (const k of m.kinds) {
        const name = [...STRUCTURAL, ...BYTES].find(([n]) => k === n || k.startsWith(`${n} `))![0];
        kinds.set(name, (kinds.get(name) ?? 0) + 1);
      }
      const note = (list: Finding[], problem: string) =>
        list.push({ seed, kinds: m.kinds, problem, sample: sampleOf(m.bytes) });
      const path = join(dir, `case-${seed % 16}.json`);
      writeFileSync(path, m.bytes);
      const started = performance.now();
      const fromFile = await outcomeOf(() => readMixProject(path));
      let parsed: { ok: true; value: unknown } | { ok: false } = { ok: false };
      try {
        parsed = { ok: true, value: JSON.parse(m.bytes.toString('utf8')) as unknown };
      } catch {
        // Not JSON: readMixProject must have refused it.
      }
      const checked = parsed.ok ? await outcomeOf(() => checkProject(parsed.value)) : undefined;
      const ms = performance.now() - started;
      if (ms > SLOW_MS) note(slow, `took ${ms.toFixed(0)} ms`);

      for (const o of [fromFile, checked]) {
        if (o && !o.accepted) {
          const why = badRefusal(o.error);
          if (why) note(robustness, why);
        }
      }
      if (!parsed.ok) {
        if (fromFile.accepted) note(robustness, 'readMixProject accepted text that is not JSON');
        continue;
      }
      if (checked && fromFile.accepted !== checked.accepted)
        note(robustness, 'readMixProject and checkProject disagree');
      const schemaProblem = schemaSays(parsed.value);
      if (checked?.accepted) {
        accepted++;
        if (schemaProblem) note(leniency, `accepted, but the schema says: ${schemaProblem}`);
      } else if (checked && !schemaProblem && !beyondSchema(parsed.value)) {
        const e = (checked as { error: unknown }).error;
        note(strictness, `refused what the schema accepts: ${(e as Error)?.message}`);
      }
    }
    // The mutants cover every kind, and enough of them stay valid to test acceptance.
    for (const [name] of [...STRUCTURAL, ...BYTES])
      expect(kinds.get(name) ?? 0).toBeGreaterThan(20);
    expect(accepted).toBeGreaterThan(50);
    expect(summarise(slow)).toBe('');
  }, 120_000);

  it('refuses only with a ZhiyinError and a one-line message', () => {
    expect(summarise(robustness)).toBe('');
  });

  it('accepts only projects the schema accepts', () => {
    expect(summarise(leniency)).toBe('');
  });

  it('refuses nothing the schema accepts, but twin ids', () => {
    expect(summarise(strictness)).toBe('');
  });
});
