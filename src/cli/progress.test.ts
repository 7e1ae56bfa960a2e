import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from './progress.js';

describe('createProgress', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('draws after half a second, at most ten times a second, and clears its line', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation(
      (s: string | Uint8Array) => (writes.push(String(s)), true),
    );
    const bar = createProgress('decoding', true);
    bar.update(0.1); // too early: short jobs stay quiet
    expect(writes).toHaveLength(0);
    vi.advanceTimersByTime(600);
    bar.update(0.5);
    bar.update(0.51); // within 100 ms: skipped
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\rdecoding \[#{15}-{15}\] {2}50%$/);
    bar.done();
    expect(writes[1]).toMatch(/^\r\s+\r$/);
  });

  it('stays silent when disabled (output not a terminal)', () => {
    const spy = vi.spyOn(process.stderr, 'write');
    const bar = createProgress('x', false);
    bar.update(0.5);
    bar.done();
    expect(spy).not.toHaveBeenCalled();
  });
});
