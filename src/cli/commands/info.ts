/** `zhiyin info FILE`: what a file is (format, codec, rate, channels, duration), without decoding it. */
import type { Command } from 'commander';
import { containerName } from '../../audio/index.js';
import { openAudioFile, probeAudioFile } from '../../node/index.js';
import { clock, num, table, toJson } from '../format.js';
import { createProgress } from '../progress.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the format, codec, sample rate, channels and duration of an audio file')
    .argument(
      '<file>',
      'audio file (WAV, FLAC, MP3, Ogg Vorbis/Opus; M4A/AAC, WebM, AIFF, video with ffmpeg)',
    )
    .option('--json', 'print JSON for machines')
    .action(async (file: string, opts: { json?: boolean }) => {
      const info = await probeAudioFile(file);
      let frames = info.frames;
      let counted = false;
      if (frames === undefined) {
        // The headers do not say (e.g. MP3 without a Xing tag and unknown size): decode to count.
        const bar = createProgress('counting');
        const { chunks } = await openAudioFile(file, { onProgress: (f) => bar.update(f) });
        frames = 0;
        for await (const chunk of chunks) frames += chunk.channels[0]?.length ?? 0;
        bar.done();
        counted = true;
      }
      const durationSeconds = frames / info.sampleRate;
      for (const w of info.warnings) process.stderr.write(`zhiyin: warning: ${w}\n`);
      if (opts.json) {
        process.stdout.write(
          `${toJson({ file, ...info, frames, durationSeconds, durationCountedByDecoding: counted })}\n`,
        );
        return;
      }
      const rows: [string, string][] = [
        ['file', file],
        ['format', containerName(info.container)],
        ['codec', `${info.codec}${info.lossless ? ' (lossless)' : ' (lossy)'}`],
        ['sample rate', `${info.sampleRate} Hz`],
        [
          'channels',
          String(info.channelCount) +
            (info.channelMask ? ` (mask 0x${info.channelMask.toString(16)})` : ''),
        ],
        [
          'duration',
          `${info.framesEstimated ? '≈ ' : ''}${clock(durationSeconds)} (${frames} frames${counted ? ', counted by decoding' : info.framesEstimated ? ', estimated from the bit rate' : ''})`,
        ],
      ];
      if (info.bitDepth) rows.push(['bit depth', `${info.bitDepth}`]);
      if (info.bitrate) rows.push(['bit rate', `${num(info.bitrate / 1000, 0)} kbit/s`]);
      rows.push(['size', `${info.fileBytes} bytes`]);
      process.stdout.write(`${table(rows)}\n`);
    });
}
