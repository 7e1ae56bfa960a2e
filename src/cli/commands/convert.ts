/** `zhiyin convert IN OUT`: resample, remix, trim, gain or normalise, and write WAV. */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { ZhiyinError } from '../../errors/index.js';
import { convertAudioFile } from '../../node/index.js';
import type { WavSampleFormat } from '../../audio/index.js';
import { numberOption } from '../options.js';
import { num, table, toJson } from '../format.js';
import { createProgress } from '../progress.js';

interface ConvertFlags {
  rate?: number;
  channels?: number;
  bits?: string;
  start?: number;
  duration?: number;
  gain?: number;
  normalize?: number;
  truePeak?: number;
  dither: boolean;
  overwrite?: boolean;
  tolerateErrors?: boolean;
  json?: boolean;
}

const FORMATS: Record<string, WavSampleFormat> = {
  '16': 'pcm16',
  '24': 'pcm24',
  '32f': 'float32',
  float: 'float32',
};

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      'convert an audio file to WAV: sample rate, channels, bit depth, trimming, gain or loudness normalisation',
    )
    .argument('<input>', 'audio file in any format zhiyin reads')
    .argument('<output>', 'WAV file to write')
    .option(
      '-r, --rate <hz>',
      'output sample rate (band-limited resampling)',
      numberOption('--rate', 1000, 1_536_000, true),
    )
    .option(
      '-c, --channels <n>',
      'output channel count (down-mix per ITU-R BS.775)',
      numberOption('--channels', 1, 1024, true),
    )
    .addOption(
      new Option('-b, --bits <depth>', 'output sample format').choices(['16', '24', '32f']),
    )
    .option('--start <seconds>', 'keep from this time', numberOption('--start', 0))
    .option('--duration <seconds>', 'keep this long', numberOption('--duration', 1e-6))
    .option('--gain <dB>', 'apply a fixed gain', numberOption('--gain', -120, 60))
    .option(
      '--normalize <LUFS>',
      'normalise integrated loudness to this target (e.g. -14, -16, -23)',
      numberOption('--normalize', -70, 0),
    )
    .option(
      '--true-peak <dBTP>',
      'true-peak ceiling for --normalize (default -1)',
      numberOption('--true-peak', -60, 6),
    )
    .option('--no-dither', 'round without TPDF dither when writing 16/24-bit')
    .option('-y, --overwrite', 'replace the output file if it exists')
    .option('--tolerate-errors', 'convert what can be decoded from a damaged file')
    .option('--json', 'print the report as JSON')
    .action(async (input: string, output: string, opts: ConvertFlags) => {
      if (extname(output).toLowerCase() !== '.wav') {
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `zhiyin writes WAV files only: name the output with .wav (got "${output}").`,
        );
      }
      if (existsSync(output) && !opts.overwrite) {
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `${output} exists already: pass --overwrite (-y) to replace it.`,
        );
      }
      if (opts.truePeak !== undefined && opts.normalize === undefined) {
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          '--true-peak sets the ceiling for --normalize; give --normalize too.',
        );
      }
      const bar = createProgress('converting');
      const warnings: string[] = [];
      const report = await convertAudioFile(input, output, {
        ...(opts.rate !== undefined && { sampleRate: opts.rate }),
        ...(opts.channels !== undefined && { channels: opts.channels }),
        ...(opts.bits !== undefined && { format: FORMATS[opts.bits]! }),
        ...(opts.start !== undefined && { startSeconds: opts.start }),
        ...(opts.duration !== undefined && { durationSeconds: opts.duration }),
        ...(opts.gain !== undefined && { gainDb: opts.gain }),
        ...(opts.normalize !== undefined && { normalizeLufs: opts.normalize }),
        ...(opts.truePeak !== undefined && { truePeakCeilingDbtp: opts.truePeak }),
        dither: opts.dither ? 'tpdf' : 'none',
        tolerateErrors: opts.tolerateErrors ?? false,
        onWarning: (w) => warnings.push(w),
        onProgress: (stage, f) =>
          bar.update(
            opts.normalize !== undefined ? (stage === 'measuring' ? f / 2 : 0.5 + f / 2) : f,
          ),
      });
      bar.done();
      for (const w of warnings.slice(0, 5)) process.stderr.write(`zhiyin: warning: ${w}\n`);
      if (opts.json) {
        process.stdout.write(`${toJson(report)}\n`);
        return;
      }
      const o = report.output;
      const rows: [string, string][] = [
        [
          'wrote',
          `${o.path} (${o.sampleRate} Hz, ${o.channelCount} ch, ${o.format}, ${o.durationSeconds.toFixed(3)} s)`,
        ],
      ];
      if (report.normalization) {
        const n = report.normalization;
        rows.push([
          'gain',
          `${num(n.gainDb, 2, 'dB')}${n.limitedBy === 'true-peak' ? ' (held back by the true-peak ceiling)' : ''}`,
        ]);
      } else if (report.gainDb) rows.push(['gain', num(report.gainDb, 2, 'dB')]);
      if (report.outputLoudness) {
        rows.push(['integrated', num(report.outputLoudness.integratedLufs, 1, 'LUFS')]);
        rows.push(['true peak', num(report.outputLoudness.truePeakDbtp, 1, 'dBTP')]);
      }
      if (report.normalization?.limitedBy === 'true-peak') {
        rows.push([
          'note',
          `the target needs ${num(opts.normalize! - report.outputLoudness!.integratedLufs, 1, 'dB')} more gain than the ceiling allows; a limiter would be needed`,
        ]);
      }
      process.stdout.write(`${table(rows)}\n`);
    });
}
