/**
 * The shapes audio takes in Zhiyin: planar float buffers, byte sources, format information.
 */

/**
 * Planar audio in memory: one Float32Array per channel, all the same length, nominal range
 * [−1, 1] (values beyond it are kept, never clipped, until an integer encoder must).
 */
export interface PlanarAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/** Container formats Zhiyin recognises by their bytes. */
export type ContainerFormat =
  | 'wav'
  | 'rf64'
  | 'flac'
  | 'mp3'
  | 'ogg'
  | 'mp4'
  | 'adts'
  | 'matroska'
  | 'aiff'
  | 'caf'
  | 'asf'
  | 'avi'
  | 'amr'
  | 'ac3';

/** What the headers of an audio file say, before (or without) decoding it. */
export interface AudioInfo {
  container: ContainerFormat;
  /** Codec name, ffmpeg-style: pcm_s16le, pcm_f32le, flac, mp3, vorbis, opus, aac… */
  codec: string;
  /** Rate of the decoded samples (for Opus always 48000). */
  sampleRate: number;
  channelCount: number;
  /** Bits per sample of the stored data for PCM and FLAC. */
  bitDepth?: number;
  /** Total sample frames when the headers state them; undefined when only decoding can tell. */
  frames?: number;
  /** True when `frames` is an estimate (a constant-bit-rate MP3 without a Xing/VBRI tag). */
  framesEstimated?: boolean;
  /** Average bit rate of the stored stream in bits per second, when known. */
  bitrate?: number;
  /** WAVE_FORMAT_EXTENSIBLE speaker mask (bit 0 = front left …), when given. */
  channelMask?: number;
  lossless: boolean;
  /** For WAV: the byte offset where the samples begin, and how many bytes the header promises. */
  dataOffset?: number;
  dataBytes?: number;
}

/**
 * Bytes to decode: a whole buffer, or a stream of chunks (a Node stream, a web
 * ReadableStream, any async iterable of Uint8Array).
 */
export type ByteSource = Uint8Array | ArrayBuffer | AsyncIterable<Uint8Array> | WebReadableLike;

/** The part of a web ReadableStream we use (structural, so no DOM types are needed). */
export interface WebReadableLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    releaseLock(): void;
  };
}
