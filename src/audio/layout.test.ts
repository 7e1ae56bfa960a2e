import { describe, expect, it } from 'vitest';
import { channelPositions, defaultChannelMask, remixMatrix } from './layout.js';
import { remix } from './ops.js';

const H = Math.SQRT1_2;

describe('channel layouts', () => {
  it('knows the usual layout for each channel count', () => {
    expect(channelPositions(1)).toEqual(['FC']);
    expect(channelPositions(6)).toEqual(['FL', 'FR', 'FC', 'LFE', 'BL', 'BR']);
    expect(channelPositions(7)).toEqual(['FL', 'FR', 'FC', 'LFE', 'BC', 'SL', 'SR']);
    expect(channelPositions(8)).toEqual(['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'SL', 'SR']);
    expect(channelPositions(4, 0x107)).toEqual(['FL', 'FR', 'FC', 'BC']);
    expect(channelPositions(3, 0x3)).toEqual(['FL', 'FR', undefined]); // more channels than mask bits
    expect(defaultChannelMask(12)).toBe(0);
  });
});

describe('remixMatrix', () => {
  it('down-mixes 5.1 to stereo per ITU-R BS.775 (LFE dropped)', () => {
    expect(remixMatrix(6, 2)).toEqual([
      [1, 0, H, 0, H, 0],
      [0, 1, H, 0, 0, H],
    ]);
  });

  it('keeps every speaker of 7.1, quad, 3.0 and 6.1 in a stereo down-mix', () => {
    expect(remixMatrix(8, 2)).toEqual([
      [1, 0, H, 0, H, 0, H, 0],
      [0, 1, H, 0, 0, H, 0, H],
    ]);
    expect(remixMatrix(4, 2)).toEqual([
      [1, 0, H, 0],
      [0, 1, 0, H],
    ]);
    expect(remixMatrix(3, 2)).toEqual([
      [1, 0, H],
      [0, 1, H],
    ]);
    expect(remixMatrix(7, 2)[0]).toEqual([1, 0, H, 0, 0.5, H, 0]);
  });

  it('mixes to mono as the mean of the stereo down-mix, and a distinct tone per channel survives', () => {
    expect(remixMatrix(2, 1)).toEqual([[0.5, 0.5]]);
    const tones = Array.from({ length: 8 }, (_, c) =>
      Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * (c + 1) * 0.1)),
    );
    const mono = remix({ sampleRate: 48000, channels: tones }, remixMatrix(8, 1)).channels[0]!;
    const m = remixMatrix(8, 1)[0]!;
    expect(m[3]).toBe(0); // LFE
    for (let c = 0; c < 8; c++) if (c !== 3) expect(m[c]).toBeGreaterThan(0.3);
    expect(mono[10]).toBeCloseTo(
      tones.reduce((s, t, c) => s + m[c]! * t[10]!, 0),
      6,
    );
  });

  it('up-mixes by speaker position', () => {
    expect(remixMatrix(1, 2)).toEqual([[1], [1]]);
    expect(remixMatrix(1, 6).map((r) => r[0])).toEqual([0, 0, 1, 0, 0, 0]); // mono → centre
    expect(remixMatrix(2, 6).map((r) => r.join(','))).toEqual([
      '1,0',
      '0,1',
      '0,0',
      '0,0',
      '0,0',
      '0,0',
    ]);
    const m = remixMatrix(6, 8); // 5.1 → 7.1: every 5.1 speaker exists in 7.1
    expect(m.map((r) => r.indexOf(1))).toEqual([0, 1, 2, 3, 4, 5, -1, -1]);
  });

  it('refuses mixes with no standard answer instead of dropping channels', () => {
    expect(() => remixMatrix(8, 6)).toThrow(/mono or stereo/); // 7.1 → 5.1: SL/SR have no place
    expect(() => remixMatrix(12, 2)).toThrow(/no standard down-mix of 12 channels/);
    expect(() => remixMatrix(2, 0)).toThrow(/output channels/);
  });
});
