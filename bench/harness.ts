/**
 * Benchmark harness: interleaved, repeated timing with medians.
 *
 * Each candidate runs `rounds` times, alternating with its peers so that machine drift hits
 * all of them alike; we report the median of the rounds (never one run) and ratios of medians.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One timed candidate. `run` performs the work once and may be async. */
export interface Candidate {
  name: string;
  run: () => unknown;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times candidates in interleaved rounds; returns the median seconds per run of each.
 * @param rounds how many timed runs per candidate (after one warm-up run each)
 */
export async function timeInterleaved(
  candidates: Candidate[],
  rounds: number,
): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  for (const c of candidates) await c.run(); // warm-up: JIT, caches, process start-up paths
  for (let r = 0; r < rounds; r++) {
    for (const c of candidates) {
      const t0 = performance.now();
      await c.run();
      samples.get(c.name)!.push((performance.now() - t0) / 1000);
    }
  }
  return new Map([...samples].map(([k, v]) => [k, median(v)]));
}

/** A Markdown table from a header row and data rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line describing the machine the numbers come from. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Formats a number with a fixed number of significant digits. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  return x >= 10 ** digits ? x.toFixed(0) : x.toPrecision(digits);
}

/** Runs ffmpeg single-threaded on `input` with extra `args`, writing 32-bit float PCM to /dev/null. */
export function ffmpegToNull(input: string, args: string[] = []): void {
  const r = spawnSync('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-threads',
    '1',
    '-i',
    input,
    ...args,
    '-f',
    'f32le',
    '-c:a',
    'pcm_f32le',
    '-y',
    '/dev/null',
  ]);
  if (r.status !== 0)
    throw new Error(`ffmpeg failed on ${input}: ${String(r.stderr).slice(0, 200)}`);
}
