/**
 * Mixing throughput (issue 5): an object-based render of 8 stems and a one-click automix of a
 * vocal take over a backing track, each timed beside ffmpeg doing the nearest job with one
 * thread, in the same interleaved rounds; and the peak memory of each in a fresh process
 * (bench/rss-probe.ts).
 *
 * Inputs are built once into .cache/bench/mix (git-ignored; delete it to rebuild):
 * - stems: eval/mix-signals' seeded synthetic stems, synthesised for a tile of up to 30 s and
 *   repeated to the song's length (synthesis is slow and adds nothing to the timing);
 * - backing: an excerpt of real music (Debian's singularity-music, CC-BY-SA-3.0), or, where the
 *   archive cannot be reached, the synthetic stems summed (the report says which);
 * - take: CMU ARCTIC speech (../shared/data/speech-noise) laid out with pauses, the backing's
 *   bleed, a known offset and household noise, as eval/automix.ts records its takes.
 * Every file is float32 WAV, so the in-memory inputs and ffmpeg's read the same samples.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, resampleAudio, type PlanarAudio } from '../src/audio/index.js';
import { measureLoudness } from '../src/loudness/index.js';
import {
  automix,
  findProfile,
  renderMix,
  type AutomixResult,
  type ChainStep,
  type EqBand,
  type ListenerProfile,
  type MixProject,
  type Role,
} from '../src/mix/index.js';
import { loadProfiles, packageRoot, readAudioFile } from '../src/node/index.js';
import { monoStem, stereoStem, type StemName } from '../eval/mix-signals.js';
import { seededRandom } from '../eval/signals.js';
import { fmt, markdownTable, timeInterleaved } from './harness.js';
import { cacheDir, fetchAlbum } from './material.js';

const SR = 44_100;
const dir = join(cacheDir, 'mix');
/** Longest stretch synthesised; longer stems repeat it. */
const TILE_SECONDS = 30;
/** The take is this late against the backing (the bleed's delay), seconds. */
export const TAKE_OFFSET_SECONDS = 0.12;
const RENDER_PROFILE = 'earbuds';
const AUTOMIX_PROFILE = 'zh-pop-mobile';

// ---------------------------------------------------------------- the render's project

const VOCAL_CHAIN: ChainStep[] = [
  {
    type: 'eq',
    bands: [
      { type: 'highpass', frequencyHz: 80, slopeDbPerOctave: 24 },
      { type: 'peak', frequencyHz: 300, gainDb: -2, q: 1 },
      { type: 'peak', frequencyHz: 3500, gainDb: 2, q: 0.9 },
    ],
  },
  {
    type: 'compressor',
    thresholdDb: -24,
    ratio: 3,
    attackSeconds: 0.005,
    releaseSeconds: 0.12,
    detector: 'rms',
  },
  { type: 'deesser', frequencyHz: 5500, thresholdDb: -34, ratio: 4, rangeDb: 10 },
];
const DRUM_CHAIN: ChainStep[] = [
  { type: 'compressor', thresholdDb: -18, ratio: 4, attackSeconds: 0.01, releaseSeconds: 0.1 },
];
const BASS_CHAIN: ChainStep[] = [
  {
    type: 'eq',
    bands: [
      { type: 'highpass', frequencyHz: 40, slopeDbPerOctave: 12 },
      { type: 'peak', frequencyHz: 800, gainDb: 2, q: 1.2 },
    ],
  },
];

interface StemSpec {
  id: string;
  role: Role;
  synth: StemName;
  seed: number;
  stereo: boolean;
  pan?: number;
  gainDb?: number;
  importance?: 0 | 1 | 2 | 3;
  chain?: ChainStep[];
}

/** Eight stems of a pop arrangement; the vocal and bass are mono (as recorded), the rest stereo. */
const STEMS: StemSpec[] = [
  { id: 'vocal', role: 'lead-vocal', synth: 'vocal', seed: 1, stereo: false, chain: VOCAL_CHAIN },
  { id: 'drums', role: 'drums', synth: 'drums', seed: 1, stereo: true, chain: DRUM_CHAIN },
  { id: 'bass', role: 'bass', synth: 'bass', seed: 1, stereo: false, chain: BASS_CHAIN },
  { id: 'keys', role: 'keys', synth: 'keys', seed: 1, stereo: true, pan: 0.1, gainDb: -2 },
  { id: 'guitar', role: 'guitar', synth: 'plucked', seed: 1, stereo: true, gainDb: -3 },
  { id: 'strings', role: 'strings', synth: 'pad', seed: 1, stereo: true, gainDb: -4 },
  {
    id: 'arp',
    role: 'other',
    synth: 'plucked',
    seed: 2,
    stereo: false,
    pan: 0.5,
    gainDb: -6,
    importance: 1,
  },
  {
    id: 'ambience',
    role: 'ambience',
    synth: 'pad',
    seed: 3,
    stereo: true,
    gainDb: -12,
    importance: 1,
  },
];

const PROJECT: MixProject = {
  format: 'zhiyin-mix',
  version: 1,
  title: 'benchmark: 8 stems',
  sampleRate: SR,
  objects: STEMS.map((s) => ({
    id: s.id,
    file: `${s.id}.wav`,
    role: s.role,
    ...(s.pan !== undefined && { pan: s.pan }),
    ...(s.gainDb !== undefined && { gainDb: s.gainDb }),
    ...(s.importance !== undefined && { importance: s.importance }),
    ...(s.chain && { chain: s.chain }),
  })),
};

const profile = (id: string): ListenerProfile => findProfile(loadProfiles(), id);

// ---------------------------------------------------------------- inputs, cached as WAV

const tileSeconds = (seconds: number) => Math.min(seconds, TILE_SECONDS);

function writeFloatWav(path: string, audio: PlanarAudio): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.part`, encodeWav(audio, { format: 'float32' }));
  renameSync(`${path}.part`, path);
}

async function readPlanar(path: string): Promise<PlanarAudio> {
  const a = await readAudioFile(path);
  return { sampleRate: a.sampleRate, channels: a.channels };
}

/** The WAV of one stem's tile, synthesised on first use. */
function stemTile(s: StemSpec, seconds: number): string {
  const tile = tileSeconds(seconds);
  const path = join(dir, `stem-${s.id}-${tile}s.wav`);
  if (!existsSync(path))
    writeFloatWav(
      path,
      s.stereo
        ? stereoStem(s.synth, tile, SR, s.seed)
        : { sampleRate: SR, channels: [monoStem(s.synth, tile, SR, s.seed)] },
    );
  return path;
}

function tiled(audio: PlanarAudio, seconds: number): PlanarAudio {
  const n = Math.round(seconds * SR);
  return {
    sampleRate: SR,
    channels: audio.channels.map((c) => {
      const y = new Float32Array(n);
      for (let at = 0; at < n; at += c.length) y.set(c.subarray(0, Math.min(c.length, n - at)), at);
      return y;
    }),
  };
}

export interface RenderInputs {
  seconds: number;
  stems: Map<string, PlanarAudio>;
  /** The tile file of each stem, for ffmpeg. */
  files: Map<string, string>;
}

/** The 8 stems of `seconds` in memory (each tile read from its WAV and repeated). */
export async function renderInputs(seconds: number): Promise<RenderInputs> {
  const stems = new Map<string, PlanarAudio>(),
    files = new Map<string, string>();
  for (const s of STEMS) {
    const file = stemTile(s, seconds);
    files.set(s.id, file);
    stems.set(s.id, tiled(await readPlanar(file), seconds));
  }
  return { seconds, stems, files };
}

/** One render, as the bench times it: `load` hands over the stems already in memory. */
export function renderJob(inputs: RenderInputs) {
  return renderMix(PROJECT, (o) => inputs.stems.get(o.id)!, {
    profile: profile(RENDER_PROFILE),
  });
}

export interface AutomixInputs {
  seconds: number;
  take: PlanarAudio;
  backing: PlanarAudio;
  takeFile: string;
  backingFile: string;
  /** Where the backing, the voice and the noise come from, for the report. */
  sources: TakeSources & { backing: string };
}

interface TakeSources {
  voice: string;
  noise: string;
}

const lufs = (channels: Float32Array[]) =>
  measureLoudness({ sampleRate: SR, channels }, { truePeak: false }).integratedLufs;

const speechDir = () => join(packageRoot(), '..', 'shared', 'data', 'speech-noise');

async function monoAt44(path: string): Promise<Float32Array> {
  const a = await readPlanar(path);
  return resampleAudio({ sampleRate: a.sampleRate, channels: [a.channels[0]!] }, SR).channels[0]!;
}

/** The backing: real music where the archive can be reached, else the synthetic stems summed. */
async function buildBacking(seconds: number): Promise<{ audio: PlanarAudio; source: string }> {
  const n = Math.round(seconds * SR);
  const from = 20; // past the intro
  for (const track of fetchAlbum('singularity-music')) {
    const a = await readAudioFile(track).catch(() => null);
    if (!a || a.channels.length < 2 || a.channels[0]!.length / a.sampleRate < from + seconds + 1)
      continue;
    const start = from * a.sampleRate,
      end = Math.ceil((from + seconds + 0.5) * a.sampleRate);
    const b = resampleAudio(
      {
        sampleRate: a.sampleRate,
        channels: a.channels.slice(0, 2).map((c) => c.slice(start, end)),
      },
      SR,
    );
    return {
      audio: { sampleRate: SR, channels: b.channels.map((c) => c.slice(0, n)) },
      source: `real music: "${basename(track, '.ogg')}" from Debian's singularity-music (CC-BY-SA-3.0), ${seconds} s from 0:${from}, resampled from ${a.sampleRate / 1000} kHz`,
    };
  }
  const { stems } = await renderInputs(seconds);
  const sum = [new Float32Array(n), new Float32Array(n)];
  for (const s of stems.values())
    for (let c = 0; c < 2; c++) {
      const x = s.channels[Math.min(c, s.channels.length - 1)]!;
      for (let i = 0; i < n; i++) sum[c]![i]! += 0.3 * x[i]!;
    }
  return {
    audio: { sampleRate: SR, channels: sum },
    source: `synthesised (Debian's archive was not reachable): the 8 benchmark stems summed`,
  };
}

/** Voice clips and noise: CMU ARCTIC and household noise where ../shared/data has them. */
async function takeMaterial(): Promise<
  { clips: Float32Array[]; noiseSamples: Float32Array } & TakeSources
> {
  const speech = speechDir();
  const files = ['cmu_arctic_us_aew_a0001.wav', 'cmu_arctic_us_axb_a0004.wav'];
  if ([...files, 'exercise_bike.wav'].every((f) => existsSync(join(speech, f))))
    return {
      clips: await Promise.all(files.map((f) => monoAt44(join(speech, f)))),
      noiseSamples: await monoAt44(join(speech, 'exercise_bike.wav')),
      voice: 'two CMU ARCTIC sentences (16 kHz, resampled to 44.1 kHz)',
      noise: 'exercise-bike noise (16 kHz, resampled)',
    };
  const rnd = seededRandom(9);
  return {
    clips: [4, 5].map((seed) => monoStem('vocal', 7, SR, seed)),
    noiseSamples: Float32Array.from({ length: 20 * SR }, () => rnd() * 2 - 1),
    voice: 'synthesised sung phrases (../shared/data/speech-noise is absent)',
    noise: 'white noise (../shared/data/speech-noise is absent)',
  };
}

/**
 * A take as a phone records it over the backing playing from its loudspeaker: speech laid out
 * with pauses (1 s of silence first, then 0.9–2.1 s between clips) at −20 LUFS, the backing's
 * bleed (mono, 26 dB below the voice), the whole delayed by TAKE_OFFSET_SECONDS, and household
 * noise at 10 dB SNR over the voiced stretches.
 */
async function buildTake(
  seconds: number,
  backing: PlanarAudio,
): Promise<{ take: PlanarAudio } & TakeSources> {
  const n = Math.round(seconds * SR);
  const { clips, noiseSamples: noise, ...sources } = await takeMaterial();
  const rnd = seededRandom(5);
  let voice = new Float32Array(n);
  const spans: [number, number][] = [];
  for (let k = 0, at = SR; at < n - SR; k++) {
    const clip = clips[k % clips.length]!;
    const len = Math.min(clip.length, n - SR - at);
    voice.set(clip.subarray(0, len), at);
    spans.push([at, at + len]);
    at += len + Math.round((0.9 + 1.2 * rnd()) * SR);
  }
  const gVoice = 10 ** ((-20 - lufs([voice])) / 20);
  voice = voice.map((v) => v * gVoice);
  const bleed = new Float32Array(n);
  for (const c of backing.channels)
    for (let i = 0; i < n; i++) bleed[i]! += c[i]! / backing.channels.length;
  const gBleed = 10 ** ((-20 - 26 - lufs([bleed])) / 20);
  let pv = 0,
    count = 0;
  for (const [a, b] of spans)
    for (let i = a; i < b; i++) {
      pv += voice[i]! ** 2;
      count++;
    }
  let pn = 0;
  for (const v of noise) pn += v * v;
  const gNoise = Math.sqrt(pv / count / (pn / noise.length)) * 10 ** (-10 / 20);
  const d = Math.round(TAKE_OFFSET_SECONDS * SR);
  const start = Math.floor(rnd() * noise.length);
  const take = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = i >= d ? voice[i - d]! + gBleed * bleed[i - d]! : 0;
    const w = gNoise * noise[(start + i) % noise.length]!;
    take[i] = Math.max(-1, Math.min(1, v + w)); // a recorder clips
  }
  return { take: { sampleRate: SR, channels: [take] }, ...sources };
}

/** The take and backing of `seconds`, built once into .cache/bench/mix and read from there. */
export async function automixInputs(seconds: number): Promise<AutomixInputs> {
  const backingFile = join(dir, `backing-${seconds}s.wav`),
    takeFile = join(dir, `take-${seconds}s.wav`),
    sourceFile = join(dir, `sources-${seconds}s.json`);
  if (!existsSync(backingFile) || !existsSync(takeFile) || !existsSync(sourceFile)) {
    const { audio, source } = await buildBacking(seconds);
    const { take, ...sources } = await buildTake(seconds, audio);
    writeFloatWav(backingFile, audio);
    writeFloatWav(takeFile, take);
    writeFileSync(sourceFile, JSON.stringify({ backing: source, ...sources }));
  }
  return {
    seconds,
    take: await readPlanar(takeFile),
    backing: await readPlanar(backingFile),
    takeFile,
    backingFile,
    sources: JSON.parse(readFileSync(sourceFile, 'utf8')) as AutomixInputs['sources'],
  };
}

/** One automix, as the bench times it (offset estimated, not given). */
export function automixJob(inputs: AutomixInputs): Promise<AutomixResult> {
  return automix(inputs.take, inputs.backing, { profile: profile(AUTOMIX_PROFILE) });
}

// ---------------------------------------------------------------- ffmpeg peers

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-filter_threads',
    '1',
    '-filter_complex_threads',
    '1',
    ...args,
    '-threads',
    '1',
    '-f',
    'f32le',
    '-c:a',
    'pcm_f32le',
    '-y',
    '/dev/null',
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${String(r.stderr).slice(0, 400)}`);
}

/** An input read `loops + 1` times over (the stems' tile repeated to the song's length). */
const input = (file: string, loops = 0) => [
  '-threads',
  '1',
  ...(loops ? ['-stream_loop', String(loops)] : []),
  '-i',
  file,
];

const num = (x: number) => String(Number(x.toFixed(6)));

function ffmpegEq(bands: EqBand[]): string[] {
  return bands.flatMap((b) => {
    switch (b.type) {
      case 'peak':
        return [`equalizer=f=${b.frequencyHz}:t=q:w=${b.q}:g=${b.gainDb}`];
      case 'lowshelf':
        return [`bass=f=${b.frequencyHz}:g=${b.gainDb}`];
      case 'highshelf':
        return [`treble=f=${b.frequencyHz}:g=${b.gainDb}`];
      default: {
        // 12·k dB per octave: k two-pole sections (ffmpeg's are Q 0.707 each).
        const k = (b.slopeDbPerOctave ?? 12) / 12;
        return Array.from({ length: k }, () => `${b.type}=f=${b.frequencyHz}:poles=2`);
      }
    }
  });
}

function ffmpegChain(chain: ChainStep[] = []): string[] {
  return chain.flatMap((s) => {
    if (s.type === 'eq') return ffmpegEq(s.bands);
    if (s.type === 'compressor')
      return [
        `acompressor=threshold=${s.thresholdDb}dB:ratio=${s.ratio}:attack=${(s.attackSeconds ?? 0.01) * 1000}:release=${(s.releaseSeconds ?? 0.1) * 1000}:detection=${s.detector ?? 'peak'}`,
      ];
    if (s.type === 'deesser') return ['deesser=i=0.6'];
    throw new Error(`no ffmpeg equivalent written for chain step ${s.type}`);
  });
}

/** Per-stem pan (the render's laws) and gain; `full` adds the chains and the master. */
export function renderGraph(full: boolean): string {
  const p = profile(RENDER_PROFILE);
  const parts = STEMS.map((s, k) => {
    const pan = s.pan ?? 0;
    let gl: number, gr: number;
    if (!s.stereo) {
      const angle = ((pan + 1) * Math.PI) / 4;
      gl = Math.cos(angle) * Math.SQRT2;
      gr = Math.sin(angle) * Math.SQRT2;
    } else {
      gl = pan > 0 ? 1 - pan : 1;
      gr = pan < 0 ? 1 + pan : 1;
    }
    const right = s.stereo ? 'c1' : 'c0';
    const importance = s.importance ?? (s.role === 'lead-vocal' ? 3 : 2);
    const gainDb = (s.gainDb ?? 0) + p.importanceLu[importance]!;
    const filters = [
      `pan=stereo|c0=${num(gl)}*c0|c1=${num(gr)}*${right}`,
      ...(full ? ffmpegChain(s.chain) : []),
      `volume=${num(gainDb)}dB`,
    ];
    return `[${k}:a]${filters.join(',')}[s${k}]`;
  });
  const master = full
    ? [
        ...ffmpegEq(p.masterEq),
        `acompressor=threshold=-24dB:ratio=${p.masterCompressor?.ratio ?? 1.5}:attack=20:release=250`,
        `loudnorm=I=${p.targetLufs}:TP=${p.truePeakDbtp}`,
        `aresample=${SR}`,
      ]
    : [`alimiter=limit=${p.truePeakDbtp}dB:level=0`];
  return `${parts.join(';')};${STEMS.map((_, k) => `[s${k}]`).join('')}amix=inputs=${STEMS.length}:normalize=0,${master.join(',')}[out]`;
}

function ffmpegRender(inputs: RenderInputs, full: boolean): void {
  const loops = Math.ceil(inputs.seconds / tileSeconds(inputs.seconds)) - 1;
  ffmpeg([
    ...STEMS.flatMap((s) => input(inputs.files.get(s.id)!, loops)),
    '-filter_complex',
    renderGraph(full),
    '-map',
    '[out]',
    '-t',
    String(inputs.seconds),
  ]);
}

/** The automix's nearest ffmpeg job: a cleaning and tone chain on the take, a mix, a master. */
export function automixGraph(): string {
  const p = profile(AUTOMIX_PROFILE);
  const vocal = [
    ...ffmpegEq([{ type: 'highpass', frequencyHz: 80, slopeDbPerOctave: 24 }]),
    'afftdn=nr=24',
    'agate=threshold=-45dB:range=-18dB:release=200',
    'deesser=i=0.6',
    'equalizer=f=300:t=q:w=1:g=-2',
    'equalizer=f=3500:t=q:w=0.9:g=2',
    'acompressor=threshold=-26dB:ratio=3:attack=5:release=120:detection=rms',
    'aecho=0.8:0.7:43|71|97:0.25|0.18|0.12',
    'pan=stereo|c0=c0|c1=c0',
  ];
  const master = [
    ...ffmpegEq(p.masterEq),
    `acompressor=threshold=-20dB:ratio=${p.masterCompressor?.ratio ?? 2}:attack=20:release=250`,
    `loudnorm=I=${p.targetLufs}:TP=${p.truePeakDbtp}`,
    `aresample=${SR}`,
  ];
  return `[0:a]${vocal.join(',')}[v];[v][1:a]amix=inputs=2:normalize=0,${master.join(',')}[out]`;
}

function ffmpegAutomix(inputs: AutomixInputs): void {
  ffmpeg([
    ...input(inputs.takeFile),
    ...input(inputs.backingFile),
    '-filter_complex',
    automixGraph(),
    '-map',
    '[out]',
  ]);
}

// ---------------------------------------------------------------- memory (fresh processes)

const probe = join(fileURLToPath(new URL('.', import.meta.url)), 'rss-probe.js');

export interface MixProbeResult {
  /** Length of the song, seconds. */
  audioSeconds: number;
  /** Raw float32 size of the inputs held, MiB. */
  inputMiB: number;
  /** Resident set size once the inputs are built (after a garbage collection), MiB. */
  inputsRssMiB: number;
  /** Peak RSS while building the inputs, MiB. */
  buildPeakRssMiB: number;
  /** Peak RSS during the job alone (the peak was reset after the inputs were built), MiB. */
  jobPeakRssMiB: number;
  /** False where the peak could not be reset (then jobPeakRssMiB is the whole run's). */
  peakReset: boolean;
  /** Time of the job alone, seconds. */
  wallSeconds: number;
}

function runProbe(mode: 'render' | 'automix', seconds: number): MixProbeResult {
  const r = spawnSync(process.execPath, ['--expose-gc', probe, mode, String(seconds)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`rss probe (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as MixProbeResult;
}

// ---------------------------------------------------------------- the section

const rt = (seconds: number, t: number) => `${fmt(seconds / t)}×`;

/** A cheap fingerprint of audio, to check that a job left its inputs alone. */
function fingerprint(audios: Iterable<PlanarAudio>): number {
  let h = 0;
  for (const a of audios)
    for (const c of a.channels) for (let i = 0; i < c.length; i += 997) h = h * 0.999 + c[i]!;
  return h;
}

async function renderPart(seconds: number, rounds: number): Promise<string> {
  const inputs = await renderInputs(seconds);
  const before = fingerprint(inputs.stems.values());
  let last: Awaited<ReturnType<typeof renderJob>> | undefined;
  const times = await timeInterleaved(
    [
      {
        name: 'ours',
        run: async () => {
          last = await renderJob(inputs);
        },
      },
      { name: 'ffmpeg', run: () => ffmpegRender(inputs, true) },
      { name: 'ffmpeg-floor', run: () => ffmpegRender(inputs, false) },
    ],
    rounds,
  );
  if (fingerprint(inputs.stems.values()) !== before)
    throw new Error(
      'renderMix changed the stems its loader returned; the bench hands the same arrays to every round, so copy them in `load`.',
    );
  const ours = times.get('ours')!;
  const row = (label: string, t: number, goal: string) => [
    label,
    fmt(t),
    rt(seconds, t),
    fmt(t / ours),
    goal,
  ];
  const table = markdownTable(
    ['job', 'median s', '× real time', 'time ÷ ours', 'goal'],
    [
      row(`ours: \`renderMix\`, profile ${RENDER_PROFILE}`, ours, '≥ 100×'),
      row('ffmpeg: pan, gain, chains, amix, master, loudnorm', times.get('ffmpeg')!, ''),
      row('ffmpeg floor: pan, gain, amix, alimiter', times.get('ffmpeg-floor')!, ''),
    ],
  );
  const m = last!.report.master,
    lead = last!.report.leadVocal;
  const chain = (c: ChainStep[]) => c.map((s) => s.type).join(' + ');
  return `### Render: 8 stems × ${seconds} s, 44.1 kHz stereo

Stems: eval/mix-signals' seeded synthetic stems, ${STEMS.map((s) => `${s.id} (${s.role}${s.stereo ? '' : ', mono'})`).join(', ')}; ${tileSeconds(seconds) < seconds ? `each synthesised for ${tileSeconds(seconds)} s and repeated to ${seconds} s (synthesis is slow; the repetition changes nothing the timing depends on)` : `each synthesised for ${seconds} s`}. Chains: vocal ${chain(VOCAL_CHAIN)} (high-pass 80 Hz, 300 Hz −2 dB, 3.5 kHz +2 dB; 3:1 RMS; 5.5 kHz), drums ${chain(DRUM_CHAIN)} (4:1), bass ${chain(BASS_CHAIN)} (high-pass 40 Hz, 800 Hz +2 dB); the others gain and pan only. Ours: \`renderMix\` for the ${RENDER_PROFILE} profile with the stems already in memory (\`load\` returns them: decoding is excluded), so its time is the pan, the chains, the importance gains, the master EQ, the lead-vocal balance in LU, the master compressor, loudness normalisation checked after a true-peak limiter, and the final measurement, on one core. ffmpeg (one thread: \`-threads 1 -filter_threads 1 -filter_complex_threads 1\`) reads the same tiles from float32 WAV (\`-stream_loop\` to ${seconds} s) and runs the nearest graph: per-stem pan and volume, the same chains as equalizer/highpass/acompressor/deesser, amix of 8, the master high-pass and a 1.5:1 acompressor, one-pass loudnorm (I=${profile(RENDER_PROFILE).targetLufs}, TP=${profile(RENDER_PROFILE).truePeakDbtp}; it works at 192 kHz, so aresample back to 44.1 kHz) into /dev/null; its time includes reading the WAVs and starting the process, and it has no lead-vocal balance. The floor row is pan, volume, amix and a sample-peak alimiter alone (no loudness measurement, no true peak).

${table}

Our render's report (last round): ${fmt(m.integratedLufs)} LUFS (target ${m.targetLufs}), ${fmt(m.truePeakDbtp)} dBTP (ceiling ${m.ceilingDbtp}), lead vocal ${lead.measuredLu === null ? 'not measured' : `${fmt(lead.measuredLu, 2)} LU`} over the rest (target ${lead.targetLu}), ${m.iterations} limiter pass${m.iterations === 1 ? '' : 'es'}.`;
}

async function automixPart(seconds: number, rounds: number): Promise<string> {
  const inputs = await automixInputs(seconds);
  const before = fingerprint([inputs.take, inputs.backing]);
  let last: AutomixResult | undefined;
  const times = await timeInterleaved(
    [
      {
        name: 'ours',
        run: async () => {
          last = await automixJob(inputs);
        },
      },
      { name: 'ffmpeg', run: () => ffmpegAutomix(inputs) },
    ],
    rounds,
  );
  if (fingerprint([inputs.take, inputs.backing]) !== before)
    throw new Error('automix changed its take or backing; the bench reuses them every round.');
  const ours = times.get('ours')!,
    ff = times.get('ffmpeg')!;
  const table = markdownTable(
    ['job', 'median s', '× real time', 'time ÷ ours', 'goal'],
    [
      [
        `ours: \`automix\`, profile ${AUTOMIX_PROFILE}`,
        fmt(ours),
        rt(seconds, ours),
        '1.00',
        '≥ 20×',
      ],
      [
        'ffmpeg: highpass, afftdn, agate, deesser, EQ, acompressor, aecho, amix, master, loudnorm',
        fmt(ff),
        rt(seconds, ff),
        fmt(ff / ours),
        '',
      ],
    ],
  );
  const o = last!.report.offset,
    m = last!.report.mix;
  return `### Automix: a ${seconds}-second song

Backing: ${inputs.sources.backing}, 44.1 kHz stereo. Take (mono, 44.1 kHz): ${inputs.sources.voice} laid out with 0.9–2.1 s pauses at −20 LUFS, plus the backing's bleed (mono, 26 dB below the voice), all ${TAKE_OFFSET_SECONDS * 1000} ms late, with ${inputs.sources.noise} at 10 dB SNR; both in memory (decoding excluded). Ours: \`automix(take, backing, { profile: ${AUTOMIX_PROFILE} })\`, the offset estimated (weighted GCC, src/mix/offset.ts), the bleed estimated and cancelled, the cleaning chain (loudness, high-pass, voice gate, spectral-gating noise reduction), de-esser, tone EQ and compressor, a reverb matched to the backing, and the two-object render with the lead balanced in LU. ffmpeg (one thread) reads the same take and backing from float32 WAV and runs the nearest chain: take → highpass 80 Hz (24 dB/octave) → afftdn (24 dB) → agate → deesser → the same two EQ peaks → acompressor 3:1 → aecho (a few early echoes for a room) → amix with the backing → master high-pass and 3 kHz peak → acompressor 2:1 → loudnorm (I=${profile(AUTOMIX_PROFILE).targetLufs}, TP=${profile(AUTOMIX_PROFILE).truePeakDbtp}, one pass) → aresample to 44.1 kHz → /dev/null. ffmpeg has no alignment and no lead-vocal balance, so it is a speed reference, not an equal in quality; its time includes reading the WAVs and starting the process.

${table}

Sanity check (last round): offset found ${fmt(o.seconds * 1000, 4)} ms (truth ${TAKE_OFFSET_SECONDS * 1000} ms), confidence ${fmt(o.confidence, 2)}, ${o.applied ? 'applied' : 'not applied (under the 0.3 confidence automix needs)'}; the mix at ${fmt(m.master.integratedLufs)} LUFS, ${fmt(m.master.truePeakDbtp)} dBTP, lead vocal ${m.leadVocal.measuredLu === null ? 'not measured' : `${fmt(m.leadVocal.measuredLu, 2)} LU`} (target ${m.leadVocal.targetLu}).`;
}

function memoryPart(renderSeconds: number, automixSeconds: number): string {
  const row = (label: string, r: MixProbeResult) => [
    label,
    `${fmt(r.inputMiB)} MiB`,
    `${fmt(r.inputsRssMiB)} MiB`,
    `${fmt(r.jobPeakRssMiB)} MiB`,
    `${fmt(r.jobPeakRssMiB - r.inputsRssMiB)} MiB`,
    `${fmt(r.buildPeakRssMiB)} MiB`,
  ];
  const render = runProbe('render', renderSeconds),
    mix = runProbe('automix', automixSeconds);
  const note = render.peakReset
    ? 'The peak is reset (`/proc/self/clear_refs`) once the inputs are built, so the job’s peak excludes what building them took.'
    : 'The peak could not be reset here, so the job’s peak includes building the inputs.';
  return `### Peak memory

A fresh Node process per job (bench/rss-probe.ts) builds the same inputs as above (reading the cached WAVs), collects garbage, notes its resident set size (VmRSS), then runs the job once and reads the peak (VmHWM) from /proc/self/status. ${note} The job’s share is its peak minus the RSS with the inputs loaded.

${markdownTable(
  [
    'job',
    'input audio (float32)',
    'RSS with inputs loaded',
    'peak RSS during the job',
    'the job’s share',
    'peak RSS building the inputs',
  ],
  [row(`render, 8 stems × ${renderSeconds} s`, render), row(`automix, ${automixSeconds} s`, mix)],
)}`;
}

/** The mixing section's body (Markdown): render, automix and memory. */
export async function benchMix(smoke: boolean, rounds: number): Promise<string> {
  const seconds = smoke ? 10 : 180;
  const log = (s: string) => process.stderr.write(`bench: mix: ${s}\n`);
  log(`render, 8 stems × ${seconds} s`);
  const render = await renderPart(seconds, rounds);
  log(`automix, ${seconds} s`);
  const mix = await automixPart(seconds, rounds);
  log('memory');
  return `${render}\n\n${mix}\n\n${memoryPart(seconds, seconds)}\n\n${accuracyPart()}`;
}

/** The automix evaluation's figures, as `npm run eval -- --only mix` last wrote them. */
function accuracyPart(): string {
  const path = 'eval/results/automix.md';
  if (!existsSync(path))
    return `### Accuracy

No ${path} yet: run \`npm run eval -- --only mix > ${path}\`.`;
  const body = readFileSync(path, 'utf8')
    .replace(/^# Evaluation\s*## Automix \(one-click vocal mix\)\s*/, '')
    .replace(/^### /gm, '#### ');
  return `### Accuracy (from ${path}, \`npm run eval -- --only mix\`)\n\n${body.trim()}`;
}
