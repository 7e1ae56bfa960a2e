/** `zhiyin loudness FILE`: EBU R128 / BS.1770-4 loudness, loudness range and peaks. */
import type { Command } from 'commander';
import { measureLoudnessFile } from '../../node/index.js';
import { clock, num, table, toJson } from '../format.js';
import { createProgress } from '../progress.js';

export function registerLoudness(program: Command): void {
  program
    .command('loudness')
    .description(
      'measure integrated loudness, loudness range, true peak and sample peak (ITU-R BS.1770-4, EBU R128)',
    )
    .argument('<file>', 'audio file')
    .option('--json', 'print JSON for machines (levels with no signal are null)')
    .option('--no-true-peak', 'skip the true-peak measurement')
    .option('--tolerate-errors', 'measure what can be decoded from a damaged file')
    .action(
      async (
        file: string,
        opts: { json?: boolean; truePeak: boolean; tolerateErrors?: boolean },
      ) => {
        const bar = createProgress('measuring');
        const warnings: string[] = [];
        const { info, loudness } = await measureLoudnessFile(file, {
          truePeak: opts.truePeak,
          tolerateErrors: opts.tolerateErrors ?? false,
          onWarning: (w) => warnings.push(w),
          onProgress: (_stage, f) => bar.update(f),
        });
        bar.done();
        for (const w of warnings.slice(0, 5)) process.stderr.write(`zhiyin: warning: ${w}\n`);
        if (opts.json) {
          process.stdout.write(
            `${toJson({ file, sampleRate: info.sampleRate, channelCount: info.channelCount, ...loudness, warnings })}\n`,
          );
          return;
        }
        const rows: [string, string][] = [
          ['file', file],
          ['duration', clock(loudness.durationSeconds)],
          ['integrated', num(loudness.integratedLufs, 1, 'LUFS')],
          ['loudness range', num(loudness.loudnessRangeLu, 1, 'LU')],
          ['true peak', opts.truePeak ? num(loudness.truePeakDbtp, 1, 'dBTP') : 'not measured'],
          ['sample peak', num(loudness.samplePeakDbfs, 1, 'dBFS')],
          ['max momentary', num(loudness.maxMomentaryLufs, 1, 'LUFS')],
          ['max short-term', num(loudness.maxShortTermLufs, 1, 'LUFS')],
        ];
        if (loudness.partialBlock)
          rows.push(['note', 'shorter than 400 ms: measured over its whole length as one block']);
        process.stdout.write(`${table(rows)}\n`);
      },
    );
}
