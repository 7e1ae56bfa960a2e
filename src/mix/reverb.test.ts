import { describe, expect, it } from 'vitest';
import { BiquadFilter, convolve, designBiquad } from '../dsp/index.js';
import {
  FdnReverb,
  convolveReverb,
  decayTimeSeconds,
  reverberate,
  syntheticRoomImpulse,
} from './index.js';

const impulseResponse = (
  settings: ConstructorParameters<typeof FdnReverb>[0],
  sr: number,
  seconds: number,
) => {
  const x = new Float32Array(Math.round(seconds * sr));
  x[0] = 1;
  return new FdnReverb({ dryDb: -Infinity, ...settings }, sr).process([x]);
};
const energy = (x: Float32Array) => x.reduce((s, v) => s + v * v, 0);

describe('FDN reverb', () => {
  for (const [rt60, sr] of [
    [0.5, 48_000],
    [1.2, 44_100],
    [2.5, 48_000],
  ] as const)
    it(`decays 60 dB in ${rt60} s (within 10 %) at ${sr} Hz, both channels`, () => {
      const [l, r] = impulseResponse({ rt60Seconds: rt60, highFrequencyRatio: 1 }, sr, rt60 * 1.5);
      for (const ch of [l, r]) {
        const t = decayTimeSeconds(ch, sr);
        expect(Math.abs(t / rt60 - 1)).toBeLessThan(0.1);
      }
    });

  it('decays faster at high frequencies when damped, and keeps the low-frequency time', () => {
    const sr = 48_000;
    const [l] = impulseResponse({ rt60Seconds: 1.5, highFrequencyRatio: 0.4 }, sr, 2.5);
    const band = (type: 'lowpass' | 'highpass', hz: number) => {
      const f = new BiquadFilter(designBiquad({ type, frequencyHz: hz, sampleRate: sr }));
      const g = new BiquadFilter(designBiquad({ type, frequencyHz: hz, sampleRate: sr }));
      return g.process(f.process(l));
    };
    const low = decayTimeSeconds(band('lowpass', 300), sr);
    const high = decayTimeSeconds(band('highpass', 10_000), sr);
    expect(Math.abs(low / 1.5 - 1)).toBeLessThan(0.1);
    expect(high).toBeLessThan(0.75 * low);
  });

  it('carries unit energy at 0 dB wet, scales with the wet level, and waits for the pre-delay', () => {
    const sr = 48_000;
    const [l0, r0] = impulseResponse(
      { rt60Seconds: 0.8, wetDb: 0, preDelaySeconds: 0.03 },
      sr,
      1.5,
    );
    expect((energy(l0) + energy(r0)) / 2).toBeCloseTo(1, 1);
    const [l1] = impulseResponse({ rt60Seconds: 0.8, wetDb: -12, preDelaySeconds: 0.03 }, sr, 1.5);
    expect(10 * Math.log10(energy(l1) / energy(l0))).toBeCloseTo(-12, 1);
    const first = l0.findIndex((v) => v !== 0);
    expect(first).toBeGreaterThanOrEqual(0.03 * sr);
  });

  it('is the same in blocks as whole, adds the dry signal, and refuses bad settings', () => {
    const sr = 44_100;
    const x = Float32Array.from({ length: sr }, (_, i) => Math.sin(i / 7) * (i < 2000 ? 1 : 0));
    const whole = new FdnReverb({ rt60Seconds: 1 }, sr).process([x]);
    const r = new FdnReverb({ rt60Seconds: 1 }, sr);
    const parts: Float32Array[][] = [];
    for (let i = 0; i < x.length; i += 1000) parts.push(r.process([x.subarray(i, i + 1000)]));
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p[0]!)));
    expect(joined).toEqual(whole[0]);
    const dryOnly = new FdnReverb({ rt60Seconds: 1, wetDb: -200 }, sr).process([x])[1]!;
    for (let i = 0; i < 2000; i += 97) expect(dryOnly[i]).toBeCloseTo(x[i]!, 6);
    const tail = reverberate({ sampleRate: sr, channels: [x] }, { rt60Seconds: 0.5 });
    expect(tail.channels[0]!.length).toBe(x.length + 0.5 * sr);
    expect(() => new FdnReverb({ rt60Seconds: 0 }, sr)).toThrow(/decay time/);
    expect(() => new FdnReverb({ rt60Seconds: 1, size: 9 }, sr)).toThrow(/size/);
  });
});

describe('convolution reverb and synthetic rooms', () => {
  it('a synthetic room decays in its T60 (within 10 %) with decorrelated channels', () => {
    for (const rt60 of [0.3, 0.9, 2]) {
      const [l, r] = syntheticRoomImpulse({
        rt60Seconds: rt60,
        sampleRate: 48_000,
        seed: 3,
        direct: false,
      });
      expect(Math.abs(decayTimeSeconds(l!, 48_000) / rt60 - 1)).toBeLessThan(0.1);
      let lr = 0;
      for (let i = 0; i < l!.length; i++) lr += l![i]! * r![i]!;
      expect(Math.abs(lr) / Math.sqrt(energy(l!) * energy(r!))).toBeLessThan(0.1);
    }
  });

  it('is exact linear convolution with wet and dry levels', () => {
    const x = Float32Array.from(
      { length: 3000 },
      (_, i) => Math.sin(i * 0.01) + (i % 17 === 0 ? 0.5 : 0),
    );
    const ir = [Float32Array.from({ length: 700 }, (_, i) => Math.exp(-i / 100) * Math.cos(i))];
    const y = convolveReverb({ sampleRate: 48_000, channels: [x] }, ir, { wetDb: -6, dryDb: 0 });
    const ref = convolve(x, ir[0]!);
    expect(y.channels[0]!.length).toBe(x.length + 699);
    const g = 10 ** (-6 / 20);
    for (let i = 0; i < ref.length; i += 13)
      expect(y.channels[1]![i]).toBeCloseTo(g * ref[i]! + (i < x.length ? x[i]! : 0), 4);
  });
});
