/**
 * Everyday operations on planar audio: gain, trimming, channel mixing (down and up),
 * resampling, and their streaming forms for chunked pipelines.
 *
 * Channel mixing matrices come from layout.ts (ITU-R BS.775 down-mix, up-mix by position).
 */
import { ZhiyinError, requireInRange, requireInteger } from '../errors/index.js';
import { Resampler, dbToGain } from '../dsp/index.js';
import type { PlanarAudio } from './types.js';

/** Frames (samples per channel) of planar audio. */
export function frameCount(audio: PlanarAudio): number {
  return audio.channels[0]?.length ?? 0;
}

/** Duration in seconds. */
export function durationSeconds(audio: PlanarAudio): number {
  return frameCount(audio) / audio.sampleRate;
}

/**
 * A copy with every sample multiplied by the gain for `db`.
 * @example const quieter = applyGain(audio, -6);
 */
export function applyGain(audio: PlanarAudio, db: number): PlanarAudio {
  return gainTransform(db).process(audio);
}

/**
 * The part from `startSeconds` for `durationSeconds` (default: to the end).
 * @example const intro = trim(audio, { startSeconds: 0, durationSeconds: 10 });
 */
export function trim(
  audio: PlanarAudio,
  range: { startSeconds?: number; durationSeconds?: number },
): PlanarAudio {
  const total = frameCount(audio);
  const start = Math.round((range.startSeconds ?? 0) * audio.sampleRate);
  requireInRange('startSeconds', range.startSeconds ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const length =
    range.durationSeconds === undefined
      ? total
      : Math.round(range.durationSeconds * audio.sampleRate);
  requireInRange('durationSeconds', range.durationSeconds ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const from = Math.min(start, total),
    to = Math.min(total, from + length);
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.slice(from, to)) };
}

/**
 * Mixes chunk channels with a matrix from {@link remixMatrix} (or your own).
 * @example const stereo = remix(surround, remixMatrix(6, 2));
 */
export function remix(audio: PlanarAudio, matrix: number[][]): PlanarAudio {
  const n = frameCount(audio);
  if (matrix.some((row) => row.length !== audio.channels.length)) {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `The mix matrix needs ${audio.channels.length} columns, one per input channel.`,
    );
  }
  const channels = matrix.map((row) => {
    const out = new Float32Array(n);
    row.forEach((w, c) => {
      if (w === 0) return;
      const src = audio.channels[c]!;
      if (w === 1) for (let i = 0; i < n; i++) out[i]! += src[i]!;
      else for (let i = 0; i < n; i++) out[i]! += w * src[i]!;
    });
    return out;
  });
  return { sampleRate: audio.sampleRate, channels };
}

/**
 * A stream transform: one state per stream, chunks in, chunks out, and a final flush.
 * Chunked pipelines in Zhiyin (convert, normalise, meters) are built from these.
 */
export interface AudioTransform {
  process(chunk: PlanarAudio): PlanarAudio;
  flush(): PlanarAudio;
  /** True once the transform wants no more input (e.g. a trim past its end). */
  readonly ended?: boolean;
}

/**
 * Runs chunks through transforms in order; stops reading once a transform has ended.
 * @example for await (const c of pipeChunks(stream.chunks, [gainTransform(-3)])) write(c);
 */
export async function* pipeChunks(
  source: AsyncIterable<PlanarAudio>,
  transforms: AudioTransform[],
): AsyncGenerator<PlanarAudio> {
  const through = (chunk: PlanarAudio, from: number): PlanarAudio => {
    for (let i = from; i < transforms.length && frameCount(chunk) > 0; i++)
      chunk = transforms[i]!.process(chunk);
    return chunk;
  };
  for await (const chunk of source) {
    const out = through(chunk, 0);
    if (frameCount(out)) yield out;
    if (transforms.some((t) => t.ended)) break;
  }
  // Flush in order: what one transform flushes still passes through the ones after it.
  for (let i = 0; i < transforms.length; i++) {
    const out = through(transforms[i]!.flush(), i + 1);
    if (frameCount(out)) yield out;
  }
}

/**
 * Keeps `lengthFrames` frames (default: all) starting at frame `startFrames` of a stream.
 * @example trimTransform(48000 * 10, 48000 * 5) // 5 s from 0:10
 */
export function trimTransform(startFrames: number, lengthFrames = Infinity): AudioTransform {
  requireInRange('start frame', startFrames, 0, Number.MAX_SAFE_INTEGER);
  let position = 0;
  const end = startFrames + lengthFrames;
  return {
    get ended() {
      return position >= end;
    },
    process(chunk) {
      const n = frameCount(chunk);
      const from = Math.max(0, startFrames - position),
        to = Math.min(n, end - position);
      position += n;
      if (from === 0 && to >= n) return chunk;
      return {
        sampleRate: chunk.sampleRate,
        channels: chunk.channels.map((c) => c.subarray(from, Math.max(from, to))),
      };
    },
    flush: () => ({ sampleRate: 0, channels: [] }),
  };
}

/**
 * Mixes the channels of every chunk with a matrix (see {@link remixMatrix}).
 * @example remixTransform(remixMatrix(6, 2))
 */
export function remixTransform(matrix: number[][]): AudioTransform {
  return {
    process: (chunk) => remix(chunk, matrix),
    flush: () => ({ sampleRate: 0, channels: [] }),
  };
}

/**
 * Multiplies every sample by the gain for `db`.
 * @example gainTransform(-3)
 */
export function gainTransform(db: number): AudioTransform {
  requireInRange('gain (dB)', db, -400, 200);
  const g = dbToGain(db);
  return {
    process: (chunk) => ({
      sampleRate: chunk.sampleRate,
      channels: chunk.channels.map((c) => {
        // A plain loop: TypedArray.map with a callback is several times slower.
        const y = new Float32Array(c.length);
        for (let i = 0; i < c.length; i++) y[i] = c[i]! * g;
        return y;
      }),
    }),
    flush: () => ({ sampleRate: 0, channels: [] }),
  };
}

/**
 * A streaming resampler for all channels of a stream (see dsp/resample.ts for the kernel).
 * @example const t = createResampleTransform(2, 44100, 48000);
 */
export function createResampleTransform(
  channelCount: number,
  inputRate: number,
  outputRate: number,
): AudioTransform {
  const rs = Array.from({ length: channelCount }, () => new Resampler({ inputRate, outputRate }));
  return {
    process: (chunk) => ({
      sampleRate: outputRate,
      channels: chunk.channels.map((c, i) => rs[i]!.process(c)),
    }),
    flush: () => ({ sampleRate: outputRate, channels: rs.map((r) => r.flush()) }),
  };
}

/**
 * Resamples whole audio to `sampleRate` (band-limited; see dsp/resample.ts for its measured quality).
 * @example const at48k = resampleAudio(audio, 48000);
 */
export function resampleAudio(audio: PlanarAudio, sampleRate: number): PlanarAudio {
  requireInteger('sampleRate', sampleRate, 1, 100_000_000);
  if (sampleRate === audio.sampleRate)
    return { sampleRate, channels: audio.channels.map((c) => c.slice()) };
  const t = createResampleTransform(audio.channels.length, audio.sampleRate, sampleRate);
  return concatAudio([t.process(audio), t.flush()]);
}

/**
 * Joins chunks (same rate and channel count) end to end.
 * @example const whole = concatAudio([a, b]);
 */
export function concatAudio(parts: PlanarAudio[]): PlanarAudio {
  const first = parts[0];
  if (!first) throw new ZhiyinError('INVALID_ARGUMENT', 'Nothing to join.');
  const total = parts.reduce((s, p) => s + frameCount(p), 0);
  const channels = first.channels.map(() => new Float32Array(total));
  let offset = 0;
  for (const p of parts) {
    if (p.sampleRate !== first.sampleRate || p.channels.length !== first.channels.length) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        'Only audio of one sample rate and channel count can be joined.',
      );
    }
    p.channels.forEach((c, i) => channels[i]!.set(c, offset));
    offset += frameCount(p);
  }
  return { sampleRate: first.sampleRate, channels };
}

/**
 * Checks that a value is well-formed planar audio (rate, equal-length channels).
 * @example assertPlanarAudio(audio);
 */
export function assertPlanarAudio(audio: PlanarAudio): void {
  if (!audio || !Array.isArray(audio.channels) || audio.channels.length === 0) {
    throw new ZhiyinError('INVALID_ARGUMENT', 'Audio needs at least one channel.');
  }
  requireInRange('sampleRate', audio.sampleRate, 1, 100_000_000);
  const n = audio.channels[0]!.length;
  if (audio.channels.some((c) => !(c instanceof Float32Array) || c.length !== n)) {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      'Every channel must be a Float32Array of the same length.',
    );
  }
}
