/**
 * Fuzzing the decoders: thousands of malformed inputs per container format, generated from
 * valid seeds by seeded mutations (truncation, bit flips, random header bytes, extreme header
 * fields, spliced and inserted regions, random bodies behind valid magic numbers). Score files
 * (MusicXML, .mxl, MIDI, ABC through readScore; **kern through readKern) are fuzzed the same way.
 * Every input must end, within a time bound, either decoded or with a ZhiyinError; anything else (another
 * exception, a hang, unbounded memory) is a failure, printed with the seed to reproduce it.
 *
 * Each format runs in a worker thread watched by a timer, so a hang is caught and reported
 * instead of stalling the run.
 *
 * Format 'files' writes each input to a file and goes through the Node route (ID3 skipping,
 * sniffing, ffmpeg for M4A and other containers); it is slower (a process per input), so it
 * runs --files N inputs (default: the per-format count, at most 1000).
 *
 * Usage: node dist/eval/fuzz.js [--per-format N] [--files N] [--seed S] [--format wav] [--report out.md]
 * Exit code 1 when any input fails.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { decodeAudio, encodeWav, probeAudio } from '../src/audio/index.js';
import { probeAudioFile, readAudioFile } from '../src/node/index.js';
import { isZhiyinError } from '../src/errors/index.js';
import {
  melodyToScore,
  readKern,
  readScore,
  scoreToMidi,
  writeMusicXml,
  writeMxl,
} from '../src/notation/index.js';
import { seededRandom } from './signals.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

/** Wall-clock bound per input (decode + probe). */
const TIME_BOUND_MS = 2000;
/** For format 'files', which starts ffprobe and ffmpeg processes per input. */
const FILES_TIME_BOUND_MS = 5000;
const boundOf = (format: string) => (format === 'files' ? FILES_TIME_BOUND_MS : TIME_BOUND_MS);
/** Decoded audio held in memory per input, at most. */
const MAX_DECODED_BYTES = 64 * 2 ** 20;

interface Outcome {
  index: number;
  kind: 'ok' | 'error' | 'failure';
  code?: string;
  detail?: string;
  ms: number;
}

/** The valid seed files of each format. */
function seeds(format: string): Uint8Array[] {
  const fixture = (name: string) => new Uint8Array(readFileSync(join(root, 'test/fixtures', name)));
  const tone = Float32Array.from({ length: 4410 }, (_, i) => 0.5 * Math.sin(i / 7));
  switch (format) {
    case 'wav':
      return [
        fixture('chord.wav'),
        encodeWav(
          { sampleRate: 48000, channels: [tone, tone, tone, tone, tone, tone] },
          { format: 'pcm24' },
        ),
        encodeWav({ sampleRate: 96000, channels: [tone] }, { format: 'float32' }),
      ];
    case 'flac':
      return [fixture('chord.flac')];
    case 'mp3':
      return [fixture('chord.mp3')];
    case 'ogg-vorbis':
      return [fixture('chord.ogg')];
    case 'ogg-opus':
      return [fixture('chord.opus')];
    case 'unknown':
      return [new Uint8Array(64)];
    case 'kern': // Humdrum **kern text: a melody spine beside lyrics, with a split and a chord
      return [
        new TextEncoder().encode(
          '!!!OTL: Seed\n**kern\t**text\n*k[f#c#]\t*\n*D:\t*\n*M3/4\t*\n=1\t=1\n4.f#\tla\n8e\tla\n[4d\tla\n' +
            '=2\t=2\n4d]\tla\n*^\t*\n8qg\t.\t.\n6a\t4A\tla\n6b-\t.\t.\n6cc#\t.\t.\n*v\t*v\t*\n' +
            '2.d 2.f# 2.a\tla\n==\t==\n*-\t*-\n',
        ),
      ];
    case 'score': {
      // Score files through readScore's sniffing: MusicXML, .mxl, MIDI and ABC of one melody.
      const score = melodyToScore(
        [62, 64, 66, 67, 69, 71, 73, 74].map((midi, i) => ({
          midi,
          duration: i % 3 ? 0.5 : 1 / 3,
        })),
        { key: { fifths: 2 }, meter: { beats: 3, beatType: 4 }, tempo: 80 },
      );
      score.notes[2]!.marks = [{ kind: 'trill' }, { kind: 'technique', text: '揉弦' }];
      score.notes[3]!.tuplet = { actual: 3, normal: 2 };
      const xml = writeMusicXml(score);
      return [
        new TextEncoder().encode(xml),
        writeMxl(xml),
        scoreToMidi(score),
        new TextEncoder().encode('X:1\nT:Seed\nM:6/8\nL:1/8\nK:Ador\n|:A2B c2d|(3efg a2-a|]\n'),
      ];
    }
    case 'files': // the Node file route: sniffing after ID3, ffmpeg for M4A and the rest
      return ['chord.m4a', 'chord.mp3', 'chord.wav', 'chord.opus'].map(fixture);
    default:
      throw new Error(`unknown format ${format}`);
  }
}

const EXTREMES = [0, 1, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 65535 * 2];

/** One malformed input, reproducible from (format, seed, index). */
function mutate(seed: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  const headerSpan = Math.min(seed.length, 128);
  let b = seed.slice();
  const kind = pick(9);
  switch (kind) {
    case 0: // truncation
      b = b.slice(0, pick(b.length));
      break;
    case 1: // a few random bit flips anywhere
      for (let i = 0, n = 1 + pick(16); i < n; i++) b[pick(b.length)]! ^= 1 << pick(8);
      break;
    case 2: // random bytes in the header
      for (let i = 0, n = 1 + pick(8); i < n; i++) b[pick(headerSpan)] = pick(256);
      break;
    case 3: {
      // an extreme 16- or 32-bit value in a header field (sizes, channels, rates)
      const at = pick(Math.max(1, headerSpan - 4));
      const v = EXTREMES[pick(EXTREMES.length)]!;
      const view = new DataView(b.buffer);
      if (rnd() < 0.5) view.setUint32(at, v >>> 0, rnd() < 0.5);
      else view.setUint16(at, v & 0xffff, rnd() < 0.5);
      break;
    }
    case 4: {
      // the magic number of the format followed by random bytes
      const keep = 4 + pick(Math.min(60, seed.length - 4));
      b = Uint8Array.from({ length: keep + pick(8192) }, (_, i) =>
        i < keep ? seed[i]! : pick(256),
      );
      break;
    }
    case 5: {
      // splice: copy a region of the file over another
      const len = 1 + pick(Math.min(4096, b.length));
      b.copyWithin(pick(b.length), pick(b.length - len + 1), pick(b.length - len + 1) + len);
      break;
    }
    case 6: {
      // insert random bytes
      const at = pick(b.length),
        n = 1 + pick(512);
      const out = new Uint8Array(b.length + n);
      out.set(b.subarray(0, at));
      for (let i = 0; i < n; i++) out[at + i] = pick(256);
      out.set(b.subarray(at), at + n);
      b = out;
      break;
    }
    case 7: // zero a region of the body
      b.fill(0, pick(b.length), pick(b.length));
      break;
    default: // entirely random bytes of a random length
      b = Uint8Array.from({ length: pick(4096) }, () => pick(256));
  }
  return b;
}

/** Decodes one input: in memory, or (format 'files') as a file through the Node route. */
async function runOne(
  bytes: Uint8Array,
  asFile: string | undefined,
  format = '',
): Promise<Omit<Outcome, 'index' | 'ms'>> {
  try {
    if (format === 'kern') readKern(new TextDecoder().decode(bytes));
    else if (format === 'score') readScore(bytes);
    else if (asFile) {
      writeFileSync(asFile, bytes);
      await probeAudioFile(asFile).catch((e: unknown) => {
        if (!isZhiyinError(e)) throw e;
      });
      await readAudioFile(asFile, { maxBytes: MAX_DECODED_BYTES });
    } else {
      await probeAudio(bytes).catch((e: unknown) => {
        if (!isZhiyinError(e)) throw e;
      });
      await decodeAudio(bytes, { maxBytes: MAX_DECODED_BYTES });
    }
    return { kind: 'ok' };
  } catch (e) {
    if (isZhiyinError(e)) {
      if (e.message.includes('\n') || e.message.length > 400)
        return {
          kind: 'failure',
          detail: `error message is not one short line: ${e.message.slice(0, 200)}`,
        };
      return { kind: 'error', code: e.code };
    }
    return {
      kind: 'failure',
      detail: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e),
    };
  }
}

async function worker(): Promise<void> {
  const { format, count, seed } = workerData as { format: string; count: number; seed: number };
  const bases = seeds(format);
  const rnd = seededRandom(seed ^ hash(format));
  const asFile =
    format === 'files' ? join(mkdtempSync(join(tmpdir(), 'zhiyin-fuzz-')), 'input') : undefined;
  for (let index = 0; index < count; index++) {
    const base = bases[index % bases.length]!;
    const bytes = mutate(base, rnd);
    parentPort!.postMessage({ started: index });
    const t0 = performance.now();
    const outcome = await runOne(bytes, asFile, format);
    const ms = performance.now() - t0;
    parentPort!.postMessage({
      index,
      ms,
      ...outcome,
      rss: process.memoryUsage().rss,
    } satisfies Outcome & { rss: number });
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

interface Summary {
  format: string;
  inputs: number;
  ok: number;
  errors: Record<string, number>;
  failures: Outcome[];
  maxMs: number;
  p99Ms: number;
  peakRssMiB: number;
  hung: boolean;
}

function runFormat(format: string, count: number, seed: number): Promise<Summary> {
  return new Promise((done) => {
    const w = new Worker(fileURLToPath(import.meta.url), {
      workerData: { format, count, seed },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    const times: number[] = [];
    const summary: Summary = {
      format,
      inputs: 0,
      ok: 0,
      errors: {},
      failures: [],
      maxMs: 0,
      p99Ms: 0,
      peakRssMiB: 0,
      hung: false,
    };
    let current = -1;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => {
          summary.hung = true;
          summary.failures.push({
            index: current,
            kind: 'failure',
            detail: `no result after ${(5 * boundOf(format)) / 1000} s: hang`,
            ms: 5 * boundOf(format),
          });
          void w.terminate();
        },
        5 * boundOf(format),
      );
    };
    arm();
    w.on('message', (m: { started?: number } & Outcome & { rss: number }) => {
      arm();
      if (m.started !== undefined) {
        current = m.started;
        return;
      }
      summary.inputs++;
      times.push(m.ms);
      summary.maxMs = Math.max(summary.maxMs, m.ms);
      summary.peakRssMiB = Math.max(summary.peakRssMiB, m.rss / 2 ** 20);
      if (m.kind === 'ok') summary.ok++;
      else if (m.kind === 'error') summary.errors[m.code!] = (summary.errors[m.code!] ?? 0) + 1;
      else summary.failures.push(m);
      if (m.ms > boundOf(format))
        summary.failures.push({
          ...m,
          kind: 'failure',
          detail: `took ${m.ms.toFixed(0)} ms (bound ${boundOf(format)} ms)`,
        });
    });
    const finish = () => {
      clearTimeout(timer);
      times.sort((a, b) => a - b);
      summary.p99Ms = times[Math.floor(times.length * 0.99)] ?? 0;
      done(summary);
    };
    w.on('exit', finish);
    w.on('error', (e) => {
      summary.failures.push({
        index: current,
        kind: 'failure',
        detail: `worker crashed: ${e.message}`,
        ms: 0,
      });
    });
  });
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1]! : fallback;
  };
  const count = Number(arg('--per-format', '10000'));
  const seed = Number(arg('--seed', '2026'));
  const only = arg('--format', '');
  const reportPath = arg('--report', '');
  const filesCount = Number(arg('--files', String(Math.min(count, 1000))));
  const formats = only
    ? [only]
    : ['wav', 'flac', 'mp3', 'ogg-vorbis', 'ogg-opus', 'unknown', 'kern', 'score', 'files'];
  const started = Date.now();
  const countOf = (f: string) => (f === 'files' ? filesCount : count);
  const summaries = await Promise.all(formats.map((f) => runFormat(f, countOf(f), seed)));
  const lines = [
    `| format | inputs | decoded | typed errors (by code) | failures | max ms | p99 ms | peak RSS (MiB) |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...summaries.map(
      (s) =>
        `| ${s.format} | ${s.inputs} | ${s.ok} | ${Object.entries(s.errors)
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(
            ', ',
          )} | ${s.failures.length} | ${s.maxMs.toFixed(0)} | ${s.p99Ms.toFixed(1)} | ${s.peakRssMiB.toFixed(0)} |`,
    ),
  ];
  const text = `Fuzz run: seed ${seed}, ${count} inputs per format (files: ${filesCount}), ${((Date.now() - started) / 1000).toFixed(0)} s, time bound ${TIME_BOUND_MS} ms per input (${FILES_TIME_BOUND_MS} ms for files).\n\n${lines.join('\n')}\n`;
  console.log(text);
  for (const s of summaries) {
    for (const f of s.failures.slice(0, 10))
      console.log(
        `FAIL ${s.format} #${f.index} (--format ${s.format} --seed ${seed}): ${f.detail}`,
      );
  }
  if (reportPath) writeFileSync(reportPath, text);
  const failed = summaries.some((s) => s.failures.length > 0 || s.inputs < countOf(s.format));
  if (failed) console.log('fuzz: FAILED');
  process.exit(failed ? 1 : 0);
}

if (isMainThread) await main();
else await worker();
