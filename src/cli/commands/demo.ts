/**
 * `zhiyin demo` (what `npm start` runs): generates demo material and runs the main tools on
 * it, so a new user sees what works in a few seconds, with nothing to download.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { containerName } from '../../audio/index.js';
import {
  convertAudioFile,
  measureLoudnessFile,
  probeAudioFile,
  writeWavFile,
} from '../../node/index.js';
import { renderDemoMelody } from '../demo-material.js';
import { clock, num, table } from '../format.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate a demo recording and run info, loudness and convert on it')
    .option('-o, --out <dir>', 'folder for the demo files', 'demo-output')
    .action(async (opts: { out: string }) => {
      const say = (text: string) => process.stdout.write(`${text}\n`);
      await mkdir(opts.out, { recursive: true });
      const source = join(opts.out, 'jasmine-flower-48k-float.wav');
      say('Zhiyin 知音 demo\n');
      say(
        `1. Generating 茉莉花 (Jasmine Flower) in D gong pentatonic, plucked strings and reverb → ${source}`,
      );
      await writeWavFile(source, renderDemoMelody(48_000), { format: 'float32' });

      const info = await probeAudioFile(source);
      say(`\n2. zhiyin info ${source}`);
      say(
        indent(
          table([
            ['format', `${containerName(info.container)}, ${info.codec}`],
            ['sample rate', `${info.sampleRate} Hz`],
            ['channels', String(info.channelCount)],
            ['duration', clock((info.frames ?? 0) / info.sampleRate)],
          ]),
        ),
      );

      const { loudness } = await measureLoudnessFile(source);
      say(`\n3. zhiyin loudness ${source}`);
      say(
        indent(
          table([
            ['integrated', num(loudness.integratedLufs, 1, 'LUFS')],
            ['loudness range', num(loudness.loudnessRangeLu, 1, 'LU')],
            ['true peak', num(loudness.truePeakDbtp, 1, 'dBTP')],
          ]),
        ),
      );

      const target = join(opts.out, 'jasmine-flower-44k-16bit-14lufs.wav');
      say(
        `\n4. zhiyin convert ${source} ${target} --rate 44100 --bits 16 --normalize -14 --true-peak -1`,
      );
      const report = await convertAudioFile(source, target, {
        sampleRate: 44_100,
        format: 'pcm16',
        normalizeLufs: -14,
        truePeakCeilingDbtp: -1,
      });
      say(
        indent(
          table([
            [
              'gain',
              `${num(report.gainDb, 2, 'dB')}${report.normalization?.limitedBy === 'true-peak' ? ' (held back by the true-peak ceiling)' : ''}`,
            ],
            ['integrated', num(report.outputLoudness?.integratedLufs, 1, 'LUFS')],
            ['true peak', num(report.outputLoudness?.truePeakDbtp, 1, 'dBTP')],
            [
              'format',
              `${report.output.sampleRate} Hz, ${report.output.format}, ${report.output.durationSeconds.toFixed(2)} s`,
            ],
          ]),
        ),
      );
      say(
        `\nDone. Try the same on your own files: npx zhiyin --help (after npm run build), or node dist/src/cli/main.js --help`,
      );
    });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}
