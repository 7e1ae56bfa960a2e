/**
 * DSP core: math on sample arrays, with no knowledge of files or containers.
 *
 * FFTs, windows, STFT/ISTFT, biquad filters, FFT convolution, the polyphase resampling kernel
 * and unit helpers. Pure TypeScript, no Node built-ins: it runs in browsers and workers too.
 */
export * from './units.js';
export * from './window.js';
export * from './fft.js';
export * from './stft.js';
export * from './biquad.js';
export * from './convolution.js';
export * from './resample.js';
export * from './decimate.js';
