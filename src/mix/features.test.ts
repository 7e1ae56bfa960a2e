import { describe, expect, it } from 'vitest';
import { noise, sine } from '../../eval/signals.js';
import { convolveReverb, syntheticRoomImpulse } from './reverb.js';
import { dereverberate } from './dereverb.js';
import { describeSound } from './features.js';
import { shapeTransients } from './transient.js';

const SR = 44_100;
const stereo = (l: Float32Array, r = l) => ({ sampleRate: SR, channels: [l, r] });

describe('describeSound', () => {
  it('is independent of level', () => {
    const x = noise(SR * 2, 3, 0.3);
    const a = describeSound(stereo(x));
    const b = describeSound(stereo(x.map((v) => v * 2)));
    for (const k of Object.keys(a) as (keyof typeof a)[]) expect(b[k], k).toBeCloseTo(a[k], 6);
  });
  it("puts a sine's centroid at its frequency and white noise's tilt at +3 dB per octave", () => {
    expect(describeSound(stereo(sine(1000, SR, SR))).centroidHz).toBeCloseTo(1000, -1);
    // White noise has equal power per hertz: each octave band holds twice the last.
    expect(describeSound(stereo(noise(SR * 4, 5))).tiltDbPerOctave).toBeCloseTo(3.01, 0);
  });
  it('measures spaciousness 0 for identical channels, near 1 for independent noise', () => {
    const same = describeSound(stereo(noise(SR * 2, 1)));
    expect(same.spaciousness).toBeCloseTo(0, 6);
    expect(same.widthDb).toBe(-60);
    const apart = describeSound(stereo(noise(SR * 2, 1), noise(SR * 2, 2)));
    // Coherence over ~0.4 s blocks is biased up for independent signals (to about 0.25).
    expect(apart.spaciousness).toBeGreaterThan(0.7);
    expect(apart.widthDb).toBeCloseTo(0, 0);
  });
  it('refuses silence and audio shorter than half a second', () => {
    expect(() => describeSound(stereo(new Float32Array(SR)))).toThrow(/silent/);
    expect(() => describeSound(stereo(noise(1000, 1)))).toThrow(/half a second/);
  });
});

/** Decaying 440 Hz notes every 0.5 s: a sound with clear attacks. */
function notes(): Float32Array {
  return Float32Array.from({ length: SR * 3 }, (_, i) => {
    const t = (i % (SR / 2)) / SR;
    return (
      0.5 * Math.sin(2 * Math.PI * 440 * (i / SR)) * Math.min(1, t / 0.001) * Math.exp(-t / 0.15)
    );
  });
}

describe('shapeTransients', () => {
  it('leaves a steady tone alone and turns attacks up or down', () => {
    const tone = sine(440, SR, SR, 0.5);
    const same = shapeTransients(stereo(tone), { attackDb: 6 }).channels[0]!;
    // After the first attack has passed (0.2 s), the output equals the input.
    let worst = 0;
    for (let i = SR / 5; i < SR; i++) worst = Math.max(worst, Math.abs(same[i]! - tone[i]!));
    expect(worst).toBeLessThan(1e-4);
    const x = stereo(notes());
    const base = describeSound(x).transientDb;
    expect(describeSound(shapeTransients(x, { attackDb: 6 })).transientDb).toBeGreaterThan(
      base + 2,
    );
    // Softened attacks also move the loudest frame later, so the measured fall is smaller.
    expect(describeSound(shapeTransients(x, { attackDb: -6 })).transientDb).toBeLessThan(
      base - 0.2,
    );
    expect(() => shapeTransients(x, { attackDb: 20 })).toThrow(/−12 to 12 dB/);
  });
});

describe('dereverberate', () => {
  it("turns down a room's late tail and keeps the direct sound", () => {
    const dry = notes();
    const room = syntheticRoomImpulse({
      rt60Seconds: 1,
      sampleRate: SR,
      seed: 4,
      direct: false,
      reverberantDb: 0,
    });
    const wet = convolveReverb({ sampleRate: SR, channels: [dry, dry] }, room, {
      wetDb: -6,
      dryDb: 0,
    });
    const x = { sampleRate: SR, channels: wet.channels.map((c) => c.slice(0, dry.length)) };
    const y = dereverberate(x, { rt60Seconds: 1 });
    // Energy in the last 150 ms before each note (mostly tail) and in the first 30 ms (direct).
    const energy = (c: Float32Array, from: number, to: number) => {
      let e = 0;
      for (let n = 1; n < 6; n++)
        for (let i = n * (SR / 2) + from; i < n * (SR / 2) + to; i++) e += c[i]! ** 2;
      return e;
    };
    const tailDrop =
      10 *
      Math.log10(energy(x.channels[0]!, -0.15 * SR, 0) / energy(y.channels[0]!, -0.15 * SR, 0));
    const directDrop =
      10 * Math.log10(energy(x.channels[0]!, 0, 0.03 * SR) / energy(y.channels[0]!, 0, 0.03 * SR));
    expect(tailDrop).toBeGreaterThan(6);
    expect(Math.abs(directDrop)).toBeLessThan(1.5);
    expect(describeSound(y).spaciousness).toBeLessThan(describeSound(x).spaciousness);
  });
});
