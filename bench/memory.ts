/**
 * Memory on long input: peak RSS of a fresh process that decodes or meters a 1-minute and a
 * 60-minute file, streaming. Bounded memory means the two peaks are about the same.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { longFile, type Material } from './material.js';
import { fmt, markdownTable } from './harness.js';

const probe = join(fileURLToPath(new URL('.', import.meta.url)), 'rss-probe.js');

function run(
  mode: string,
  file: string,
): { audioSeconds: number; wallSeconds: number; maxRssMiB: number } {
  const r = spawnSync(process.execPath, [probe, mode, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rss probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { audioSeconds: number; wallSeconds: number; maxRssMiB: number };
}

export function benchMemory(material: Material, longSeconds: number): string {
  const rows: (string | number)[][] = [];
  for (const [mode, format] of [
    ['loudness', 'wav'],
    ['loudness', 'flac'],
    ['decode', 'flac'],
    ['loudness', 'mp3'],
  ] as const) {
    const short = run(mode, longFile(material, 60, format));
    const long = run(mode, longFile(material, longSeconds, format));
    rows.push([
      `${mode} ${format}`,
      `${fmt(short.maxRssMiB)} MiB`,
      `${fmt(long.maxRssMiB)} MiB`,
      `${fmt(long.audioSeconds / 60)} min in ${fmt(long.wallSeconds)} s (${fmt(long.audioSeconds / long.wallSeconds)}× real time)`,
    ]);
  }
  return markdownTable(
    [
      'job (zhiyin library, streaming)',
      'peak RSS, 1-min file',
      `peak RSS, ${longSeconds / 60}-min file`,
      'long run',
    ],
    rows,
  );
}
