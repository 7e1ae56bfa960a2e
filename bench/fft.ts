/**
 * FFT benchmark, the evidence for the backend choice in src/dsp/fft.ts: our JS kernel
 * (RealFft64) beside fft.js (pure JS, radix-4) and PFFFT compiled to WASM with SIMD
 * (@echogarden/pffft-wasm), real forward transforms at typical sizes. PFFFT is timed raw
 * (its kernel alone) and through our RealFft API, which includes the copies into and out of
 * its heap that real use needs.
 */
import FFTJS from 'fft.js';
import PFFFT from '@echogarden/pffft-wasm/simd';
import { RealFft } from '../src/dsp/index.js';
import { RealFft64 } from '../src/dsp/fft-kernel.js';
import { fmt, markdownTable, timeInterleaved } from './harness.js';

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

export async function benchFft(smoke: boolean): Promise<string> {
  const sizes = smoke ? [1024] : [256, 1024, 4096, 65536];
  const pffft = (await (PFFFT as unknown as () => Promise<PffftModule>)()) as PffftModule;
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const input = Float32Array.from(
      { length: n },
      (_, i) => Math.sin(i * 0.37) + 0.1 * Math.cos(i * 1.3),
    );
    const batch = Math.max(1, Math.round((smoke ? 2e5 : 4e6) / n)); // ~equal work per timed run
    const ours = new RealFft64(n);
    const api = new RealFft(n);
    const re = new Float64Array(n / 2 + 1),
      im = new Float64Array(n / 2 + 1);
    const fftjs = new FFTJS(n);
    const fftjsIn: number[] = Array.from(input);
    const fftjsOut = fftjs.createComplexArray();
    const setup = pffft._pffft_new_setup(n, 0);
    const pin = pffft._pffft_aligned_malloc(n * 4),
      pout = pffft._pffft_aligned_malloc(n * 4);
    const pwork = pffft._pffft_aligned_malloc(n * 4);
    const times = await timeInterleaved(
      [
        {
          name: 'ours',
          run: () => {
            for (let b = 0; b < batch; b++) ours.forward(input, re, im);
          },
        },
        {
          name: 'fft.js',
          run: () => {
            for (let b = 0; b < batch; b++) fftjs.realTransform(fftjsOut, fftjsIn);
          },
        },
        {
          name: 'pffft+copy',
          run: () => {
            for (let b = 0; b < batch; b++) api.forward(input, re, im);
          },
        },
        {
          name: 'pffft kernel',
          run: () => {
            for (let b = 0; b < batch; b++)
              pffft._pffft_transform_ordered(setup, pin, pout, pwork, 0);
          },
        },
      ],
      smoke ? 3 : 15,
    );
    const us = (name: string) => (times.get(name)! / batch) * 1e6;
    rows.push([
      n,
      fmt(us('ours')),
      fmt(us('fft.js')),
      fmt(us('pffft+copy')),
      fmt(us('pffft kernel')),
      fmt(us('fft.js') / us('ours'), 2),
      fmt(us('pffft+copy') / us('ours'), 2),
    ]);
  }
  return markdownTable(
    [
      'N (real)',
      'our JS kernel µs',
      'fft.js µs',
      'RealFft on PFFFT-WASM µs',
      'PFFFT kernel alone µs',
      'fft.js / ours',
      'RealFft(PFFFT) / ours',
    ],
    rows,
  );
}
