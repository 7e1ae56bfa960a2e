/**
 * Resampling 44.1 → 48 kHz stereo: our polyphase resampler (120 dB stopband, 0.9 passband)
 * beside ffmpeg's soxr at its very-high-quality setting and ffmpeg's default swr resampler,
 * all on the same 16-bit WAV.
 */
import { readFileSync } from 'node:fs';
import { decodeAudio, resampleAudio } from '../src/audio/index.js';
import type { Material } from './material.js';
import { ffmpegToNull, fmt, markdownTable, timeInterleaved } from './harness.js';

export async function benchResample(material: Material, rounds: number): Promise<string> {
  const audio = await decodeAudio(readFileSync(material.files.wav!));
  const seconds = audio.channels[0]!.length / audio.sampleRate;
  const ff = (filter: string) => () => ffmpegToNull(material.files.wav!, ['-af', filter]);
  const times = await timeInterleaved(
    [
      { name: 'ours', run: () => resampleAudio(audio, 48000) },
      { name: 'soxr', run: ff('aresample=48000:resampler=soxr:precision=28') },
      { name: 'swr', run: ff('aresample=48000') },
    ],
    rounds,
  );
  const x = (n: string) => fmt(seconds / times.get(n)!);
  return markdownTable(
    ['resampler (44.1 → 48 kHz, stereo)', '× real time', 'time ÷ ours'],
    [
      ['Zhiyin Resampler (decoded audio in memory)', x('ours'), '1.00'],
      [
        'ffmpeg soxr, precision 28 (file → /dev/null, includes decoding)',
        x('soxr'),
        fmt(times.get('soxr')! / times.get('ours')!, 3),
      ],
      [
        'ffmpeg swr default (file → /dev/null, includes decoding)',
        x('swr'),
        fmt(times.get('swr')! / times.get('ours')!, 3),
      ],
    ],
  );
}
