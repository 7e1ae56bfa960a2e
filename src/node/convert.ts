/**
 * File-level jobs built from the portable core: measure the loudness of a file, and convert
 * a file (trim, channels, sample rate, gain or loudness normalisation, WAV sample format),
 * all streaming so that hour-long files take bounded memory.
 *
 * Normalisation takes two passes over the input: the first measures the converted signal
 * (after channel mixing and resampling, which change loudness and true peak), the second
 * writes it with the planned gain while metering the output, so the report states what the
 * file really measures, not only what was predicted.
 */
import { ZhiyinError, requireInRange, requireInteger } from '../errors/index.js';
import {
  createResampleTransform,
  defaultChannelMask,
  gainTransform,
  pipeChunks,
  remixMatrix,
  remixTransform,
  trimTransform,
  type AudioInfo,
  type AudioTransform,
  type DecodeOptions,
  type PlanarAudio,
  type WavSampleFormat,
} from '../audio/index.js';
import {
  LoudnessMeter,
  planNormalization,
  type LoudnessResult,
  type NormalizationPlan,
} from '../loudness/index.js';
import { openAudioFile, writeWavFile } from './files.js';

/** Progress of a long job: which pass, and the fraction of it done. */
export type ProgressHandler = (stage: string, fraction: number) => void;

/** Options of {@link measureLoudnessFile}. */
export interface LoudnessFileOptions extends DecodeOptions {
  truePeak?: boolean;
  onProgress?: ProgressHandler;
}

/**
 * Measures a file's loudness (BS.1770-4 / R128) in one streaming pass.
 * @example const { loudness, info } = await measureLoudnessFile('song.flac');
 */
export async function measureLoudnessFile(
  path: string,
  options: LoudnessFileOptions = {},
): Promise<{ info: AudioInfo; loudness: LoudnessResult }> {
  const { info, chunks } = await openAudioFile(path, {
    ...options,
    onProgress: (f) => options.onProgress?.('measuring', f),
  });
  const meter = new LoudnessMeter({
    sampleRate: info.sampleRate,
    channelCount: info.channelCount,
    ...(info.channelMask ? { channelMask: info.channelMask } : {}),
    truePeak: options.truePeak ?? true,
  });
  for await (const chunk of chunks) meter.push(chunk.channels);
  const loudness = meter.result();
  if (loudness.durationSeconds === 0)
    throw new ZhiyinError('EMPTY_INPUT', `${path} holds no audio samples.`);
  return { info, loudness };
}

/** Options of {@link convertAudioFile}. */
export interface ConvertOptions extends DecodeOptions {
  /** Output sample rate (default: the input's). */
  sampleRate?: number;
  /** Output channel count (default: the input's); mixed per ITU-R BS.775. */
  channels?: number;
  /** Output sample format (default: pcm24 for inputs deeper than 16 bits, float32 for float, else pcm16). */
  format?: WavSampleFormat;
  /** Start of the part to keep, seconds (default 0). */
  startSeconds?: number;
  /** Length of the part to keep, seconds (default: to the end). */
  durationSeconds?: number;
  /** Fixed gain in dB (not with normalizeLufs). */
  gainDb?: number;
  /** Normalise to this integrated loudness, LUFS. */
  normalizeLufs?: number;
  /** True-peak ceiling for normalisation, dBTP (default −1). */
  truePeakCeilingDbtp?: number;
  /** Dither for integer output (default 'tpdf'). */
  dither?: 'tpdf' | 'none';
  onProgress?: ProgressHandler;
}

/** What a conversion did. */
export interface ConvertReport {
  input: AudioInfo;
  output: {
    path: string;
    sampleRate: number;
    channelCount: number;
    format: WavSampleFormat;
    frames: number;
    durationSeconds: number;
  };
  gainDb: number;
  normalization?: NormalizationPlan;
  /** Loudness of the written file (measured on the float signal before quantisation; not below 8 kHz). */
  outputLoudness?: LoudnessResult;
}

function defaultFormat(info: AudioInfo): WavSampleFormat {
  if (info.codec.startsWith('pcm_f')) return 'float32';
  return (info.bitDepth ?? 16) > 16 ? 'pcm24' : 'pcm16';
}

/**
 * Converts an audio file to WAV, streaming.
 * @example await convertAudioFile('take.m4a', 'take.wav', { sampleRate: 48000, normalizeLufs: -16 });
 */
export async function convertAudioFile(
  input: string,
  output: string,
  options: ConvertOptions = {},
): Promise<ConvertReport> {
  if (options.gainDb !== undefined && options.normalizeLufs !== undefined) {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      'Give either a fixed gain or a loudness target, not both.',
    );
  }
  if (options.startSeconds !== undefined)
    requireInRange('start (seconds)', options.startSeconds, 0, 1e7);
  if (
    options.durationSeconds !== undefined &&
    !(options.durationSeconds > 0 && options.durationSeconds <= 1e7)
  ) {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `The duration must be more than 0 seconds, got ${options.durationSeconds}.`,
    );
  }
  if (options.sampleRate !== undefined)
    requireInteger('output sample rate (Hz)', options.sampleRate, 1000, 1_536_000);
  if (options.channels !== undefined)
    requireInteger('output channel count', options.channels, 1, 1024);
  if (options.gainDb !== undefined) requireInRange('gain (dB)', options.gainDb, -120, 60);
  const progress = options.onProgress;
  const open = async (stage: string) =>
    openAudioFile(input, { ...options, onProgress: (f) => progress?.(stage, f) });
  /** The transforms for an input, and the layout of what comes out. */
  const build = (info: AudioInfo) => {
    const transforms: AudioTransform[] = [];
    const start = Math.round((options.startSeconds ?? 0) * info.sampleRate);
    if (info.frames !== undefined && start > 0 && start >= info.frames)
      throw beyondEnd(info.frames / info.sampleRate);
    const length =
      options.durationSeconds === undefined
        ? Infinity
        : Math.max(1, Math.round(options.durationSeconds * info.sampleRate));
    if (start > 0 || length !== Infinity) transforms.push(trimTransform(start, length));
    const channelCount = options.channels ?? info.channelCount;
    // The speaker layout travels with the audio while the channel count stays the same.
    const channelMask =
      channelCount === info.channelCount
        ? info.channelMask || defaultChannelMask(channelCount)
        : defaultChannelMask(channelCount);
    if (channelCount !== info.channelCount) {
      transforms.push(
        remixTransform(
          remixMatrix(info.channelCount, channelCount, {
            fromMask: info.channelMask,
            toMask: channelMask,
          }),
        ),
      );
    }
    const sampleRate = options.sampleRate ?? info.sampleRate;
    if (sampleRate !== info.sampleRate)
      transforms.push(createResampleTransform(channelCount, info.sampleRate, sampleRate));
    return { transforms, sampleRate, channelCount, channelMask };
  };
  const beyondEnd = (seconds: number) =>
    new ZhiyinError(
      'INVALID_ARGUMENT',
      `The start (${options.startSeconds} s) is beyond the end of the input (${seconds.toFixed(3)} s).`,
    );

  let gainDb = options.gainDb ?? 0;
  let normalization: NormalizationPlan | undefined;
  if (options.normalizeLufs !== undefined) {
    const first = await open('measuring');
    const plan = build(first.info);
    const meter = new LoudnessMeter({
      sampleRate: plan.sampleRate,
      channelCount: plan.channelCount,
      channelMask: plan.channelMask,
    });
    for await (const chunk of pipeChunks(first.chunks, plan.transforms)) meter.push(chunk.channels);
    normalization = planNormalization(meter.result(), {
      targetLufs: options.normalizeLufs,
      truePeakCeilingDbtp: options.truePeakCeilingDbtp ?? -1,
    });
    gainDb = normalization.gainDb;
  }

  const { info, chunks } = await open('writing');
  const plan = build(info);
  if (gainDb !== 0) plan.transforms.push(gainTransform(gainDb));
  const format = options.format ?? defaultFormat(info);
  // BS.1770 is defined for 8 kHz and up; below that the output is written but not metered.
  const meter =
    plan.sampleRate >= 8000
      ? new LoudnessMeter({
          sampleRate: plan.sampleRate,
          channelCount: plan.channelCount,
          channelMask: plan.channelMask,
        })
      : undefined;
  let inputFrames = 0;
  async function* counted(): AsyncGenerator<PlanarAudio> {
    for await (const chunk of chunks) {
      inputFrames += chunk.channels[0]?.length ?? 0;
      yield chunk;
    }
  }
  async function* metered(): AsyncGenerator<PlanarAudio> {
    for await (const chunk of pipeChunks(counted(), plan.transforms)) {
      meter?.push(chunk.channels);
      yield chunk;
    }
  }
  const frames = await writeWavFile(
    output,
    { sampleRate: plan.sampleRate, channelCount: plan.channelCount, chunks: metered() },
    {
      format,
      dither: options.dither ?? 'tpdf',
      channelMask: plan.channelMask,
      // Never leave an empty file behind: say why there is nothing to write.
      onEmpty: () =>
        inputFrames === 0
          ? new ZhiyinError('EMPTY_INPUT', `${input} holds no audio samples.`)
          : beyondEnd(inputFrames / info.sampleRate),
    },
  );
  const report: ConvertReport = {
    input: info,
    output: {
      path: output,
      sampleRate: plan.sampleRate,
      channelCount: plan.channelCount,
      format,
      frames,
      durationSeconds: frames / plan.sampleRate,
    },
    gainDb,
  };
  if (meter) report.outputLoudness = meter.result();
  if (normalization) report.normalization = normalization;
  return report;
}
