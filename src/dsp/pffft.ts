/**
 * Real FFT on PFFFT (Pommier's "pretty fast FFT", BSD), compiled to WebAssembly with SIMD by
 * the Echogarden project (@echogarden/pffft-wasm). Single precision.
 *
 * Chosen by benchmark (BENCHMARKS.md, "FFT"): 5–7× faster than our JS kernel and 2.5–4×
 * faster than fft.js at 256–65,536 points, copies in and out of the WASM heap included. The module loads once, at import, with a
 * top-level await; where WebAssembly SIMD is unavailable `pffftAvailable()` is false and
 * callers use the JS kernel. Buffers are shared per size: transforms are synchronous and JS
 * runs one call at a time per thread, so one set of heap buffers per size is enough and
 * nothing needs freeing.
 */
import PFFFT from '@echogarden/pffft-wasm/simd';
import type { RealArray } from './fft-kernel.js';

interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, kind: number): number;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_transform_ordered(
    setup: number,
    input: number,
    output: number,
    work: number,
    direction: number,
  ): void;
}

const REAL = 0;
const FORWARD = 0;
const BACKWARD = 1;

let pffft: PffftModule | undefined;
try {
  pffft = (await PFFFT()) as PffftModule;
} catch {
  pffft = undefined; // no WebAssembly SIMD here: RealFft falls back to the JS kernel
}

/** True when the WASM kernel loaded. */
export function pffftAvailable(): boolean {
  return pffft !== undefined;
}

/** PFFFT's real transforms need N to be a multiple of 32 (with SIMD); we use powers of two. */
export function pffftSupports(size: number): boolean {
  return pffft !== undefined && size >= 32;
}

interface SizeContext {
  setup: number;
  input: number; // float offsets into HEAPF32
  output: number;
  work: number;
  inputPtr: number;
  outputPtr: number;
  workPtr: number;
}

const contexts = new Map<number, SizeContext>();

function contextFor(size: number): SizeContext {
  let ctx = contexts.get(size);
  if (!ctx) {
    const m = pffft!;
    const setup = m._pffft_new_setup(size, REAL);
    const inputPtr = m._pffft_aligned_malloc(size * 4);
    const outputPtr = m._pffft_aligned_malloc(size * 4);
    const workPtr = m._pffft_aligned_malloc(size * 4);
    ctx = {
      setup,
      inputPtr,
      outputPtr,
      workPtr,
      input: inputPtr >> 2,
      output: outputPtr >> 2,
      work: workPtr >> 2,
    };
    contexts.set(size, ctx);
  }
  return ctx;
}

/** Forward real FFT of `input` (zero-padded to `size`) into N/2+1 bins. */
export function pffftForward(
  size: number,
  input: ArrayLike<number>,
  outRe: RealArray,
  outIm: RealArray,
): void {
  const m = pffft!;
  const ctx = contextFor(size);
  let heap = m.HEAPF32;
  const len = Math.min(size, input.length);
  if (input instanceof Float32Array) {
    heap.set(len === input.length ? input : input.subarray(0, len), ctx.input);
  } else {
    for (let i = 0; i < len; i++) heap[ctx.input + i] = input[i]!;
  }
  if (len < size) heap.fill(0, ctx.input + len, ctx.input + size);
  m._pffft_transform_ordered(ctx.setup, ctx.inputPtr, ctx.outputPtr, ctx.workPtr, FORWARD);
  heap = m.HEAPF32;
  const o = ctx.output;
  const half = size / 2;
  // Ordered real output: [X0, X(N/2), re1, im1, re2, im2, ...]
  outRe[0] = heap[o]!;
  outIm[0] = 0;
  outRe[half] = heap[o + 1]!;
  outIm[half] = 0;
  for (let k = 1; k < half; k++) {
    outRe[k] = heap[o + 2 * k]!;
    outIm[k] = heap[o + 2 * k + 1]!;
  }
}

/** Inverse real FFT (scaled by 1/N) of N/2+1 bins into `output` (length ≥ size). */
export function pffftInverse(
  size: number,
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  output: RealArray,
): void {
  const m = pffft!;
  const ctx = contextFor(size);
  let heap = m.HEAPF32;
  const i0 = ctx.input;
  const half = size / 2;
  heap[i0] = re[0]!;
  heap[i0 + 1] = re[half]!;
  for (let k = 1; k < half; k++) {
    heap[i0 + 2 * k] = re[k]!;
    heap[i0 + 2 * k + 1] = im[k]!;
  }
  m._pffft_transform_ordered(ctx.setup, ctx.inputPtr, ctx.outputPtr, ctx.workPtr, BACKWARD);
  heap = m.HEAPF32;
  const scale = 1 / size;
  const o = ctx.output;
  for (let i = 0; i < size; i++) output[i] = heap[o + i]! * scale;
}

/** Forward real FFT into PFFFT's ordered packing [X0, X(N/2), re1, im1, re2, im2, …] (length N). */
export function pffftForwardPacked(
  size: number,
  input: Float32Array,
  out: Float32Array | Float64Array,
): void {
  const m = pffft!;
  const ctx = contextFor(size);
  let heap = m.HEAPF32;
  const len = Math.min(size, input.length);
  heap.set(len === input.length ? input : input.subarray(0, len), ctx.input);
  if (len < size) heap.fill(0, ctx.input + len, ctx.input + size);
  m._pffft_transform_ordered(ctx.setup, ctx.inputPtr, ctx.outputPtr, ctx.workPtr, FORWARD);
  heap = m.HEAPF32;
  out.set(heap.subarray(ctx.output, ctx.output + size));
}

/** Inverse of {@link pffftForwardPacked}, scaled by 1/N. */
export function pffftInversePacked(
  size: number,
  packed: Float32Array | Float64Array,
  output: RealArray,
): void {
  const m = pffft!;
  const ctx = contextFor(size);
  let heap = m.HEAPF32;
  heap.set(packed.subarray(0, size), ctx.input);
  m._pffft_transform_ordered(ctx.setup, ctx.inputPtr, ctx.outputPtr, ctx.workPtr, BACKWARD);
  heap = m.HEAPF32;
  const scale = 1 / size;
  const o = ctx.output;
  for (let i = 0; i < size; i++) output[i] = heap[o + i]! * scale;
}
