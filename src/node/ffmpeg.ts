/**
 * ffmpeg as a decoder of last resort, for what Zhiyin does not decode itself: M4A/AAC (phone
 * recordings), ALAC, WebM/Matroska, AIFF, CAF, WMA, AMR, AC-3 and the audio of video files.
 *
 * ffmpeg decodes to 32-bit float WAV on a pipe, which our own streaming WAV reader takes, so
 * the rest of Zhiyin never knows the difference. Inputs are passed as `file:` URLs with
 * only the file protocol allowed, so a crafted name or playlist cannot make ffmpeg reach
 * the network or other files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ZhiyinError } from '../errors/index.js';
import {
  ffmpegNeeded,
  openAudioStream,
  type AudioInfo,
  type AudioStream,
  type ContainerFormat,
  type DecodeOptions,
  type PlanarAudio,
} from '../audio/index.js';

let available: boolean | undefined;

/** True when `ffmpeg` and `ffprobe` run (checked once per process). */
export function hasFfmpeg(): boolean {
  if (available === undefined) {
    const ok = (cmd: string) => {
      try {
        return spawnSync(cmd, ['-version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
      } catch {
        return false;
      }
    };
    available = ok('ffmpeg') && ok('ffprobe');
  }
  return available;
}

const inputArgs = (path: string) => ['-protocol_whitelist', 'file', '-i', `file:${resolve(path)}`];

/** The last informative line ffmpeg printed (its error), without its noise. */
function lastLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? 'no message').replace(/^\S*file:[^:]*:\s*/, '');
}

/** Header facts of a file from ffprobe. */
export async function ffprobeInfo(path: string, container: ContainerFormat): Promise<AudioInfo> {
  if (!hasFfmpeg()) throw ffmpegNeeded(container);
  const entries =
    'stream=codec_name,sample_rate,channels,bit_rate,duration,bits_per_raw_sample:format=duration,bit_rate';
  const args = [
    '-v',
    'error',
    '-select_streams',
    'a:0',
    '-show_entries',
    entries,
    '-of',
    'json',
    ...inputArgs(path),
  ];
  const { stdout, stderr, code } = await run('ffprobe', args);
  if (code !== 0)
    throw new ZhiyinError('CORRUPT_DATA', `ffmpeg cannot read this file: ${lastLine(stderr)}.`);
  let parsed: { streams?: Record<string, string | number>[]; format?: Record<string, string> };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new ZhiyinError('CORRUPT_DATA', 'ffprobe gave an unreadable answer for this file.');
  }
  const s = parsed.streams?.[0];
  if (!s) throw new ZhiyinError('EMPTY_INPUT', 'The file has no audio stream.');
  const sampleRate = Number(s.sample_rate),
    channelCount = Number(s.channels);
  const codec = String(s.codec_name ?? 'unknown');
  const duration = Number(s.duration ?? parsed.format?.duration);
  const info: AudioInfo = {
    container,
    codec,
    sampleRate,
    channelCount,
    lossless:
      ['alac', 'flac', 'wavpack', 'tta', 'ape', 'mlp', 'truehd'].includes(codec) ||
      codec.startsWith('pcm_'),
  };
  if (Number.isFinite(duration) && duration > 0) info.frames = Math.round(duration * sampleRate);
  const bitrate = Number(s.bit_rate ?? parsed.format?.bit_rate);
  if (Number.isFinite(bitrate) && bitrate > 0) info.bitrate = bitrate;
  const bits = Number(s.bits_per_raw_sample);
  if (Number.isFinite(bits) && bits > 0) info.bitDepth = bits;
  return info;
}

function run(
  cmd: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((done, fail) => {
    // ffprobe reads headers only; a minute is far more than any healthy file needs.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '',
      stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr
      .setEncoding('utf8')
      .on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
    child.on('error', (e) =>
      fail(new ZhiyinError('MISSING_TOOL', `Could not run ${cmd}: ${e.message}.`)),
    );
    child.on('close', (code) => done({ stdout, stderr, code }));
  });
}

/**
 * Decodes a file with ffmpeg as a stream of planar float chunks at its own rate and channels.
 * `info` is ffprobe's view of the file (codec, bit rate, length).
 */
export async function ffmpegAudioStream(
  path: string,
  info: AudioInfo,
  options: DecodeOptions = {},
): Promise<AudioStream> {
  if (!hasFfmpeg()) throw ffmpegNeeded(info.container);
  const child = spawn(
    'ffmpeg',
    [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      ...inputArgs(path),
      '-map',
      '0:a:0',
      '-vn',
      '-sn',
      '-dn',
      '-f',
      'wav',
      '-c:a',
      'pcm_f32le',
      '-',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
  const exited = new Promise<number | null>((done) => {
    child.on('close', (code) => done(code));
    child.on('error', () => done(-1));
  });
  const fail = async (): Promise<never> => {
    const code = await exited;
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `ffmpeg could not decode this file (exit ${code}): ${lastLine(stderr)}.`,
    );
  };
  let stream: AudioStream;
  try {
    stream = await openAudioStream(child.stdout, options);
  } catch {
    child.kill('SIGKILL');
    return fail();
  }
  async function* chunks(): AsyncGenerator<PlanarAudio> {
    let finished = false;
    try {
      yield* stream.chunks;
      finished = true;
    } finally {
      if (!finished) child.kill('SIGKILL');
    }
    if ((await exited) !== 0) await fail();
  }
  return {
    info: { ...info, sampleRate: stream.info.sampleRate, channelCount: stream.info.channelCount },
    chunks: chunks(),
  };
}
