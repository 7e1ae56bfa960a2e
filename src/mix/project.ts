/**
 * The mix project format (JSON, versioned; data/mix/project.schema.json is its schema): a mix
 * as objects, each a stem file with a role, an importance (0–3, after BBC R&D's narrative
 * importance: 3 essential to the story, 0 dispensable), gain, pan, a start offset, a
 * processing chain and semantic descriptors, plus a master section. This module checks a
 * parsed project; it never touches files (src/node resolves the paths safely).
 */
import { ZhiyinError } from '../errors/index.js';
import { CHAIN_STEP_TYPES, type ChainStep } from './chain.js';

export const ROLES = [
  'lead-vocal',
  'backing-vocal',
  'dialogue',
  'drums',
  'percussion',
  'bass',
  'keys',
  'guitar',
  'strings',
  'winds',
  'brass',
  'chinese-instrument',
  'synth',
  'fx',
  'ambience',
  'other',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose objects carry words: the profile's speech EQ applies to them. */
export const SPEECH_ROLES: ReadonlySet<Role> = new Set(['lead-vocal', 'backing-vocal', 'dialogue']);

export interface MixObject {
  id: string;
  /** Path of the stem, relative to the project file's folder. */
  file: string;
  role: Role;
  /** Atlas id of the instrument (e.g. "erhu"), for role "chinese-instrument" and others. */
  instrument?: string;
  /** 0–3 (default 3 for lead vocal and dialogue, 2 otherwise). */
  importance?: 0 | 1 | 2 | 3;
  gainDb?: number;
  /** −1 (left) to 1 (right): constant-power pan for mono, balance for stereo. */
  pan?: number;
  /** Where the stem starts in the mix, seconds (default 0). */
  offsetSeconds?: number;
  chain?: ChainStep[];
  /** Semantic requests, English or Chinese ("warmer", "更清晰"). */
  descriptors?: string[];
  mute?: boolean;
}

export interface MixProject {
  format: 'zhiyin-mix';
  version: 1;
  title?: string;
  /** Output sample rate (default: the first object's). */
  sampleRate?: number;
  objects: MixObject[];
  master?: { chain?: ChainStep[]; descriptors?: string[] };
}

/** A value as a user wrote it, short, on one line: for messages. */
function shown(v: unknown): string {
  if (typeof v === 'string') {
    const q = JSON.stringify(v);
    return q.length > 42 ? `${q.slice(0, 40)}…"` : q;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'a list' : `a ${typeof v}`;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const PROJECT_KEYS = ['$schema', 'format', 'version', 'title', 'sampleRate', 'objects', 'master'];
const OBJECT_KEYS = [
  'id',
  'file',
  'role',
  'instrument',
  'importance',
  'gainDb',
  'pan',
  'offsetSeconds',
  'chain',
  'descriptors',
  'mute',
];

/**
 * Checks a parsed project, naming the first problem and where it is. Keys the format does not
 * know are refused (a misspelt "gainDB" would otherwise be silently ignored).
 * @example const project = checkProject(JSON.parse(text));
 */
export function checkProject(value: unknown, where = 'the mix project'): MixProject {
  const bad = (why: string) => new ZhiyinError('INVALID_ARGUMENT', `${where}: ${why}.`);
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const onlyKeys = (o: Record<string, unknown>, allowed: string[], at: string) => {
    const extra = Object.keys(o).find((k) => !allowed.includes(k));
    if (extra !== undefined)
      throw bad(`${at}: unknown key ${shown(extra)} (the keys are ${allowed.join(', ')})`);
  };
  if (!isRecord(value)) throw bad('it must be a JSON object');
  const p = value;
  onlyKeys(p, PROJECT_KEYS, 'the top level');
  if (p.format !== 'zhiyin-mix') throw bad('"format" must be "zhiyin-mix"');
  if (p.version !== 1)
    throw bad(`version ${shown(p.version)} is not supported (this Zhiyin reads version 1)`);
  for (const key of ['$schema', 'title'] as const)
    if (p[key] !== undefined && typeof p[key] !== 'string') throw bad(`"${key}" must be text`);
  if (
    p.sampleRate !== undefined &&
    !(
      Number.isInteger(p.sampleRate) &&
      isNumber(p.sampleRate) &&
      p.sampleRate >= 8000 &&
      p.sampleRate <= 384_000
    )
  )
    throw bad('"sampleRate" must be a whole number of hertz from 8000 to 384000');
  if (!Array.isArray(p.objects) || p.objects.length === 0)
    throw bad('"objects" must list at least one stem');
  if (p.objects.length > 256) throw bad(`${p.objects.length} objects is more than the 256 allowed`);
  const ids = new Set<string>();
  (p.objects as unknown[]).forEach((o, i) => {
    const at = `objects[${i}]`;
    if (!isRecord(o)) throw bad(`${at} must be an object`);
    if (typeof o.id !== 'string' || !/^[\p{L}\p{N}_.-]{1,64}$/u.test(o.id))
      throw bad(`${at}.id must be 1–64 letters, digits, "_", "." or "-"`);
    const id = o.id;
    onlyKeys(o, OBJECT_KEYS, id);
    if (ids.has(id)) throw bad(`two objects are called "${id}"`);
    ids.add(id);
    if (typeof o.file !== 'string' || o.file.length === 0 || o.file.length > 1024)
      throw bad(`${id}: "file" must be a path relative to the project`);
    if (
      /^([a-zA-Z]:)?[\\/]/.test(o.file) ||
      o.file.split(/[\\/]/).includes('..') ||
      // eslint-disable-next-line no-control-regex -- control characters have no place in a path
      /[\u0000-\u001f]/.test(o.file)
    )
      throw bad(
        `${id}: ${shown(o.file)} points outside the project's folder or holds control characters: use a plain path inside it, without ".." or a leading "/"`,
      );
    if (typeof o.role !== 'string' || !(ROLES as readonly string[]).includes(o.role))
      throw bad(`${id}: role ${shown(o.role)} is not one of ${ROLES.join(', ')}`);
    if (o.instrument !== undefined && typeof o.instrument !== 'string')
      throw bad(`${id}: "instrument" must be an atlas id (text)`);
    if (o.importance !== undefined && ![0, 1, 2, 3].includes(o.importance as number))
      throw bad(`${id}: importance must be 0, 1, 2 or 3`);
    if (o.gainDb !== undefined && !(isNumber(o.gainDb) && Math.abs(o.gainDb) <= 60))
      throw bad(`${id}: gainDb must be a number from −60 to 60`);
    if (o.pan !== undefined && !(isNumber(o.pan) && o.pan >= -1 && o.pan <= 1))
      throw bad(`${id}: pan must be a number from −1 to 1`);
    if (
      o.offsetSeconds !== undefined &&
      !(isNumber(o.offsetSeconds) && o.offsetSeconds >= 0 && o.offsetSeconds <= 3600)
    )
      throw bad(`${id}: offsetSeconds must be a number from 0 to 3600`);
    if (o.mute !== undefined && typeof o.mute !== 'boolean')
      throw bad(`${id}: mute must be true or false`);
    checkChain(o.chain, `${id}: chain`, bad);
    checkWords(o.descriptors, `${id}: descriptors`, bad);
  });
  if (p.master !== undefined) {
    if (!isRecord(p.master)) throw bad('"master" must be an object');
    onlyKeys(p.master, ['chain', 'descriptors'], 'master');
    checkChain(p.master.chain, 'master.chain', bad);
    checkWords(p.master.descriptors, 'master.descriptors', bad);
  }
  return p as unknown as MixProject;
}

function checkWords(words: unknown, at: string, bad: (why: string) => Error): void {
  if (
    words !== undefined &&
    !(
      Array.isArray(words) &&
      words.length <= 64 &&
      words.every((d) => typeof d === 'string' && d.trim().length > 0 && d.length <= 200)
    )
  )
    throw bad(`${at} must be a list of words (up to 64, each 1–200 characters)`);
}

function checkChain(chain: unknown, at: string, bad: (why: string) => Error): void {
  if (chain === undefined) return;
  if (!Array.isArray(chain)) throw bad(`${at} must be a list of steps`);
  if (chain.length > 64) throw bad(`${at} has ${chain.length} steps; 64 at most`);
  chain.forEach((s: unknown, i) => {
    const type = typeof s === 'object' && s !== null ? (s as { type?: unknown }).type : undefined;
    if (Array.isArray(s) || !CHAIN_STEP_TYPES.includes(type as ChainStep['type']))
      throw bad(`${at}[${i}]: type must be one of ${CHAIN_STEP_TYPES.join(', ')}`);
  });
}

/** The importance an object has when its project does not say. */
export function importanceOf(o: MixObject): 0 | 1 | 2 | 3 {
  return o.importance ?? (o.role === 'lead-vocal' || o.role === 'dialogue' ? 3 : 2);
}
