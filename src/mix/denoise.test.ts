import { describe, expect, it } from 'vitest';
import { noise } from '../../eval/signals.js';
import { reduceNoise } from './index.js';

const SR = 44_100;
const level = (x: Float32Array, from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return 10 * Math.log10(s / (to - from));
};
/** Tone bursts (1 kHz, 0.5 s on, 0.5 s off) over steady white noise. */
function burstsInNoise(
  seconds: number,
  noiseAmp: number,
  seed = 1,
): { x: Float32Array; on: (i: number) => boolean } {
  const n = seconds * SR;
  const hiss = noise(n, seed, noiseAmp);
  const on = (i: number) => i % SR < SR / 2 && i > SR;
  const x = Float32Array.from(
    hiss,
    (v, i) => v + (on(i) ? 0.3 * Math.sin((2 * Math.PI * 1000 * i) / SR) : 0),
  );
  return { x, on };
}

describe('spectral-gating noise reducer', () => {
  it('turns the noise between notes down by most of its range and keeps the notes within 0.5 dB', () => {
    const { x } = burstsInNoise(10, 0.01);
    const { audio, report } = reduceNoise({ sampleRate: SR, channels: [x] }, { reductionDb: 24 });
    const y = audio.channels[0]!;
    let gapDrop = 0,
      noteChange = 0;
    for (let s = 2; s < 9; s++) {
      const gap = [s * SR + 0.6 * SR, s * SR + 0.9 * SR] as const;
      const note = [s * SR + 0.1 * SR, s * SR + 0.4 * SR] as const;
      gapDrop += (level(x, ...gap) - level(y, ...gap)) / 7;
      noteChange += (level(y, ...note) - level(x, ...note)) / 7;
    }
    expect(gapDrop).toBeGreaterThan(18);
    expect(Math.abs(noteChange)).toBeLessThan(0.5);
    expect(report.quietFramesReductionDb).toBeGreaterThan(15);
  });

  it('follows noise that changes level between sections', () => {
    const n = 24 * SR;
    const hiss = noise(n, 5, 1);
    const x = Float32Array.from(
      hiss,
      (v, i) => v * (i < 12 * SR ? 0.003 : 0.03) + (i % SR < SR / 2 ? 0.3 * Math.sin(i / 5) : 0),
    );
    const y = reduceNoise({ sampleRate: SR, channels: [x] }, { profileSeconds: 4 }).audio
      .channels[0]!;
    for (const start of [4.6, 18.6]) {
      const gap = [Math.round(start * SR), Math.round((start + 0.3) * SR)] as const;
      expect(level(x, ...gap) - level(y, ...gap)).toBeGreaterThan(15);
    }
  });

  it('reconstructs the input where nothing is gated, applies one mask to all channels, and refuses bad settings', () => {
    const x = noise(3 * SR, 2, 0.3);
    const y = reduceNoise({ sampleRate: SR, channels: [x] }, { reductionDb: 1e-9 }).audio
      .channels[0]!;
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(y[i]! - x[i]!));
    expect(worst).toBeLessThan(1e-5);
    const { x: left } = burstsInNoise(4, 0.01, 3);
    const right = left.map((v) => 0.5 * v);
    const [l, r] = reduceNoise({ sampleRate: SR, channels: [left, right] }).audio.channels;
    for (let i = 0; i < l!.length; i += 37) expect(r![i]).toBeCloseTo(0.5 * l![i]!, 5);
    expect(() => reduceNoise({ sampleRate: SR, channels: [x] }, { reductionDb: 0 })).toThrow(
      /reduction/,
    );
    expect(() =>
      reduceNoise({ sampleRate: SR, channels: [x] }, { frequencySmoothBins: 2.5 }),
    ).toThrow(/smoothing/);
  });
});
