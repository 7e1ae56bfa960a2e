/**
 * Loudness throughput on the same 48 kHz stereo float PCM: our meter (reading the raw file in
 * chunks, in this process) beside ffmpeg's ebur128 filter (a process per run, same raw input)
 * and the ebur128-wasm npm package (whole arrays in memory, in a child process because it
 * needs Node's --experimental-wasm-modules). Also checks that the integrated values agree.
 */
import { spawnSync } from 'node:child_process';
import { openSync, readSync, closeSync, fstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoudnessMeter } from '../src/loudness/index.js';
import { cacheDir, type Material } from './material.js';
import { fmt, markdownTable, median, timeInterleaved } from './harness.js';

function meterRaw(path: string, truePeak: boolean): number {
  const fd = openSync(path, 'r');
  const meter = new LoudnessMeter({ sampleRate: 48000, channelCount: 2, truePeak });
  const block = new Uint8Array(1 << 20);
  const left = new Float32Array(block.length / 8),
    right = new Float32Array(block.length / 8);
  try {
    for (;;) {
      const n = readSync(fd, block, 0, block.length, null);
      if (n <= 0) break;
      const frames = Math.floor(n / 8);
      const f = new Float32Array(block.buffer, 0, frames * 2);
      for (let i = 0; i < frames; i++) {
        left[i] = f[2 * i]!;
        right[i] = f[2 * i + 1]!;
      }
      meter.push([left.subarray(0, frames), right.subarray(0, frames)]);
    }
  } finally {
    closeSync(fd);
  }
  return meter.result().integratedLufs;
}

function ffmpegEbur128(path: string, peak: boolean): number {
  const r = spawnSync(
    'ffmpeg',
    [
      '-nostdin',
      '-hide_banner',
      '-threads',
      '1',
      '-f',
      'f32le',
      '-ar',
      '48000',
      '-ac',
      '2',
      '-i',
      path,
      '-af',
      peak ? 'ebur128=peak=true' : 'ebur128',
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const m = /Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+) LUFS/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error('ffmpeg ebur128 failed');
  return Number(m[1]);
}

/** Runs ebur128-wasm in a child process; returns median seconds and its integrated value. */
function ebur128Wasm(
  path: string,
  rounds: number,
): { seconds: number; lufs: number; tpSeconds: number } | undefined {
  const script = join(cacheDir, 'ebur128-wasm-bench.mjs');
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
import { ebur128_integrated_stereo, ebur128_true_peak_stereo } from '${join(process.cwd(), 'node_modules/ebur128-wasm/ebur128_wasm.js')}';
const f = new Float32Array(readFileSync(${JSON.stringify(path)}).buffer.slice(0));
const n = f.length / 2, l = new Float32Array(n), r = new Float32Array(n);
for (let i = 0; i < n; i++) { l[i] = f[2 * i]; r[i] = f[2 * i + 1]; }
const times = [], tp = []; let lufs = 0;
for (let k = 0; k <= ${rounds}; k++) {
  let t = performance.now(); lufs = ebur128_integrated_stereo(48000, l, r); if (k) times.push((performance.now() - t) / 1000);
  t = performance.now(); ebur128_true_peak_stereo(48000, l, r); if (k) tp.push((performance.now() - t) / 1000);
}
console.log(JSON.stringify({ times, tp, lufs }));`,
  );
  const r = spawnSync(process.execPath, ['--no-warnings', '--experimental-wasm-modules', script], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return undefined;
  const out = JSON.parse(r.stdout) as { times: number[]; tp: number[]; lufs: number };
  return { seconds: median(out.times), lufs: out.lufs, tpSeconds: median(out.tp) };
}

export async function benchLoudness(material: Material, rounds: number): Promise<string> {
  const path = material.raw48;
  const size = (() => {
    const fd = openSync(path, 'r');
    const s = fstatSync(fd).size;
    closeSync(fd);
    return s;
  })();
  const seconds = size / 8 / 48000;
  let ours = 0,
    oursTp = 0,
    ff = 0,
    ffTp = 0;
  const times = await timeInterleaved(
    [
      { name: 'ours', run: () => (ours = meterRaw(path, false)) },
      { name: 'ours+tp', run: () => (oursTp = meterRaw(path, true)) },
      { name: 'ffmpeg', run: () => (ff = ffmpegEbur128(path, false)) },
      { name: 'ffmpeg+tp', run: () => (ffTp = ffmpegEbur128(path, true)) },
    ],
    rounds,
  );
  void oursTp;
  void ffTp;
  const x = (name: string) => fmt(seconds / times.get(name)!);
  const rows: (string | number)[][] = [
    ['Zhiyin LoudnessMeter (M, S, I, LRA, sample peak)', x('ours'), '1.00', ours.toFixed(2)],
    [
      'Zhiyin LoudnessMeter + true peak (4×)',
      x('ours+tp'),
      fmt(times.get('ours+tp')! / times.get('ours')!, 3),
      ours.toFixed(2),
    ],
    [
      'ffmpeg -af ebur128',
      x('ffmpeg'),
      fmt(times.get('ffmpeg')! / times.get('ours')!, 3),
      ff.toFixed(2),
    ],
    [
      'ffmpeg -af ebur128=peak=true',
      x('ffmpeg+tp'),
      fmt(times.get('ffmpeg+tp')! / times.get('ours')!, 3),
      ff.toFixed(2),
    ],
  ];
  const wasm = ebur128Wasm(path, rounds);
  if (wasm) {
    rows.push([
      'ebur128-wasm integrated (arrays in memory)',
      fmt(seconds / wasm.seconds),
      fmt(wasm.seconds / times.get('ours')!, 3),
      wasm.lufs.toFixed(2),
    ]);
    rows.push([
      'ebur128-wasm true peak only (arrays in memory)',
      fmt(seconds / wasm.tpSeconds),
      fmt(wasm.tpSeconds / times.get('ours')!, 3),
      '',
    ]);
  } else rows.push(['ebur128-wasm', 'did not run here', '', '']);
  return markdownTable(
    ['meter', '× real time (48 kHz stereo)', 'time ÷ ours', 'integrated (LUFS)'],
    rows,
  );
}
