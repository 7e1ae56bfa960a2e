/** `zhiyin analyze FILE`: pitch, notes and expressive events of a performance, with plots and data. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  analysisToJson,
  analysisToSvg,
  noteName,
  parseTonic,
  trackToCsv,
} from '../../analysis/index.js';
import { ZhiyinError } from '../../errors/index.js';
import { analyzeFile, fileError } from '../../node/index.js';
import { clock, num, table } from '../format.js';
import { numberOption } from '../options.js';
import { createProgress } from '../progress.js';

interface AnalyzeFlags {
  plot?: string;
  json?: string;
  csv?: string;
  tonic?: string;
  fast?: boolean;
  fmin?: number;
  fmax?: number;
  tolerateErrors?: boolean;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description(
      'track the pitch of a solo performance and find its notes, vibrato, slides, trills and grace notes',
    )
    .argument('<file>', 'audio file of one instrument or voice')
    .option('--plot <out.svg>', 'write an SVG plot of the pitch contour with notes and events')
    .option(
      '--json <out.json>',
      'write the full analysis as JSON (schema: docs/analysis-schema.json)',
    )
    .option('--csv <out.csv>', 'write the pitch track as CSV')
    .option('--tonic <note>', 'tonic for jianpu degrees in the plot, e.g. D or Bb')
    .option('--fast', 'plain YIN instead of pYIN (about twice as fast, less robust)')
    .option(
      '--fmin <Hz>',
      'lowest pitch to look for (default 65)',
      numberOption('--fmin', 30, 1000),
    )
    .option(
      '--fmax <Hz>',
      'highest pitch to look for (default 2100)',
      numberOption('--fmax', 100, 4000),
    )
    .option('--tolerate-errors', 'analyse what can be decoded from a damaged file')
    .action(async (file: string, opts: AnalyzeFlags) => {
      const tonic = opts.tonic === undefined ? undefined : parseTonic(opts.tonic);
      if (opts.tonic !== undefined && tonic === undefined) {
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `--tonic must be a note name such as D, Bb or F#, got "${opts.tonic}".`,
        );
      }
      const bar = createProgress('analysing');
      const analysis = await analyzeFile(file, {
        method: opts.fast ? 'yin' : 'pyin',
        ...(opts.fmin !== undefined && { fminHz: opts.fmin }),
        ...(opts.fmax !== undefined && { fmaxHz: opts.fmax }),
        tolerateErrors: opts.tolerateErrors ?? false,
        onProgress: (f) => bar.update(f),
      });
      bar.done();
      const write = async (path: string, text: string) => {
        try {
          await writeFile(path, text);
        } catch (e) {
          throw fileError(e, path);
        }
      };
      if (opts.json) await write(opts.json, analysisToJson(analysis));
      if (opts.csv) await write(opts.csv, trackToCsv(analysis));
      if (opts.plot)
        await write(opts.plot, analysisToSvg(analysis, tonic === undefined ? {} : { tonic }));
      const rows: [string, string][] = [
        ['file', file],
        [
          'duration',
          `${clock(analysis.durationSeconds)} (voiced ${num(analysis.summary.voicedSeconds, 1, 's')})`,
        ],
        [
          'pitch tracker',
          `${analysis.tracker.method}, ${analysis.tracker.fminHz}–${analysis.tracker.fmaxHz} Hz`,
        ],
        [
          'notes',
          `${analysis.notes.length}${analysis.notes.length ? ` (${noteName(analysis.notes.reduce((m, n) => Math.min(m, n.midi), Infinity))}–${noteName(analysis.notes.reduce((m, n) => Math.max(m, n.midi), -Infinity))})` : ''}`,
        ],
      ];
      for (const [kind, s] of Object.entries(analysis.summary.events)) {
        const label = analysis.events.find((e) => e.kind === kind)!.label;
        const m = s.means;
        const detail =
          kind === 'vibrato'
            ? `, mean ${num(m.rateHz, 1, 'Hz')}, ${num(m.extentCents, 0, 'cents')} peak to peak`
            : kind === 'trill'
              ? `, mean ${num(m.rateHz, 1, 'Hz')}`
              : kind === 'portamento'
                ? `, mean ${num((m.durationSeconds ?? 0) * 1000, 0, 'ms')}, ${num(Math.abs(m.spanCents ?? 0), 0, 'cents')}`
                : '';
        rows.push([`${label.en} ${label.zh}`, `${s.count}${detail}`]);
      }
      for (const [what, path] of [
        ['plot', opts.plot],
        ['json', opts.json],
        ['csv', opts.csv],
      ] as const)
        if (path) rows.push([`wrote ${what}`, path]);
      process.stdout.write(`${table(rows)}\n`);
    });
}
