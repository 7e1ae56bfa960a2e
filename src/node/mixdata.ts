/**
 * Loads the mixing data the package ships (data/mix: the semantic lexicon and the listener
 * profiles) with node:fs; the portable checks in src/mix say whether it is sound. Read once,
 * then cached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLexicon, checkProfiles, type Lexicon, type ProfileSet } from '../mix/index.js';
import { ZhiyinError } from '../errors/index.js';
import { packageRoot } from './atlas.js';

const cache = new Map<string, unknown>();

/** Parses one file of data/mix, naming it in the error if it is missing or damaged. */
export function readMixData(name: string): unknown {
  const path = join(packageRoot(), 'data', 'mix', name);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ZhiyinError(
      'IO_ERROR',
      `cannot read ${path} (${(e as Error).message.split('\n')[0]}): reinstall Zhiyin.`,
    );
  }
}

/** The bilingual semantic lexicon. */
export function loadLexicon(): Lexicon {
  if (!cache.has('lexicon')) cache.set('lexicon', checkLexicon(readMixData('lexicon.json')));
  return cache.get('lexicon') as Lexicon;
}

/** The listener profiles. */
export function loadProfiles(): ProfileSet {
  if (!cache.has('profiles')) cache.set('profiles', checkProfiles(readMixData('profiles.json')));
  return cache.get('profiles') as ProfileSet;
}
