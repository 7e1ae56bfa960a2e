/**
 * One-click vocal mix on disk: a vocal take file (any format Zhiyin or ffmpeg reads, such as a
 * phone's M4A) over a backing track file, mixed by the portable `automix` (src/mix) for a
 * listener profile. Both files' lengths are checked from their headers before anything is
 * decoded (so a 1-hour file is refused at once), the output may not replace either input, and
 * the mix (24-bit WAV) and its JSON report are written atomically (temp file, then rename):
 * nothing is written when anything fails before.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ZhiyinError } from '../errors/index.js';
import { collectChunks, type PlanarAudio } from '../audio/index.js';
import {
  automix,
  findProfile,
  parseSemantic,
  type AutomixReport,
  type MixOverrides,
} from '../mix/index.js';
import { fileError, openAudioFile, probeAudioFile, writeWavFile } from './files.js';
import { reportPath, writeJsonAtomic } from './mix.js';
import { loadLexicon, loadProfiles } from './mixdata.js';

export interface AutomixFileOptions {
  /** Listener profile id (default: the profile set's default). */
  profile?: string;
  overrides?: MixOverrides;
  /** Words for the vocal, English or Chinese ("warmer", "更温暖"). */
  vocalWords?: string[];
  /** Suppress the take's own room (default false). */
  dereverb?: boolean;
  /** Use this offset instead of estimating it, seconds (take late: positive). */
  offsetSeconds?: number;
  /** Largest offset searched either way, seconds (default 0.5, at most 5). */
  maxOffsetSeconds?: number;
  /** Longest take or backing accepted, seconds (default 1200). */
  maxSeconds?: number;
  /** Called with the fraction done (0–1) across reading, mixing and writing. */
  onProgress?: (fraction: number, stage: string) => void;
}

/** A file's identity (device and inode), or undefined when it does not exist. */
async function identity(path: string): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info ? `${info.dev}:${info.ino}` : undefined;
}

const minutes = (seconds: number) => `${Number((seconds / 60).toFixed(2))} min`;

/**
 * Refuses an output (or its report, `out.json`) that is one of the inputs: the same path, or the
 * same file reached another way (a link).
 * @example await checkOutputIsNotInput('mix.wav', ['take.m4a', 'backing.mp3']);
 */
export async function checkOutputIsNotInput(outputPath: string, inputs: string[]): Promise<void> {
  for (const out of [outputPath, reportPath(outputPath)]) {
    const outId = await identity(out);
    for (const input of inputs) {
      const same =
        resolve(out) === resolve(input) ||
        (outId !== undefined && outId === (await identity(input)));
      if (same)
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `${out} is also an input (${input}): name another output file.`,
        );
    }
  }
}

/** The refusal of an input longer than the limit, saying how to raise it. */
function tooLong(what: string, path: string, seconds: number, maxSeconds: number): ZhiyinError {
  return new ZhiyinError(
    'LIMIT_EXCEEDED',
    `the ${what} ${path} is ${minutes(seconds)} long; automix takes at most ${minutes(maxSeconds)} (raise it with --max-minutes).`,
  );
}

/** Probes one input's header, refusing it when longer than `maxSeconds`. */
async function probeLimited(path: string, what: string, maxSeconds: number): Promise<void> {
  const head = await probeAudioFile(path);
  if (head.frames !== undefined && head.frames / head.sampleRate > maxSeconds)
    throw tooLong(what, path, head.frames / head.sampleRate, maxSeconds);
}

/** Decodes one input, stopping as soon as it runs past `maxSeconds` (a header may not say). */
async function readLimited(
  path: string,
  what: string,
  maxSeconds: number,
  onProgress: (fraction: number) => void,
): Promise<PlanarAudio> {
  const { info, chunks } = await openAudioFile(path, { onProgress });
  const limit = Math.floor(maxSeconds * info.sampleRate);
  async function* bounded(): AsyncGenerator<PlanarAudio> {
    let frames = 0;
    for await (const chunk of chunks) {
      frames += chunk.channels[0]?.length ?? 0;
      if (frames > limit) throw tooLong(what, path, frames / info.sampleRate, maxSeconds);
      yield chunk;
    }
  }
  try {
    return await collectChunks(bounded(), info.sampleRate, info.channelCount);
  } catch (error) {
    throw fileError(error, path);
  }
}

/**
 * Mixes a vocal take file over a backing track file for a listener profile, writes the mix as a
 * 24-bit WAV file and the report next to it (`mix.wav` → `mix.json`), and returns the report.
 * @example
 * const report = await automixFiles('take.m4a', 'track.mp3', 'mix.wav', { profile: 'zh-pop-mobile' });
 * console.log(report.offset.appliedSeconds, report.mix.master.integratedLufs);
 */
export async function automixFiles(
  vocalPath: string,
  backingPath: string,
  outputPath: string,
  options: AutomixFileOptions = {},
): Promise<AutomixReport> {
  const progress = options.onProgress ?? (() => undefined);
  const maxSeconds = options.maxSeconds ?? 1200;
  if (!(maxSeconds > 0))
    throw new ZhiyinError('INVALID_ARGUMENT', 'the longest take accepted must be above 0 s.');
  if (
    options.offsetSeconds !== undefined &&
    !(Number.isFinite(options.offsetSeconds) && Math.abs(options.offsetSeconds) <= 5)
  )
    throw new ZhiyinError('INVALID_ARGUMENT', 'a given offset must be within ±5 s.');
  const takeId = await identity(vocalPath);
  if (takeId !== undefined && takeId === (await identity(backingPath)))
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `the vocal take and the backing track are the same file (${vocalPath}): give the backing track with --backing.`,
    );
  await checkOutputIsNotInput(outputPath, [vocalPath, backingPath]);
  // Everything that can be refused without audio is refused before decoding.
  const profile = findProfile(loadProfiles(), options.profile);
  const words = (options.vocalWords ?? []).filter((w) => w.trim() !== '');
  const lexicon = words.length ? loadLexicon() : undefined;
  for (const w of words) parseSemantic(w, lexicon!);
  await probeLimited(vocalPath, 'vocal take', maxSeconds);
  await probeLimited(backingPath, 'backing track', maxSeconds);

  progress(0, 'reading the take');
  const take = await readLimited(vocalPath, 'vocal take', maxSeconds, (f) =>
    progress(0.05 * f, 'reading the take'),
  );
  const backing = await readLimited(backingPath, 'backing track', maxSeconds, (f) =>
    progress(0.05 + 0.1 * f, 'reading the backing'),
  );
  const { audio, report } = await automix(take, backing, {
    profile,
    ...(options.overrides && { overrides: options.overrides }),
    ...(lexicon && { lexicon, vocalDescriptors: words }),
    ...(options.dereverb && { dereverb: true }),
    ...(options.offsetSeconds !== undefined && { offsetSeconds: options.offsetSeconds }),
    ...(options.maxOffsetSeconds !== undefined && {
      offsetSearch: { maxLagSeconds: options.maxOffsetSeconds },
    }),
    maxSeconds,
    onProgress: (f, stage) => progress(0.15 + 0.8 * f, stage),
  });
  progress(0.95, 'writing');
  await writeWavFile(outputPath, audio, { format: 'pcm24' });
  await writeJsonAtomic(reportPath(outputPath), report);
  progress(1, 'done');
  return report;
}
