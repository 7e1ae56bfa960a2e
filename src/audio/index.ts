/**
 * Audio I/O and buffers: decoding (WAV, FLAC, MP3, Ogg Vorbis/Opus/FLAC; streaming, bounded
 * memory), encoding WAV with dither, format sniffing and header probing, and everyday
 * operations (gain, trim, channel mixing, band-limited resampling).
 *
 * Portable: no Node built-ins. Files and ffmpeg are reached through src/node.
 */
export type {
  AudioInfo,
  ByteSource,
  ContainerFormat,
  PlanarAudio,
  WebReadableLike,
} from './types.js';
export { ByteReader, iterateBytes } from './bytes.js';
export {
  collectChunks,
  decodeAudio,
  ffmpegNeeded,
  needsFfmpeg,
  openAudioStream,
  probeAudio,
  type AudioStream,
  type DecodeAllOptions,
  type DecodeOptions,
} from './decode.js';
export { containerName, id3v2Size, sniffContainer, type Sniffed } from './sniff.js';
export {
  MAX_CHANNELS,
  WavEncoder,
  encodeWav,
  readWavData,
  readWavHeader,
  type WavEncodeOptions,
  type WavHeader,
  type WavSampleFormat,
} from './wav.js';
export {
  applyGain,
  assertPlanarAudio,
  concatAudio,
  createResampleTransform,
  durationSeconds,
  frameCount,
  gainTransform,
  pipeChunks,
  remix,
  remixTransform,
  resampleAudio,
  trim,
  trimTransform,
  type AudioTransform,
} from './ops.js';
export {
  SPEAKERS,
  channelPositions,
  defaultChannelMask,
  remixMatrix,
  type RemixLayouts,
  type Speaker,
} from './layout.js';
