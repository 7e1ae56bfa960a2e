/**
 * Writes the small audio fixtures under test/fixtures (committed; they seed the fuzzer and
 * let decoder tests run without ffmpeg). The signal is our own: a 0.5 s stereo chord
 * (A3 + E4 left, C#4 + A4 right) with a fade, 44.1 kHz, 16-bit. ffmpeg encodes the
 * compressed versions. Run: npm run build && node dist/scripts/make-fixtures.js
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav } from '../src/audio/index.js';

const dir = 'test/fixtures';
mkdirSync(dir, { recursive: true });
const sr = 44_100,
  n = sr / 2;
const tone = (freqs: number[]) =>
  Float32Array.from({ length: n }, (_, i) => {
    const env = Math.min(1, i / 441, (n - i) / 441);
    return env * freqs.reduce((s, f) => s + 0.2 * Math.sin((2 * Math.PI * f * i) / sr), 0);
  });
const wav = join(dir, 'chord.wav');
writeFileSync(
  wav,
  encodeWav(
    { sampleRate: sr, channels: [tone([220, 329.63]), tone([277.18, 440])] },
    { format: 'pcm16', dither: 'none' },
  ),
);
const encode = (out: string, args: string[]) =>
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    wav,
    ...args,
    '-map_metadata',
    '-1',
    '-fflags',
    '+bitexact',
    join(dir, out),
  ]);
encode('chord.flac', ['-c:a', 'flac']);
encode('chord.mp3', ['-c:a', 'libmp3lame', '-b:a', '96k']);
encode('chord.ogg', ['-c:a', 'libvorbis', '-q:a', '2']);
encode('chord.opus', ['-c:a', 'libopus', '-b:a', '64k']);
encode('chord.m4a', ['-c:a', 'aac', '-b:a', '96k']);
console.log(`fixtures written to ${dir}`);
