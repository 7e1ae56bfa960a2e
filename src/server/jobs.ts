/**
 * The kinds of long work the server runs as jobs, and how each runs (inside a worker thread):
 * performance analysis, comparison of recordings, transcription, loudness, conversion, a mix of stems for a listener
 * profile, and automix. A job reads uploads from the blob store by id, writes its files into its
 * own folder under fixed names, and returns a plain-JSON summary; progress goes to `report`.
 * The request schemas live in api.ts; parameters arrive here already validated.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  analysisToJson,
  analysisToSvg,
  comparePerformances,
  notesToMidi,
} from '../analysis/index.js';
import { ZhiyinError } from '../errors/index.js';
import { checkProject, type MixObject, type MixOverrides, type MixProject } from '../mix/index.js';
import { writeMusicXml } from '../notation/index.js';
import {
  analyzeFile,
  automixFiles,
  convertAudioFile,
  measureLoudnessFile,
  mixProject,
  readMelodyFile,
  transcribeFile,
} from '../node/index.js';

export const JOB_KINDS = [
  'analyse',
  'compare',
  'melody',
  'transcribe',
  'loudness',
  'convert',
  'mix',
  'automix',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface AnalyseParams {
  upload: string;
}
export interface CompareParams {
  /** Two to eight recordings, each its own group. */
  uploads: string[];
  /** Their names in the comparison (default: "recording 1" …). */
  labels?: string[];
}
export interface MelodyParams {
  upload: string;
  /** Quarter notes per minute to write the recording's timing at (default 120). */
  tempo?: number;
}
export interface TranscribeParams {
  upload: string;
}
export interface LoudnessParams {
  upload: string;
}
export interface ConvertParams {
  upload: string;
  sampleRate?: number;
  channels?: number;
  format?: 'pcm16' | 'pcm24' | 'float32';
  normalizeLufs?: number;
}
export interface MixStem {
  upload: string;
  id: string;
  role: MixObject['role'];
  instrument?: string;
  importance?: MixObject['importance'];
  gainDb?: number;
  pan?: number;
  descriptors?: string[];
}
export interface MixParams {
  /** The objects, one per uploaded stem… */
  stems?: MixStem[];
  /** …or an uploaded mix project, with the upload that stands for each of its files. */
  project?: string;
  files?: Record<string, string>;
  profile?: string;
  overrides?: MixOverrides;
}
export interface AutomixParams {
  vocal: string;
  backing: string;
  profile?: string;
  words?: string[];
  dereverb?: boolean;
  offsetMs?: number;
  overrides?: MixOverrides;
}

/** A file a job wrote, offered for download. */
export interface JobFile {
  name: string;
  type: string;
  bytes: number;
}

export interface JobResult {
  summary: unknown;
  files: JobFile[];
}

export interface JobContext {
  /** The blob path of an upload id (checked by the server before the job was accepted). */
  blob: (id: string) => string;
  /** This job's own folder (exists, empty). */
  folder: string;
  report: (fraction: number, stage: string) => void;
}

async function put(
  ctx: JobContext,
  name: string,
  type: string,
  data: string | Uint8Array,
): Promise<JobFile> {
  await writeFile(join(ctx.folder, name), data);
  return { name, type, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length };
}

const WAV = 'audio/wav';
const JSON_TYPE = 'application/json';

async function analyse(p: AnalyseParams, ctx: JobContext): Promise<JobResult> {
  ctx.report(0, 'analysing');
  const a = await analyzeFile(ctx.blob(p.upload), {
    onProgress: (f) => ctx.report(0.95 * f, 'analysing'),
  });
  const files = [
    await put(ctx, 'analysis.json', JSON_TYPE, analysisToJson(a)),
    await put(ctx, 'analysis.svg', 'image/svg+xml', analysisToSvg(a)),
  ];
  const counts: Record<string, number> = {};
  for (const e of a.events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return {
    summary: {
      durationSeconds: a.durationSeconds,
      notes: a.notes.length,
      events: counts,
      summary: a.summary,
    },
    files,
  };
}

async function compare(p: CompareParams, ctx: JobContext): Promise<JobResult> {
  const n = p.uploads.length;
  const files: JobFile[] = [];
  const groups = [];
  for (const [k, id] of p.uploads.entries()) {
    const stage = `analysing ${k + 1} of ${n}`;
    ctx.report((0.95 * k) / n, stage);
    const a = await analyzeFile(ctx.blob(id), {
      onProgress: (f) => ctx.report((0.95 * (k + f)) / n, stage),
    });
    files.push(await put(ctx, `analysis-${k + 1}.json`, JSON_TYPE, analysisToJson(a)));
    groups.push({ label: p.labels?.[k] ?? `recording ${k + 1}`, analyses: [a] });
  }
  const c = comparePerformances(groups);
  files.push(await put(ctx, 'comparison.json', JSON_TYPE, JSON.stringify(c)));
  return {
    summary: {
      groups: c.groups.map((g) => ({ label: g.label, notes: g.notes, proportions: g.proportions })),
      pairs: c.pairs,
    },
    files,
  };
}

/** A recording's melody as a score (transcribed, the top line on a sixteenth grid), to adapt. */
async function melody(p: MelodyParams, ctx: JobContext): Promise<JobResult> {
  ctx.report(0, 'transcribing');
  const score = await readMelodyFile(ctx.blob(p.upload), {
    ...(p.tempo !== undefined && { tempo: p.tempo }),
    onProgress: (f) => ctx.report(0.95 * f, 'transcribing'),
  });
  const files = [
    await put(
      ctx,
      'melody.musicxml',
      'application/vnd.recordare.musicxml+xml',
      writeMusicXml({ ...score, title: 'Transcribed melody' }),
    ),
  ];
  return {
    summary: { notes: score.notes.filter((n) => n.pitch).length, tempo: score.tempo },
    files,
  };
}

async function transcribe(p: TranscribeParams, ctx: JobContext): Promise<JobResult> {
  ctx.report(0, 'transcribing');
  const notes = await transcribeFile(ctx.blob(p.upload), {
    onProgress: (f) => ctx.report(0.95 * f, 'transcribing'),
  });
  const files = [
    await put(ctx, 'notes.mid', 'audio/midi', notesToMidi(notes)),
    await put(ctx, 'notes.json', JSON_TYPE, JSON.stringify(notes)),
  ];
  return { summary: { notes: notes.length }, files };
}

async function loudness(p: LoudnessParams, ctx: JobContext): Promise<JobResult> {
  const { info, loudness: l } = await measureLoudnessFile(ctx.blob(p.upload), {
    onProgress: (stage, f) => ctx.report(f, stage),
  });
  return {
    summary: {
      sampleRate: info.sampleRate,
      channels: info.channelCount,
      integratedLufs: l.integratedLufs,
      loudnessRangeLu: l.loudnessRangeLu,
      truePeakDbtp: l.truePeakDbtp,
      samplePeakDbfs: l.samplePeakDbfs,
      durationSeconds: l.durationSeconds,
    },
    files: [],
  };
}

async function convert(p: ConvertParams, ctx: JobContext): Promise<JobResult> {
  const out = join(ctx.folder, 'converted.wav');
  const r = await convertAudioFile(ctx.blob(p.upload), out, {
    ...(p.sampleRate !== undefined && { sampleRate: p.sampleRate }),
    ...(p.channels !== undefined && { channels: p.channels }),
    ...(p.format !== undefined && { format: p.format }),
    ...(p.normalizeLufs !== undefined && { normalizeLufs: p.normalizeLufs }),
    onProgress: (stage, f) => ctx.report(f, stage),
  });
  const { path: _path, ...output } = r.output;
  return {
    summary: { output, gainDb: r.gainDb, outputLoudness: r.outputLoudness },
    files: [{ name: 'converted.wav', type: WAV, bytes: await sizeOf(out) }],
  };
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** A project from the request's stems, each file an upload id. */
function stemsProject(stems: MixStem[]): MixProject {
  const ids = new Set<string>();
  for (const s of stems) {
    if (ids.has(s.id))
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `two stems are called "${s.id}": give each its own id.`,
      );
    ids.add(s.id);
  }
  return checkProject(
    {
      format: 'zhiyin-mix',
      version: 1,
      objects: stems.map((s) => ({
        id: s.id,
        file: s.upload,
        role: s.role,
        ...(s.instrument !== undefined && { instrument: s.instrument }),
        ...(s.importance !== undefined && { importance: s.importance }),
        ...(s.gainDb !== undefined && { gainDb: s.gainDb }),
        ...(s.pan !== undefined && { pan: s.pan }),
        ...(s.descriptors?.length && { descriptors: s.descriptors }),
      })),
    },
    'the mix request',
  );
}

/** An uploaded project, each of its (unmuted) files mapped to an upload by the request. */
async function uploadedProject(p: MixParams, ctx: JobContext): Promise<MixProject> {
  const project = checkProject(
    JSON.parse(await readFile(ctx.blob(p.project!), 'utf8')),
    'the mix project',
  );
  const missing = project.objects.filter((o) => !o.mute && !p.files?.[o.file]).map((o) => o.file);
  if (missing.length)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `the project needs ${missing.join(', ')}: upload each and name its upload in "files".`,
    );
  return project;
}

/** The mix and its report, as mix and automix write them. */
async function mixFiles(ctx: JobContext): Promise<JobFile[]> {
  return [
    { name: 'mix.wav', type: WAV, bytes: await sizeOf(join(ctx.folder, 'mix.wav')) },
    { name: 'mix.json', type: JSON_TYPE, bytes: await sizeOf(join(ctx.folder, 'mix.json')) },
  ];
}

async function mix(p: MixParams, ctx: JobContext): Promise<JobResult> {
  const project = p.project ? await uploadedProject(p, ctx) : stemsProject(p.stems ?? []);
  const locate = p.project
    ? (o: MixObject) => ctx.blob(p.files![o.file]!)
    : (o: MixObject) => ctx.blob(o.file);
  const out = join(ctx.folder, 'mix.wav');
  const report = await mixProject(project, locate, out, {
    ...(p.profile !== undefined && { profile: p.profile }),
    ...(p.overrides && { overrides: p.overrides }),
    onProgress: (f, stage) => ctx.report(f, stage),
  });
  return { summary: report, files: await mixFiles(ctx) };
}

async function automixJob(p: AutomixParams, ctx: JobContext): Promise<JobResult> {
  const out = join(ctx.folder, 'mix.wav');
  const report = await automixFiles(ctx.blob(p.vocal), ctx.blob(p.backing), out, {
    ...(p.profile !== undefined && { profile: p.profile }),
    ...(p.words?.length && { vocalWords: p.words }),
    ...(p.dereverb !== undefined && { dereverb: p.dereverb }),
    ...(p.offsetMs !== undefined && { offsetSeconds: p.offsetMs / 1000 }),
    ...(p.overrides && { overrides: p.overrides }),
    onProgress: (f, stage) => ctx.report(f, stage),
  });
  return { summary: report, files: await mixFiles(ctx) };
}

/** The uploads a job's parameters name, and what each must be (checked before it is accepted). */
export function uploadsOf(
  kind: JobKind,
  params: unknown,
): { id: string; kind: 'audio' | 'project' }[] {
  const audio = (id: string) => ({ id, kind: 'audio' as const });
  const p = params as Record<string, unknown>;
  if (kind === 'mix') {
    const m = p as MixParams;
    if (m.project)
      return [{ id: m.project, kind: 'project' }, ...Object.values(m.files ?? {}).map(audio)];
    return (m.stems ?? []).map((s) => audio(s.upload));
  }
  if (kind === 'automix') return [audio(p.vocal as string), audio(p.backing as string)];
  if (kind === 'compare') return (p.uploads as string[]).map(audio);
  return [audio(p.upload as string)];
}

/** Each kind's runner; parameters arrive validated by the kind's schema (schemas.ts). */
const RUNNERS: Record<JobKind, (params: never, ctx: JobContext) => Promise<JobResult>> = {
  analyse,
  compare,
  melody,
  transcribe,
  loudness,
  convert,
  mix,
  automix: automixJob,
};

/** Runs one job. */
export function runJob(kind: JobKind, params: unknown, ctx: JobContext): Promise<JobResult> {
  return RUNNERS[kind](params as never, ctx);
}
