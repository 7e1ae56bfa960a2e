/**
 * Short-time Fourier transform and its inverse by weighted overlap-add.
 *
 * Analysis frames the signal with a window every `hopSize` samples and takes a real FFT of
 * each frame. Synthesis windows each inverse frame again, overlap-adds, and divides by the
 * summed squared window (Griffin & Lim 1984), which reconstructs the input exactly (to float
 * rounding) for any window and hop whose squared windows overlap everywhere (the NOLA
 * condition; every window here satisfies it at hop ≤ size/2). With `center` (default) the
 * signal is zero-padded by half a frame at both ends, so frame f is centred on sample f·hop
 * and the first and last samples are reconstructed too.
 */
import { ZhiyinError, requireInteger } from '../errors/index.js';
import { RealFft } from './fft.js';
import { makeWindow, type WindowName } from './window.js';

/** Options of {@link stft}. */
export interface StftOptions {
  /** Frame and FFT length in samples, a power of two (default 2048). */
  fftSize?: number;
  /** Samples between frame starts (default fftSize/4). */
  hopSize?: number;
  /** Analysis (and synthesis) window (default 'hann', periodic). */
  window?: WindowName;
  /** Pad half a frame of zeros at both ends so frames centre on f·hop (default true). */
  center?: boolean;
}

/** A complex spectrogram, frame-major: bin b of frame f is at index f·bins + b. */
export interface Spectrogram {
  fftSize: number;
  hopSize: number;
  window: WindowName;
  center: boolean;
  /** Length of the analysed signal, so {@link istft} can restore it exactly. */
  signalLength: number;
  frames: number;
  /** fftSize/2 + 1 */
  bins: number;
  re: Float32Array;
  im: Float32Array;
}

function resolve(options: StftOptions): Required<StftOptions> {
  const fftSize = options.fftSize ?? 2048;
  const hopSize = options.hopSize ?? fftSize / 4;
  requireInteger('fftSize', fftSize, 2, 1 << 24);
  requireInteger('hopSize', hopSize, 1, fftSize);
  return { fftSize, hopSize, window: options.window ?? 'hann', center: options.center ?? true };
}

/**
 * STFT of a mono signal.
 * @example const spec = stft(samples, { fftSize: 1024, hopSize: 256 });
 */
export function stft(signal: Float32Array, options: StftOptions = {}): Spectrogram {
  const { fftSize, hopSize, window, center } = resolve(options);
  const pad = center ? fftSize / 2 : 0;
  const frames = center
    ? Math.floor(signal.length / hopSize) + 1
    : signal.length >= fftSize
      ? Math.floor((signal.length - fftSize) / hopSize) + 1
      : 0;
  const bins = fftSize / 2 + 1;
  const w = makeWindow(window, fftSize);
  const fft = new RealFft(fftSize);
  const frame = new Float32Array(fftSize);
  const re = new Float32Array(frames * bins),
    im = new Float32Array(frames * bins);
  const fr = new Float64Array(bins),
    fi = new Float64Array(bins);
  for (let f = 0; f < frames; f++) {
    const start = f * hopSize - pad; // index into the unpadded signal
    for (let i = 0; i < fftSize; i++) {
      const t = start + i;
      frame[i] = t >= 0 && t < signal.length ? signal[t]! * w[i]! : 0;
    }
    fft.forward(frame, fr, fi);
    re.set(fr, f * bins);
    im.set(fi, f * bins);
  }
  return { fftSize, hopSize, window, center, signalLength: signal.length, frames, bins, re, im };
}

/**
 * Inverse STFT by weighted overlap-add; returns `spec.signalLength` samples (or `length`).
 * @example const y = istft(stft(x)); // y ≈ x
 */
export function istft(spec: Spectrogram, options: { length?: number } = {}): Float32Array {
  const { fftSize, hopSize, window, center, frames, bins } = spec;
  if (spec.re.length !== frames * bins || spec.im.length !== frames * bins) {
    throw new ZhiyinError('INVALID_ARGUMENT', 'Spectrogram arrays do not match frames × bins.');
  }
  const length = options.length ?? spec.signalLength;
  const pad = center ? fftSize / 2 : 0;
  const w = makeWindow(window, fftSize);
  const fft = new RealFft(fftSize);
  const acc = new Float64Array(length + 2 * pad + fftSize);
  const norm = new Float64Array(acc.length);
  const frame = new Float64Array(fftSize);
  for (let f = 0; f < frames; f++) {
    fft.inverse(
      spec.re.subarray(f * bins, (f + 1) * bins),
      spec.im.subarray(f * bins, (f + 1) * bins),
      frame,
    );
    const start = f * hopSize;
    for (let i = 0; i < fftSize; i++) {
      acc[start + i]! += frame[i]! * w[i]!;
      norm[start + i]! += w[i]! * w[i]!;
    }
  }
  const out = new Float32Array(length);
  for (let t = 0; t < length; t++) {
    const n = norm[t + pad]!;
    out[t] = n > 1e-10 ? acc[t + pad]! / n : 0;
  }
  return out;
}
