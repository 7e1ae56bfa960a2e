/**
 * Decode throughput per format: our streaming decoder reading the file (in this process)
 * beside ffmpeg decoding the same file to 32-bit float PCM (a process per run, output to
 * /dev/null, one thread). Median of interleaved rounds; × real time and the time ratio.
 */
import { openAudioFile } from '../src/node/index.js';
import type { Material } from './material.js';
import { ffmpegToNull, fmt, markdownTable, timeInterleaved } from './harness.js';

async function decodeOurs(path: string): Promise<number> {
  const { chunks } = await openAudioFile(path);
  let frames = 0;
  for await (const c of chunks) frames += c.channels[0]!.length;
  return frames;
}

export async function benchDecode(material: Material, rounds: number): Promise<string> {
  const rows: (string | number)[][] = [];
  for (const [format, path] of Object.entries(material.files)) {
    const times = await timeInterleaved(
      [
        { name: 'ours', run: () => decodeOurs(path) },
        { name: 'ffmpeg', run: () => ffmpegToNull(path) },
      ],
      rounds,
    );
    const ours = times.get('ours')!,
      ff = times.get('ffmpeg')!;
    rows.push([
      format + (format === 'm4a-aac' ? ' (ours = through ffmpeg)' : ''),
      fmt(material.seconds / ours),
      fmt(material.seconds / ff),
      `${fmt(ours / ff, 2)}×`,
    ]);
  }
  return markdownTable(
    ['format', 'ours (× real time)', 'ffmpeg (× real time)', 'our time ÷ ffmpeg time (target ≤ 2)'],
    rows,
  );
}
