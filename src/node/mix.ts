/**
 * Mix projects on disk: reads a project file, resolves each object's file safely inside the
 * project's folder (relative paths only; symbolic links followed and checked too), checks every
 * stem's length from its header before decoding anything (so a 1-hour stem is refused at
 * once), renders, and writes the mix and its JSON report atomically (temp file, then rename).
 */
import { realpath, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ZhiyinError } from '../errors/index.js';
import {
  checkProject,
  findProfile,
  renderMix,
  type MixObject,
  type MixOverrides,
  type MixProject,
  type MixReport,
} from '../mix/index.js';
import type { PlanarAudio } from '../audio/index.js';
import { fileError, probeAudioFile, readAudioFile, writeWavFile } from './files.js';
import { loadLexicon, loadProfiles } from './mixdata.js';

const MAX_PROJECT_BYTES = 1 << 20;

/**
 * The real path of `file` (relative to `folder`), refused unless it lies inside the folder.
 * @example await resolveInside('/songs/demo', 'stems/vocal.wav')
 */
export async function resolveInside(folder: string, file: string): Promise<string> {
  if (isAbsolute(file) || file.split(/[\\/]/).includes('..'))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `"${file}" points outside the project's folder: use a path inside it, without ".." or a leading "/".`,
    );
  const root = await realpath(folder).catch((e: unknown) => {
    throw fileError(e, folder);
  });
  const path = await realpath(resolve(root, file)).catch((e: unknown) => {
    throw fileError(e, join(folder, file));
  });
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `"${file}" leads outside the project's folder (through a link to ${path}): keep stems inside it.`,
    );
  return path;
}

/** Reads and checks a project file. */
export async function readMixProject(path: string): Promise<MixProject> {
  const info = await stat(path).catch((e: unknown) => {
    throw fileError(e, path);
  });
  if (info.size > MAX_PROJECT_BYTES)
    throw new ZhiyinError(
      'LIMIT_EXCEEDED',
      `${path} is ${(info.size / 1e6).toFixed(1)} MB; a mix project is at most 1 MB of JSON.`,
    );
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${path} is not valid JSON (${(e as Error).message.split('\n')[0]}): fix the file.`,
    );
  }
  return checkProject(json, path);
}

export interface MixFileOptions {
  profile?: string;
  overrides?: MixOverrides;
  maxSeconds?: number;
  /** More descriptors for objects by id (from the command line), after the project's own. */
  extraDescriptors?: Map<string, string[]>;
  onProgress?: (fraction: number, stage: string) => void;
}

/**
 * Renders a project file to a WAV file and writes the report next to it (`out.json`).
 * @example const report = await mixProjectFile('song/mix.json', 'out.wav', { profile: 'earbuds' });
 */
export async function mixProjectFile(
  projectPath: string,
  outputPath: string,
  options: MixFileOptions = {},
): Promise<MixReport> {
  const read = await readMixProject(projectPath);
  const project: MixProject = {
    ...read,
    objects: read.objects.map((o) => {
      const extra = options.extraDescriptors?.get(o.id);
      return extra?.length ? { ...o, descriptors: [...(o.descriptors ?? []), ...extra] } : o;
    }),
  };
  const folder = dirname(projectPath);
  return mixProject(project, (o) => resolveInside(folder, o.file), outputPath, options);
}

/**
 * Renders a checked project whose objects' files `locate` finds (a server maps upload ids to
 * its blob store this way), and writes the mix and its report atomically.
 * @example await mixProject(project, (o) => blobPath(o.file), 'out.wav', { profile: 'car' });
 */
export async function mixProject(
  project: MixProject,
  locate: (object: MixObject) => string | Promise<string>,
  outputPath: string,
  options: Omit<MixFileOptions, 'extraDescriptors'> = {},
): Promise<MixReport> {
  const profile = findProfile(loadProfiles(), options.profile);
  const maxSeconds = options.maxSeconds ?? 1200;
  const paths = new Map<string, string>();
  for (const o of project.objects) {
    if (o.mute) continue;
    const path = await locate(o);
    const head = await probeAudioFile(path);
    const seconds = head.frames !== undefined ? head.frames / head.sampleRate : undefined;
    if (seconds !== undefined && (o.offsetSeconds ?? 0) + seconds > maxSeconds)
      throw new ZhiyinError(
        'LIMIT_EXCEEDED',
        `${o.file} is ${(seconds / 60).toFixed(1)} min long; a mix is at most ${(maxSeconds / 60).toFixed(0)} min (raise it with --max-minutes).`,
      );
    paths.set(o.id, path);
  }
  const needsLexicon =
    project.objects.some((o) => o.descriptors?.length) ||
    Boolean(project.master?.descriptors?.length);
  const { audio, report } = await renderMix(
    project,
    async (o): Promise<PlanarAudio> => readAudioFile(paths.get(o.id)!),
    {
      profile,
      overrides: options.overrides ?? {},
      ...(needsLexicon && { lexicon: loadLexicon() }),
      maxSeconds,
      ...(options.onProgress && { onProgress: options.onProgress }),
    },
  );
  await writeWavFile(outputPath, audio, { format: 'pcm24' });
  await writeJsonAtomic(reportPath(outputPath), report);
  return report;
}

/** `out.wav` → `out.json`. */
export function reportPath(outputPath: string): string {
  return outputPath.replace(/\.wav$/i, '') + '.json';
}

/** Writes JSON to a temp file in the same folder, then renames it into place. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.partial`);
  try {
    await writeFile(
      temp,
      `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
      {
        flag: 'wx',
      },
    );
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileError(e, path);
  }
}
