/**
 * Memory on long input: a fresh process decodes or meters a 1-minute and a 60-minute file,
 * streaming, and a 3-hour FLAC. Bounded memory means the resident size levels off (once the
 * garbage collector has settled) instead of climbing with the position in the file: we
 * report the peak of the short run and the resident size after each quarter of the long ones.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { longFile, type Material } from './material.js';
import { fmt, markdownTable } from './harness.js';

const probe = join(fileURLToPath(new URL('.', import.meta.url)), 'rss-probe.js');

interface ProbeResult {
  audioSeconds: number;
  wallSeconds: number;
  peakRssMiB: number;
  quarterRssMiB: number[];
}

function run(mode: string, file: string): ProbeResult {
  const r = spawnSync(process.execPath, [probe, mode, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rss probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ProbeResult;
}

function row(
  label: string,
  short: ProbeResult | undefined,
  long: ProbeResult,
): (string | number)[] {
  return [
    label,
    short ? `${fmt(short.peakRssMiB)} MiB` : '',
    `${long.quarterRssMiB.map((v) => fmt(v)).join(' / ')} MiB`,
    `${fmt(long.peakRssMiB)} MiB`,
    `${fmt(long.audioSeconds / 60)} min in ${fmt(long.wallSeconds)} s (${fmt(long.audioSeconds / long.wallSeconds)}× real time)`,
  ];
}

export function benchMemory(material: Material): string {
  const rows: (string | number)[][] = [];
  for (const [mode, format] of [
    ['loudness', 'wav'],
    ['loudness', 'flac'],
    ['decode', 'flac'],
    ['loudness', 'mp3'],
  ] as const) {
    rows.push(
      row(
        `${mode} ${format}, 60 min`,
        run(mode, longFile(material, 60, format)),
        run(mode, longFile(material, 3600, format)),
      ),
    );
  }
  // The analysis keeps its result (pitch track, notes, events): about 13 MB per hour.
  rows.push(
    row(
      'performance analysis (pYIN) flac, 60 min',
      run('analyze', longFile(material, 60, 'flac')),
      run('analyze', longFile(material, 3600, 'flac')),
    ),
  );
  rows.push(
    row('loudness flac, 3 hours', undefined, run('loudness', longFile(material, 3 * 3600, 'flac'))),
  );
  return markdownTable(
    [
      'job (zhiyin library, streaming)',
      'peak RSS, 1-min file',
      'RSS after each quarter of the long file',
      'peak RSS, long file',
      'long run',
    ],
    rows,
  );
}
