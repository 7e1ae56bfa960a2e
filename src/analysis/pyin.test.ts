import { describe, expect, it } from 'vitest';
import { PyinTracker, concatTracks, pyin } from './pyin.js';
import { noise } from '../../eval/signals.js';

const SR = 44_100;

/** A harmonic tone following f0(t), with given amplitudes of harmonics 1, 2, 3… */
function tone(
  f0: (t: number) => number,
  seconds: number,
  harmonics = [0.3, 0.2, 0.1],
): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR));
  let phase = 0;
  for (let i = 0; i < x.length; i++) {
    phase += (2 * Math.PI * f0(i / SR)) / SR;
    let v = 0;
    harmonics.forEach((a, h) => (v += a * Math.sin((h + 1) * phase)));
    x[i] = v;
  }
  return x;
}

/** |error| in cents of voiced frames between `from` and `to` seconds. */
function errors(
  track: ReturnType<typeof pyin>,
  f0: (t: number) => number,
  from: number,
  to: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < track.times.length; i++) {
    const t = track.times[i]!;
    if (t < from || t > to) continue;
    out.push(track.voiced[i] ? Math.abs(1200 * Math.log2(track.f0Hz[i]! / f0(t))) : Infinity);
  }
  return out.sort((a, b) => a - b);
}

describe('pyin', () => {
  // Precision: parabolic refinement at the ~22 kHz analysis rate; near 2 kHz a period is only
  // 12 samples long and the median error grows to about 3 cents.
  const steady: [number, number][] = [
    [66, 1],
    [110, 1],
    [261.63, 1],
    [440, 1],
    [987.77, 1],
    [1800, 3],
  ];
  for (const [hz, cents] of steady) {
    it(`tracks a steady ${hz} Hz tone to within ${cents} cent(s)`, () => {
      const track = pyin(
        tone(() => hz, 1),
        { sampleRate: SR },
      );
      const e = errors(track, () => hz, 0.1, 0.9);
      expect(e.every((v) => v < 50)).toBe(true); // every frame voiced and right
      expect(e[e.length >> 1]).toBeLessThan(cents);
    });
  }

  it('follows a 6 Hz, ±50 cent vibrato (one note, every frame voiced)', () => {
    const f0 = (t: number) => 440 * Math.pow(2, (50 * Math.sin(2 * Math.PI * 6 * t)) / 1200);
    const track = pyin(tone(f0, 2), { sampleRate: SR });
    const e = errors(track, f0, 0.1, 1.9);
    expect(e[e.length - 1]).toBeLessThan(50);
    expect(e[e.length >> 1]).toBeLessThan(5);
  });

  it('jumps between notes at once (a trill of a whole tone at 8 Hz)', () => {
    const f0 = (t: number) => (Math.floor(t * 16) % 2 ? 587.33 : 523.25);
    const track = pyin(tone(f0, 1.5), { sampleRate: SR });
    const e = errors(track, f0, 0.1, 1.4);
    // Notes change every 62.5 ms (10.8 frames); a frame whose 28 ms window straddles a change
    // (about 2 of each 10.8 at the frame-centre reference) may report either note.
    const right = e.filter((v) => v < 50).length / e.length;
    expect(right).toBeGreaterThan(0.75);
  });

  it('finds silence and noise unvoiced', () => {
    const quiet = pyin(new Float32Array(SR), { sampleRate: SR });
    expect(quiet.voiced.every((v) => v === 0)).toBe(true);
    expect(quiet.f0Hz.every((v) => Number.isNaN(v))).toBe(true);
    const hiss = pyin(noise(SR, 5, 0.3), { sampleRate: SR });
    const voiced = hiss.voiced.reduce((s, v) => s + v, 0) / hiss.voiced.length;
    expect(voiced).toBeLessThan(0.1);
  });

  it('frames the signal at every hop, centred, and streams to the same result', () => {
    const x = tone((t) => 220 + 100 * t, 2);
    const whole = pyin(x, { sampleRate: SR });
    expect(whole.times.length).toBe(Math.floor(x.length / 256) + 1);
    expect(whole.times[10]).toBeCloseTo((10 * 256) / SR, 12);
    const t = new PyinTracker({ sampleRate: SR, lagSeconds: 0.5 });
    const parts = [];
    for (let i = 0; i < x.length; i += 3001) parts.push(t.push(x.subarray(i, i + 3001)));
    parts.push(t.flush());
    const streamed = concatTracks(parts);
    expect(Array.from(streamed.f0Hz)).toEqual(Array.from(whole.f0Hz));
  });

  it('validates its options', () => {
    expect(() => pyin(new Float32Array(10), { sampleRate: SR, fminHz: 5 })).toThrow(/fminHz/);
    expect(() => pyin(new Float32Array(10), { sampleRate: SR, fminHz: 500, fmaxHz: 400 })).toThrow(
      /fmaxHz/,
    );
    expect(() => pyin(new Float32Array(10), { sampleRate: SR, hopSize: 0 })).toThrow(/hopSize/);
  });

  it('handles a 1-sample and an empty input', () => {
    expect(pyin(new Float32Array(1), { sampleRate: SR }).times.length).toBe(1);
    expect(pyin(new Float32Array(0), { sampleRate: SR }).times.length).toBe(1);
  });
});
