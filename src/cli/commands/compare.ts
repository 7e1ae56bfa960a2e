/**
 * `zhiyin compare A B…`: vibrato and portamento of two or more recordings (or sets of them),
 * with effect sizes and a plain-language summary. Each input is audio (analysed here) or an
 * analysis written by `zhiyin analyze --json`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  analysisFromJson,
  comparePerformances,
  type ComparedAnalysis,
  type Comparison,
  type Distribution,
} from '../../analysis/index.js';
import { ZhiyinError } from '../../errors/index.js';
import { analyzeFile, fileError } from '../../node/index.js';
import { toJson } from '../format.js';
import { createProgress } from '../progress.js';

interface CompareFlags {
  set?: string[];
  json?: string;
  fast?: boolean;
}

const MEASURE_LABELS: Record<string, string> = {
  vibratoRateHz: 'vibrato rate (Hz)',
  vibratoExtentCents: 'vibrato extent (cents, peak to peak)',
  portamentoDurationMs: 'portamento duration (ms)',
  portamentoSpanCents: 'portamento span (cents)',
  vibratoUse: 'notes ≥ 300 ms with vibrato',
  portamentoUse: 'changes of note with a portamento',
};

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'compare the vibrato and portamenti of recordings or sets of recordings, with effect sizes',
    )
    .argument(
      '[files...]',
      'recordings (audio, or JSON from `zhiyin analyze --json`), one group each',
    )
    .option(
      '--set <name=file,file…>',
      'a named group of several recordings (repeatable), e.g. --set erhu=a.wav,b.wav',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json <out.json>', 'write the comparison (distributions, effects, summary) as JSON')
    .option('--fast', 'analyse audio with plain YIN instead of pYIN')
    .action(async (files: string[], opts: CompareFlags) => {
      const groups: { label: string; paths: string[] }[] = files.map((f) => ({
        label: basename(f),
        paths: [f],
      }));
      for (const spec of opts.set ?? []) {
        const m = /^([^=]+)=(.+)$/.exec(spec);
        if (!m)
          throw new ZhiyinError(
            'INVALID_ARGUMENT',
            `--set must look like name=file1,file2, got "${spec}".`,
          );
        groups.push({ label: m[1]!.trim(), paths: m[2]!.split(',').filter(Boolean) });
      }
      if (groups.length < 2)
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          'compare needs at least two recordings or --set groups.',
        );
      const loaded = [];
      for (const g of groups) {
        const analyses: ComparedAnalysis[] = [];
        for (const path of g.paths) analyses.push(await load(path, opts.fast ?? false));
        loaded.push({ label: g.label, analyses });
      }
      const comparison = comparePerformances(loaded);
      if (opts.json) {
        try {
          await writeFile(opts.json, toJson(comparison));
        } catch (e) {
          throw fileError(e, opts.json);
        }
      }
      process.stdout.write(report(comparison));
    });
}

/** An analysis from JSON written by `analyze --json`, or from audio. */
async function load(path: string, fast: boolean): Promise<ComparedAnalysis> {
  if (/\.json$/i.test(path)) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw fileError(e, path);
    }
    return analysisFromJson(text, path);
  }
  const bar = createProgress(`analysing ${basename(path)}`);
  const analysis = await analyzeFile(path, {
    method: fast ? 'yin' : 'pyin',
    onProgress: (f) => bar.update(f),
  });
  bar.done();
  return analysis;
}

const cell = (d: Distribution, digits: number) =>
  d.n
    ? `${d.median.toFixed(digits)} [${d.q1.toFixed(digits)}–${d.q3.toFixed(digits)}] n=${d.n}`
    : 'none';

/** The comparison as text: one table of the groups, one of the effects, then the summary. */
function report(c: Comparison): string {
  const lines: string[] = [];
  const header = ['', ...c.groups.map((g) => g.label)];
  const rows: string[][] = [
    ['recordings', ...c.groups.map((g) => String(g.recordings))],
    ['notes', ...c.groups.map((g) => String(g.notes))],
  ];
  for (const [key, digits] of [
    ['vibratoRateHz', 2],
    ['vibratoExtentCents', 0],
    ['portamentoDurationMs', 0],
    ['portamentoSpanCents', 0],
  ] as const)
    rows.push([MEASURE_LABELS[key]!, ...c.groups.map((g) => cell(g.distributions[key], digits))]);
  for (const key of ['vibratoUse', 'portamentoUse'] as const)
    rows.push([
      MEASURE_LABELS[key]!,
      ...c.groups.map((g) => {
        const p = g.proportions[key];
        return p.of ? `${(100 * p.share).toFixed(0)} % (${p.count}/${p.of})` : 'none';
      }),
    ]);
  lines.push('median [quartiles] n per group', columns([header, ...rows]), '');
  for (const pair of c.pairs) {
    lines.push(`${pair.a} → ${pair.b}`);
    const effects: string[][] = [['', 'effect', 'size', 'p (Mann–Whitney)']];
    for (const e of pair.distributions)
      effects.push([
        MEASURE_LABELS[e.measure]!,
        Number.isNaN(e.cliffsDelta) ? 'n/a' : `Cliff's δ ${e.cliffsDelta.toFixed(2)}`,
        Number.isNaN(e.cliffsDelta) ? '' : e.magnitude,
        Number.isNaN(e.p) ? '' : e.p < 0.001 ? '< 0.001' : e.p.toFixed(3),
      ]);
    for (const e of pair.proportions)
      effects.push([
        MEASURE_LABELS[e.measure]!,
        Number.isNaN(e.cohensH) ? 'n/a' : `Cohen's h ${e.cohensH.toFixed(2)}`,
        Number.isNaN(e.cohensH) ? '' : e.magnitude,
        '',
      ]);
    lines.push(columns(effects), '', ...pair.summary.map((s) => `  ${s}`), '');
  }
  return lines.join('\n');
}

/** Left-aligned columns. */
function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((v, i) => v.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
