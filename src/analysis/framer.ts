/**
 * Framing for the pitch trackers: takes a stream of samples at any rate, brings it to about
 * 22 kHz, and hands out analysis frames centred on every hop.
 *
 * Above 32 kHz the input is decimated by an integer factor (44.1 → 22.05 kHz, 48 → 24 kHz,
 * 96 → 24 kHz, …) with our band-limited resampler (80 dB, passband to 0.8 of the new
 * Nyquist frequency). Pitch lives well below 10 kHz; dropping the top half removes half of any
 * broadband noise, halves the work, and on our evaluation raised pitch accuracy at 10 dB SNR
 * from 87 % to 96 % (eval/performance). Frame i covers the integration window centred on input
 * sample i·hop, plus the lags after it; the stream is padded with silence at both ends.
 *
 * NaN or infinite samples are refused with a CORRUPT_DATA error naming where they are.
 */
import { Resampler } from '../dsp/index.js';
import { ZhiyinError, requireInteger } from '../errors/index.js';
import { yinGeometry, type PitchRangeOptions, type YinGeometry } from './yin.js';

/** Options of {@link PitchFramer}. */
export interface FramerOptions extends PitchRangeOptions {
  /** Input samples between frames (default: 5.8 ms, 256 at 44.1 kHz). */
  hopSize?: number;
}

export class PitchFramer {
  readonly inputRate: number;
  /** Input samples per frame step. */
  readonly hopSize: number;
  /** Geometry at the analysis rate (after decimation). */
  readonly geometry: YinGeometry;
  readonly decimation: number;
  private readonly hop: number;
  private readonly resampler: Resampler | undefined;
  private buffer: Float32Array;
  private bufferStart: number;
  private bufferLength: number;
  private inputSamples = 0;
  private framesOut = 0;
  private readonly frame: Float32Array;

  constructor(options: FramerOptions) {
    const inputRate = options.sampleRate;
    requireInteger('sampleRate', inputRate, 4000, 768_000);
    let decimation = inputRate > 32_000 ? Math.round(inputRate / 22_050) : 1;
    const defaultHop = decimation * Math.max(1, Math.round((0.0058 * inputRate) / decimation));
    const hopSize = options.hopSize ?? defaultHop;
    requireInteger('hopSize', hopSize, 1, inputRate);
    if (inputRate % decimation !== 0 || hopSize % decimation !== 0) decimation = 1;
    this.inputRate = inputRate;
    this.hopSize = hopSize;
    this.decimation = decimation;
    this.hop = hopSize / decimation;
    this.geometry = yinGeometry({ ...options, sampleRate: inputRate / decimation });
    this.resampler =
      decimation > 1
        ? new Resampler({
            inputRate,
            outputRate: inputRate / decimation,
            stopbandDb: 80,
            passband: 0.8,
          })
        : undefined;
    const half = Math.floor(this.geometry.windowSize / 2);
    this.buffer = new Float32Array(Math.max(1 << 15, 4 * this.geometry.frameSize));
    this.bufferStart = -half;
    this.bufferLength = half; // silence before the start
    this.frame = new Float32Array(this.geometry.frameSize);
  }

  /** Feeds samples; calls `onFrame` for each frame that is complete. */
  push(samples: Float32Array, onFrame: (frame: Float32Array) => void): void {
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i]!;
      if (!(Math.abs(x) < 1e30)) {
        const t = (this.inputSamples + i) / this.inputRate;
        throw new ZhiyinError(
          'CORRUPT_DATA',
          `The audio holds a non-finite or absurd sample (${x}) at ${t.toFixed(3)} s, so it has no pitch there: the file is damaged.`,
        );
      }
    }
    this.inputSamples += samples.length;
    this.append(this.resampler ? this.resampler.process(samples) : samples);
    this.emit(Infinity, onFrame);
  }

  /** Ends the stream: the remaining frames, up to the one centred on the last hop. */
  flush(onFrame: (frame: Float32Array) => void): void {
    if (this.resampler) this.append(this.resampler.flush());
    this.append(new Float32Array(this.geometry.frameSize)); // silence after the end
    this.emit(Math.floor(this.inputSamples / this.hopSize) + 1, onFrame);
  }

  /** Frames handed out so far. */
  get frames(): number {
    return this.framesOut;
  }

  private append(samples: Float32Array): void {
    if (this.bufferLength + samples.length > this.buffer.length) {
      const grown = new Float32Array(
        Math.max(this.buffer.length * 2, this.bufferLength + samples.length),
      );
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(samples, this.bufferLength);
    this.bufferLength += samples.length;
  }

  private emit(limit: number, onFrame: (frame: Float32Array) => void): void {
    const { frameSize, windowSize } = this.geometry;
    const half = Math.floor(windowSize / 2);
    while (this.framesOut < limit) {
      const offset = this.framesOut * this.hop - half - this.bufferStart;
      if (offset + frameSize > this.bufferLength) break;
      this.frame.set(this.buffer.subarray(offset, offset + frameSize));
      onFrame(this.frame);
      this.framesOut++;
    }
    // Drop samples no future frame needs.
    const keepFrom = this.framesOut * this.hop - half - this.bufferStart;
    if (keepFrom > 0) {
      const drop = Math.min(keepFrom, this.bufferLength);
      this.buffer.copyWithin(0, drop, this.bufferLength);
      this.bufferLength -= drop;
      this.bufferStart += drop;
    }
  }
}
