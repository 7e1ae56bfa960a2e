/**
 * Loads the instrument atlas from data/atlas/**.json with node:fs. The package root is found by
 * walking up from this file to the package.json named "zhiyin", so the same code works from
 * src/node (tests) and dist/src/node (the built CLI). Read once, then cached.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkInstrument, createAtlas, type Atlas, type Instrument } from '../atlas/index.js';
import { ZhiyinError } from '../errors/index.js';

let cached: Atlas | undefined;

/** The directory holding Zhiyin's package.json, found by walking up from `start`. */
export function packageRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'zhiyin')
          return dir;
      } catch {
        // Not ours (or unreadable): keep walking up.
      }
    }
    if (dirname(dir) === dir)
      throw new ZhiyinError(
        'IO_ERROR',
        `cannot find Zhiyin's package.json above ${start}: reinstall Zhiyin.`,
      );
  }
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') && name !== 'schema.json' ? [path] : [];
    });
}

/**
 * Reads and checks every instrument record under `dir` (default: the package's data/atlas).
 * Throws `IO_ERROR` when the folder is missing, `CORRUPT_DATA` naming the file when a record is
 * damaged or an id repeats.
 * @example const erhu = readAtlasFiles().find((i) => i.id === 'erhu');
 */
export function readAtlasFiles(dir = join(packageRoot(), 'data', 'atlas')): Instrument[] {
  if (!existsSync(dir))
    throw new ZhiyinError('IO_ERROR', `the atlas data folder ${dir} is missing: reinstall Zhiyin.`);
  const root = dirname(dir);
  const seen = new Map<string, string>();
  return jsonFiles(dir).map((path) => {
    const where = relative(root, path);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ZhiyinError(
        'CORRUPT_DATA',
        `${where} is not valid JSON (${(e as Error).message.split('\n')[0]}): fix the file.`,
      );
    }
    const instrument = checkInstrument(json, where);
    const other = seen.get(instrument.id);
    if (other)
      throw new ZhiyinError(
        'CORRUPT_DATA',
        `${where} repeats the id "${instrument.id}" of ${other}: give each instrument its own id.`,
      );
    seen.set(instrument.id, where);
    return instrument;
  });
}

/**
 * The atlas of Zhiyin's shipped data, read on first use and cached.
 * @example loadAtlas().find('二胡')[0]?.names.en // 'Erhu'
 */
export function loadAtlas(): Atlas {
  cached ??= createAtlas(readAtlasFiles());
  return cached;
}
