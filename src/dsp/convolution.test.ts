import { describe, expect, it } from 'vitest';
import { PartitionedConvolver, convolve } from './convolution.js';
import { noise } from '../../eval/signals.js';

function direct(a: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) out[i + j]! += a[i]! * b[j]!;
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('convolve', () => {
  it('convolves tiny inputs directly', () => {
    expect(Array.from(convolve(new Float32Array([1, 2]), new Float32Array([1, 1])))).toEqual([
      1, 3, 2,
    ]);
    expect(convolve(new Float32Array(0), new Float32Array([1])).length).toBe(0);
  });

  it('matches direct convolution with FFT', () => {
    const a = noise(3000, 1),
      b = noise(700, 2);
    expect(maxAbsDiff(convolve(a, b), direct(a, b))).toBeLessThan(1e-4);
  });
});

describe('PartitionedConvolver', () => {
  for (const [irLength, blockSize] of [
    [1, 16],
    [100, 64],
    [5000, 256],
    [4096, 512],
  ] as const) {
    it(`equals direct convolution in odd-sized chunks (IR ${irLength}, block ${blockSize})`, () => {
      const ir = noise(irLength, 7, 0.2),
        x = noise(9000, 8);
      const conv = new PartitionedConvolver(ir, { blockSize });
      const parts: Float32Array[] = [];
      for (let i = 0; i < x.length;) {
        const n = 1 + ((i * 7919) % 1300);
        parts.push(conv.process(x.subarray(i, i + n)));
        i += n;
      }
      parts.push(conv.flush());
      const y = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) {
        y.set(p, o);
        o += p.length;
      }
      expect(maxAbsDiff(y, direct(x, ir))).toBeLessThan(2e-5);
    });
  }

  it('returns nothing for no input', () => {
    expect(new PartitionedConvolver(noise(100)).flush().length).toBe(0);
  });

  it('requires a power-of-two block size', () => {
    expect(() => new PartitionedConvolver(noise(10), { blockSize: 100 })).toThrow(
      /blockSize must be a power of two/,
    );
  });
});
