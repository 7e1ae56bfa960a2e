/**
 * `zhiyin automix --vocal TAKE --backing TRACK -o MIX.wav`: the one-click vocal mix. Finds how
 * late the take is from the backing heard in it, cleans the take, gives it tone, dynamics and
 * a reverb matched to the backing, and balances and masters the two for a listener profile;
 * with personal overrides (`--set vocal=+2LU`) and words for the vocal (`--vocal-words warmer`,
 * `--人声 更温暖`).
 */
import type { Command } from 'commander';
import { ZhiyinError } from '../../errors/index.js';
import { parseOverrides, type AutomixReport } from '../../mix/index.js';
import { automixFiles, checkOutputIsNotInput, reportPath } from '../../node/index.js';
import { num, table, toJson } from '../format.js';
import { numberOption } from '../options.js';
import { createProgress } from '../progress.js';
import { checkOutput } from './mix.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface AutomixFlags {
  vocal?: string;
  backing?: string;
  output?: string;
  profile?: string;
  set?: string[];
  vocalWords?: string;
  人声?: string;
  offsetMs?: number;
  maxOffsetMs?: number;
  dereverb?: boolean;
  maxMinutes: number;
  overwrite?: boolean;
  json?: boolean;
}

const ms = (seconds: number) => num(seconds * 1000, 1, 'ms');

/** The offset row: what was found, and whether it was applied (or why not). */
function offsetRow(o: AutomixReport['offset']): string {
  const estimate = `estimated ${ms(o.seconds)}, confidence ${num(o.confidence, 2)}`;
  if (o.source === 'given') return `${ms(o.appliedSeconds)} as given (${estimate})`;
  if (o.applied) return `${ms(o.appliedSeconds)} applied (confidence ${num(o.confidence, 2)})`;
  if (o.source.startsWith('estimated'))
    return `${ms(o.appliedSeconds)}: the take is on time (confidence ${num(o.confidence, 2)})`;
  return `not applied (${estimate}): ${o.source.replace(/^none: /, '')}`;
}

/** The report for people: a short table. */
export function automixSummary(output: string, r: AutomixReport): string {
  const m = r.mix.master;
  const lead = r.mix.leadVocal;
  const channels = (n: number) => (n === 1 ? 'mono' : n === 2 ? 'stereo' : `${n} channels`);
  const rows: [string, string][] = [
    [
      'wrote',
      `${output} (${r.mix.sampleRate} Hz, stereo, ${r.mix.durationSeconds.toFixed(2)} s) and ${reportPath(output)}`,
    ],
    ['profile', r.profile],
    ['offset', offsetRow(r.offset)],
    [
      'take',
      `${num(r.take.integratedLufs, 1, 'LUFS')}, peak ${num(r.take.truePeakDbtp, 1, 'dBTP')}, ${r.take.sampleRate} Hz ${channels(r.take.channels)}, ${r.take.seconds.toFixed(2)} s` +
        (r.take.clippedShare > 0 ? `, ${(r.take.clippedShare * 100).toFixed(2)} % clipped` : ''),
    ],
    [
      'bleed',
      !r.vocal.bleed
        ? 'none heard in the take'
        : r.vocal.bleed.applied
          ? `backing heard ${num(-r.vocal.bleed.bleedDb, 1, 'dB')} under the take, taken out (its quietest moments ${num(r.vocal.bleed.quietFramesReductionDb, 1, 'dB')} lower)`
          : 'heard, but taking it out did not help: left in',
    ],
    ['integrated', `${num(m.integratedLufs, 1, 'LUFS')} (target ${num(m.targetLufs, 1, 'LUFS')})`],
    ['true peak', `${num(m.truePeakDbtp, 1, 'dBTP')} (ceiling ${num(m.ceilingDbtp, 1, 'dBTP')})`],
    [
      'lead vocal',
      lead.measuredLu === null
        ? 'no balance measured'
        : `${num(lead.measuredLu, 1, 'LU')} against the backing (target ${num(lead.targetLu, 1, 'LU')})`,
    ],
    [
      'reverb',
      `RT60 ${num(r.vocal.reverb.rt60Seconds, 2, 's')}, wet ${num(r.vocal.reverb.wetDb, 1, 'dB')} (backing spaciousness ${num(r.backing.spaciousness, 2)})`,
    ],
  ];
  if (r.vocal.descriptors.length) rows.push(['vocal words', r.vocal.descriptors.join(', ')]);
  return table(rows);
}

export function registerAutomix(program: Command): void {
  program
    .command('automix')
    .description(
      'one-click vocal mix: align a vocal take to a backing track, clean it, give it tone and a matched reverb, and balance and master both for a listener profile',
    )
    .option('--vocal <file>', 'the vocal take (any format: WAV, M4A, MP3, …)')
    .option('--backing <file>', 'the backing track (any format)')
    .option('-o, --output <file>', 'WAV file to write (the report goes next to it as .json)')
    .option('-p, --profile <name>', 'listener profile (see `zhiyin profiles`)')
    .option(
      '--set <name=value>',
      'override: vocal=+2LU, target=-16LUFS, ceiling=-2dBTP, width=0.8 (repeatable)',
      collect,
    )
    .option('--vocal-words <words>', 'semantic words for the vocal, e.g. "warmer, less harsh"')
    .option('--人声 <words>', '人声的音色描述，例如 "更温暖"')
    .option(
      '--offset-ms <n>',
      'how late the take is, ms (negative: early); default: found from the backing heard in the take',
      numberOption('--offset-ms', -1000, 1000),
    )
    .option(
      '--max-offset-ms <n>',
      'largest offset searched either way, ms (default 500)',
      numberOption('--max-offset-ms', 10, 5000),
    )
    .option('--dereverb', "suppress the take's own room")
    .option(
      '--max-minutes <n>',
      'longest take or backing accepted',
      numberOption('--max-minutes', 0.01, 240),
      20,
    )
    .option('-y, --overwrite', 'replace the output files if they exist')
    .option('--json', 'print the report as JSON')
    .action(async (opts: AutomixFlags) => {
      if (!opts.vocal)
        throw new ZhiyinError('INVALID_ARGUMENT', 'name the vocal take with --vocal FILE.');
      if (!opts.backing)
        throw new ZhiyinError('INVALID_ARGUMENT', 'name the backing track with --backing FILE.');
      if (opts.output) await checkOutputIsNotInput(opts.output, [opts.vocal, opts.backing]);
      const output = checkOutput(opts.output, opts.overwrite);
      const overrides = parseOverrides(opts.set ?? []);
      const bar = createProgress('automix');
      const report = await automixFiles(opts.vocal, opts.backing, output, {
        ...(opts.profile && { profile: opts.profile }),
        overrides,
        vocalWords: [opts.vocalWords, opts.人声].filter((w): w is string => Boolean(w)),
        ...(opts.dereverb && { dereverb: true }),
        ...(opts.offsetMs !== undefined && { offsetSeconds: opts.offsetMs / 1000 }),
        ...(opts.maxOffsetMs !== undefined && { maxOffsetSeconds: opts.maxOffsetMs / 1000 }),
        maxSeconds: opts.maxMinutes * 60,
        onProgress: (f) => bar.update(f),
      });
      bar.done();
      for (const w of report.warnings.slice(0, 8)) process.stderr.write(`zhiyin: warning: ${w}\n`);
      process.stdout.write(`${opts.json ? toJson(report) : automixSummary(output, report)}\n`);
    });
}
