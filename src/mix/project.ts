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

/**
 * Checks a parsed project, naming the first problem and where it is.
 * @example const project = checkProject(JSON.parse(text));
 */
export function checkProject(value: unknown, where = 'the mix project'): MixProject {
  const bad = (why: string) => new ZhiyinError('INVALID_ARGUMENT', `${where}: ${why}.`);
  const p = value as MixProject;
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw bad('it must be a JSON object');
  if (p.format !== 'zhiyin-mix') throw bad('"format" must be "zhiyin-mix"');
  if (p.version !== 1)
    throw bad(`version ${String(p.version)} is not supported (this Zhiyin reads version 1)`);
  if (
    p.sampleRate !== undefined &&
    !(Number.isInteger(p.sampleRate) && p.sampleRate >= 8000 && p.sampleRate <= 384_000)
  )
    throw bad('"sampleRate" must be a whole number of hertz from 8000 to 384000');
  if (!Array.isArray(p.objects) || p.objects.length === 0)
    throw bad('"objects" must list at least one stem');
  if (p.objects.length > 256) throw bad(`${p.objects.length} objects is more than the 256 allowed`);
  const ids = new Set<string>();
  p.objects.forEach((o, i) => {
    const at = `objects[${i}]`;
    if (!o || typeof o !== 'object') throw bad(`${at} must be an object`);
    if (typeof o.id !== 'string' || !/^[\p{L}\p{N}_.-]{1,64}$/u.test(o.id))
      throw bad(`${at}.id must be 1–64 letters, digits, "_", "." or "-"`);
    if (ids.has(o.id)) throw bad(`two objects are called "${o.id}"`);
    ids.add(o.id);
    if (typeof o.file !== 'string' || o.file.length === 0 || o.file.length > 1024)
      throw bad(`${o.id}: "file" must be a path relative to the project`);
    if (
      /^([a-zA-Z]:)?[\\/]/.test(o.file) ||
      o.file.split(/[\\/]/).includes('..') ||
      o.file.includes('\0')
    )
      throw bad(
        `${o.id}: "${o.file}" points outside the project's folder: use a path inside it, without ".." or a leading "/"`,
      );
    if (!ROLES.includes(o.role))
      throw bad(`${o.id}: role "${String(o.role)}" is not one of ${ROLES.join(', ')}`);
    if (o.importance !== undefined && ![0, 1, 2, 3].includes(o.importance))
      throw bad(`${o.id}: importance must be 0, 1, 2 or 3`);
    if (o.gainDb !== undefined && !(Math.abs(o.gainDb) <= 60))
      throw bad(`${o.id}: gainDb must be −60 to 60`);
    if (o.pan !== undefined && !(o.pan >= -1 && o.pan <= 1))
      throw bad(`${o.id}: pan must be −1 to 1`);
    if (o.offsetSeconds !== undefined && !(o.offsetSeconds >= 0 && o.offsetSeconds <= 3600))
      throw bad(`${o.id}: offsetSeconds must be 0–3600`);
    checkChain(o.chain, `${o.id}: chain`, bad);
    if (
      o.descriptors !== undefined &&
      !(Array.isArray(o.descriptors) && o.descriptors.every((d) => typeof d === 'string'))
    )
      throw bad(`${o.id}: descriptors must be a list of words`);
  });
  if (p.master !== undefined) {
    if (typeof p.master !== 'object' || p.master === null) throw bad('"master" must be an object');
    checkChain(p.master.chain, 'master.chain', bad);
  }
  return p;
}

function checkChain(chain: unknown, at: string, bad: (why: string) => Error): void {
  if (chain === undefined) return;
  if (!Array.isArray(chain)) throw bad(`${at} must be a list of steps`);
  chain.forEach((s: { type?: unknown }, i) => {
    if (!s || !CHAIN_STEP_TYPES.includes(s.type as ChainStep['type']))
      throw bad(`${at}[${i}]: type must be one of ${CHAIN_STEP_TYPES.join(', ')}`);
  });
}

/** The importance an object has when its project does not say. */
export function importanceOf(o: MixObject): 0 | 1 | 2 | 3 {
  return o.importance ?? (o.role === 'lead-vocal' || o.role === 'dialogue' ? 3 : 2);
}
