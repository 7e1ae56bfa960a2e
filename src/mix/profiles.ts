/**
 * Listener profiles (data/mix/profiles.json): what a render does for a device, a listener or
 * a region: the lead vocal's level against the accompaniment (LU), the tonal balance (master
 * EQ), dynamics (a master compressor relative to the mix's loudness), width, the gains of
 * objects by narrative importance, the loudness target and the true-peak ceiling. Personal
 * overrides (`--set vocal=+2LU`) go on top.
 */
import { ZhiyinError } from '../errors/index.js';
import type { EqBand } from './eq.js';

export interface ListenerProfile {
  id: string;
  name: { en: string; zh: string };
  description: string;
  /** Keys into the profiles' sources: what the values rest on. */
  basis: string[];
  targetLufs: number;
  truePeakDbtp: number;
  /** Lead vocal (or dialogue) loudness minus the accompaniment's, LU. */
  leadVocalLu: number;
  masterEq: EqBand[];
  /** Compression above the mix's integrated loudness + `offsetDb`. */
  masterCompressor?: {
    ratio: number;
    offsetDb: number;
    attackSeconds?: number;
    releaseSeconds?: number;
  };
  /** Stereo width factor of the master (1: as mixed). */
  width: number;
  /** Gain of objects of importance 0, 1, 2 and 3, dB. */
  importanceLu: [number, number, number, number];
  /** EQ for speech and vocal objects (lead, backing, dialogue). */
  speechEq?: EqBand[];
}

export interface ProfileSet {
  format: 'zhiyin-profiles';
  version: 1;
  sources: Record<string, string>;
  default: string;
  profiles: ListenerProfile[];
}

/** Personal overrides on top of a profile. */
export interface MixOverrides {
  /** Added to the profile's lead-vocal level, LU. */
  leadVocalLu?: number;
  targetLufs?: number;
  truePeakDbtp?: number;
  width?: number;
  /** Extra gain by object id or role, dB. */
  gainDb?: Record<string, number>;
}

/**
 * Checks profiles read from JSON (the schema in data/mix says the same for editors).
 * @example const set = checkProfiles(JSON.parse(text));
 */
export function checkProfiles(value: unknown): ProfileSet {
  const bad = (why: string) =>
    new ZhiyinError('CORRUPT_DATA', `the listener profiles are not valid: ${why}.`);
  const set = value as ProfileSet;
  if (!set || set.format !== 'zhiyin-profiles' || set.version !== 1 || !Array.isArray(set.profiles))
    throw bad('expected format "zhiyin-profiles", version 1 and a list of profiles');
  for (const p of set.profiles) {
    if (!(p.targetLufs >= -40 && p.targetLufs <= -5))
      throw bad(`${p.id}: target out of −40…−5 LUFS`);
    if (!(p.truePeakDbtp >= -12 && p.truePeakDbtp <= 0))
      throw bad(`${p.id}: ceiling out of −12…0 dBTP`);
    if (!(Math.abs(p.leadVocalLu) <= 20)) throw bad(`${p.id}: lead-vocal level out of ±20 LU`);
    if (!Array.isArray(p.importanceLu) || p.importanceLu.length !== 4)
      throw bad(`${p.id}: importanceLu needs four gains`);
    for (const b of p.basis) if (!(b in set.sources)) throw bad(`${p.id}: unknown basis "${b}"`);
  }
  if (!set.profiles.some((p) => p.id === set.default))
    throw bad(`the default "${set.default}" is not a profile`);
  return set;
}

/** The profile named `id` (the set's default when undefined), with a helpful error. */
export function findProfile(set: ProfileSet, id?: string): ListenerProfile {
  const p = set.profiles.find((x) => x.id === (id ?? set.default));
  if (!p)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `no listener profile "${id}": choose one of ${set.profiles.map((x) => x.id).join(', ')}.`,
    );
  return p;
}

const UNIT = /^([+-]?\d+(?:\.\d+)?)\s*(lu|lufs|lkfs|db|dbtp|dbfs|x|%)?$/i;

/**
 * Parses `--set` items: `vocal=+2LU` (lead vocal against the profile), `target=-16LUFS`,
 * `ceiling=-2dBTP`, `width=0.8`, and `<object id or role>=-3dB`.
 * @example parseOverrides(['vocal=+2LU', 'drums=-3dB'])
 */
export function parseOverrides(items: string[]): MixOverrides {
  const o: MixOverrides = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq).trim() : '';
    const m = UNIT.exec(item.slice(eq + 1).trim());
    if (!key || !m)
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `--set "${item}" is not NAME=VALUE: try vocal=+2LU, target=-16LUFS, ceiling=-2dBTP, width=0.8 or drums=-3dB.`,
      );
    const v = Number(m[1]);
    const unit = (m[2] ?? '').toLowerCase();
    const k = key.toLowerCase();
    const need = (ok: boolean, what: string) => {
      if (!ok) throw new ZhiyinError('INVALID_ARGUMENT', `--set ${item}: ${what}.`);
    };
    if (k === 'vocal' || k === 'lead' || k === 'lead-vocal' || k === '人声') {
      need(
        unit === '' || unit === 'lu' || unit === 'db',
        'the lead vocal is set in LU (e.g. +2LU)',
      );
      need(Math.abs(v) <= 20, 'at most ±20 LU');
      o.leadVocalLu = v;
    } else if (k === 'target' || k === 'loudness') {
      need(v >= -40 && v <= -5, 'the loudness target must be −40 to −5 LUFS');
      o.targetLufs = v;
    } else if (k === 'ceiling' || k === 'truepeak') {
      need(v >= -12 && v <= 0, 'the true-peak ceiling must be −12 to 0 dBTP');
      o.truePeakDbtp = v;
    } else if (k === 'width') {
      const w = unit === '%' ? v / 100 : v;
      need(w >= 0 && w <= 2, 'width must be 0–2 (or 0–200%)');
      o.width = w;
    } else {
      need(
        unit === '' || unit === 'db' || unit === 'lu',
        'an object gain is in dB (e.g. drums=-3dB)',
      );
      need(Math.abs(v) <= 40, 'at most ±40 dB');
      o.gainDb = { ...o.gainDb, [key]: v };
    }
  }
  return o;
}
