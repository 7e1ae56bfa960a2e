/**
 * Benchmark material, prepared once into .cache/bench (git-ignored):
 * real music from Debian's archive (the "singularity-music" album, CC-BY-SA-3.0, Ogg Vorbis;
 * `apt-get download` + `dpkg-deb -x`), joined into a 10-minute programme, and its encodings
 * (FLAC, MP3, Ogg Vorbis, Opus, M4A/AAC) made with ffmpeg. Where the archive cannot be
 * reached, the programme is synthesised instead (and the report says so).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeWav } from '../src/audio/index.js';
import { renderDemoMelody } from '../src/node/index.js';

export interface Material {
  /** Where the music comes from, for the report. */
  source: string;
  seconds: number;
  /** 44.1 kHz 16-bit stereo WAV and its encodings, by format name. */
  files: Record<string, string>;
  /** The programme at 48 kHz as raw interleaved stereo float32 (for loudness peers). */
  raw48: string;
}

export const cacheDir = resolve('.cache/bench');

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Debian packages of free music: where each keeps its Ogg files. */
const ALBUMS = {
  'singularity-music': 'usr/share/games/singularity/music',
  'hyperrogue-music': 'usr/share/hyperrogue/music',
} as const;

/**
 * The Ogg tracks of a Debian music package, fetched once with `apt-get download` and unpacked
 * with `dpkg-deb -x` into .cache/bench; [] when the archive cannot be reached.
 */
export function fetchAlbum(pkg: keyof typeof ALBUMS = 'singularity-music'): string[] {
  const dir = join(cacheDir, pkg.replace(/-music$/, ''));
  const musicDir = join(dir, 'x', ALBUMS[pkg]);
  if (!existsSync(musicDir)) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('apt-get', ['download', pkg], {
      cwd: dir,
      stdio: 'ignore',
      timeout: 300_000,
    });
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    if (r.status !== 0 || !deb) return [];
    execFileSync('dpkg-deb', ['-x', deb, 'x'], { cwd: dir });
  }
  return readdirSync(musicDir)
    .filter((f) => f.endsWith('.ogg'))
    .sort()
    .map((f) => join(musicDir, f));
}

/** Prepares (or reuses) the material; `seconds` is the programme length. */
export function prepareMaterial(seconds: number): Material {
  const dir = join(cacheDir, `programme-${seconds}s`);
  mkdirSync(dir, { recursive: true });
  const wav = join(dir, 'programme.wav');
  const sourceNote = join(dir, 'source.txt');
  let source = existsSync(sourceNote) ? String(execFileSync('cat', [sourceNote])) : '';
  if (!existsSync(wav)) {
    const tracks = seconds >= 60 ? fetchAlbum() : [];
    if (tracks.length) {
      const list = join(dir, 'tracks.txt');
      writeFileSync(list, tracks.map((t) => `file '${t.replace(/'/g, "'\\''")}'`).join('\n'));
      ffmpeg([
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        list,
        '-t',
        String(seconds),
        '-ar',
        '44100',
        '-ac',
        '2',
        '-c:a',
        'pcm_s16le',
        wav,
      ]);
      source = `real music: Debian package singularity-music (CC-BY-SA-3.0), ${tracks.length} tracks joined, first ${seconds / 60} min`;
    } else {
      const melody = renderDemoMelody(44_100);
      const n = seconds * 44_100;
      const channels = melody.channels.map((c) =>
        Float32Array.from({ length: n }, (_, i) => c[i % c.length]!),
      );
      writeFileSync(wav, encodeWav({ sampleRate: 44_100, channels }, { format: 'pcm16' }));
      source = `synthesised: the demo melody repeated for ${seconds} s (Debian's archive was not reachable)`;
    }
    writeFileSync(sourceNote, source);
  }
  const files: Record<string, string> = { wav };
  const encodings: [string, string, string[]][] = [
    ['flac', 'programme.flac', ['-c:a', 'flac']],
    ['mp3', 'programme.mp3', ['-c:a', 'libmp3lame', '-b:a', '192k']],
    ['ogg-vorbis', 'programme.ogg', ['-c:a', 'libvorbis', '-q:a', '5']],
    ['ogg-opus', 'programme.opus', ['-c:a', 'libopus', '-b:a', '128k']],
    ['m4a-aac', 'programme.m4a', ['-c:a', 'aac', '-b:a', '192k']],
  ];
  for (const [name, file, args] of encodings) {
    const path = join(dir, file);
    if (!existsSync(path)) ffmpeg(['-i', wav, ...args, path]);
    files[name] = path;
  }
  const raw48 = join(dir, 'programme-48k-f32.raw');
  if (!existsSync(raw48))
    ffmpeg([
      '-i',
      wav,
      '-ar',
      '48000',
      '-af',
      'aresample=resampler=soxr',
      '-f',
      'f32le',
      '-c:a',
      'pcm_f32le',
      raw48,
    ]);
  return { source, seconds, files, raw48 };
}

/** A long stereo file (16-bit WAV, FLAC or MP3) of `seconds`, looping the programme. */
export function longFile(
  material: Material,
  seconds: number,
  format: 'wav' | 'flac' | 'mp3',
): string {
  const path = join(cacheDir, `long-${seconds}s.${format}`);
  if (
    (!existsSync(path) || statSync(path).size === 0) &&
    format === 'flac' &&
    seconds > 3600 &&
    seconds % 3600 === 0
  ) {
    // Whole hours of FLAC: loop the one-hour file by stream copy (no re-encoding).
    ffmpeg([
      '-stream_loop',
      String(seconds / 3600 - 1),
      '-i',
      longFile(material, 3600, 'flac'),
      '-c',
      'copy',
      path,
    ]);
  }
  if (!existsSync(path) || statSync(path).size === 0) {
    const args =
      format === 'wav'
        ? ['-c:a', 'pcm_s16le']
        : format === 'flac'
          ? ['-c:a', 'flac']
          : ['-c:a', 'libmp3lame', '-b:a', '128k'];
    ffmpeg(['-stream_loop', '-1', '-i', material.files.wav!, '-t', String(seconds), ...args, path]);
  }
  return path;
}
