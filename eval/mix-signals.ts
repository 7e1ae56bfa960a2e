/**
 * Seeded test material for the mixing tools, synthesised so that tests, the evaluation and
 * the benchmark need no downloads: a sung phrase (eval/performance's voice with formants),
 * a drum loop (swept-sine kick, noise snare, hi-hats), a bass line, plucked notes
 * (Karplus–Strong), keyboard chords and a string pad, each placed in a light synthetic room
 * and panned, so every signal is stereo with some width and some reverberation.
 */
import { BiquadFilter, designBiquad, midiToHz } from '../src/dsp/index.js';
import { convolveReverb, syntheticRoomImpulse } from '../src/mix/index.js';
import type { PlanarAudio } from '../src/audio/index.js';
import { makePhrase, render } from './performance/synth.js';
import { seededRandom } from './signals.js';

export type StemName = 'vocal' | 'drums' | 'bass' | 'plucked' | 'keys' | 'pad';

const PENTATONIC = [0, 2, 4, 7, 9];

function envelope(t: number, attack: number, decay: number): number {
  return t < 0 ? 0 : t < attack ? t / attack : Math.exp(-(t - attack) / decay);
}

/** A mono stem of `seconds` at `sampleRate`, seeded. */
export function monoStem(
  name: StemName,
  seconds: number,
  sampleRate: number,
  seed = 1,
): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const rnd = seededRandom(seed * 7 + name.length);
  const beat = 0.6; // 100 bpm
  const out = new Float32Array(n);
  const add = (start: number, length: number, f: (t: number) => number) => {
    const a = Math.round(start * sampleRate);
    for (let i = 0; i < Math.round(length * sampleRate) && a + i < n; i++)
      out[a + i]! += f(i / sampleRate);
  };
  if (name === 'vocal') {
    // Phrases of about 6 s with breaths between them.
    for (let start = 0.5, k = 0; start < seconds - 1; start += 7, k++) {
      const phrase = makePhrase(seed * 100 + k, {
        seconds: Math.min(6, seconds - start - 0.5),
        sampleRate,
      });
      const x = render(phrase, 'voice', seed * 100 + k);
      const a = Math.round(start * sampleRate);
      for (let i = 0; i < x.length && a + i < n; i++) out[a + i] = 0.5 * x[i]!;
    }
  } else if (name === 'drums') {
    for (let b = 0; b * beat < seconds; b++) {
      const t0 = b * beat;
      if (b % 2 === 0)
        add(
          t0,
          0.4,
          (t) =>
            0.9 *
            Math.sin(2 * Math.PI * (45 * t + (80 / 30) * (1 - Math.exp(-30 * t)))) *
            envelope(t, 0.002, 0.12),
        );
      else
        add(
          t0,
          0.25,
          (t) =>
            (0.5 * (rnd() * 2 - 1) + 0.3 * Math.sin(2 * Math.PI * 185 * t)) *
            envelope(t, 0.001, 0.06),
        );
      for (const off of [0, beat / 2])
        add(t0 + off, 0.06, (t) => 0.15 * (rnd() * 2 - 1) * envelope(t, 0.0005, 0.012));
    }
    // Hi-hats and snare noise are bright: a high-pass keeps the hats thin.
  } else if (name === 'bass') {
    for (let b = 0; b * beat < seconds; b++) {
      const hz = midiToHz(38 + PENTATONIC[(b * 3 + seed) % 5]!);
      add(b * beat, beat, (t) => {
        let v = 0;
        for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * hz * h * t) / h;
        return 0.35 * v * envelope(t, 0.005, 0.4) * Math.min(1, (beat - t) / 0.01);
      });
    }
  } else if (name === 'plucked') {
    // Karplus–Strong strings, one note per half beat.
    for (let k = 0; k * (beat / 2) < seconds; k++) {
      const hz = midiToHz(62 + PENTATONIC[Math.floor(rnd() * 5)]! + 12 * Math.floor(rnd() * 2));
      const period = Math.max(2, Math.round(sampleRate / hz));
      const line = Float32Array.from({ length: period }, () => rnd() * 2 - 1);
      let p = 0;
      add(k * (beat / 2), 1.2, () => {
        const v = line[p]!;
        const next = line[(p + 1) % period]!;
        line[p] = 0.996 * 0.5 * (v + next);
        p = (p + 1) % period;
        return 0.4 * v;
      });
    }
  } else if (name === 'keys') {
    for (let bar = 0; bar * 4 * beat < seconds; bar++) {
      const root = 50 + [0, 5, 7, 3][bar % 4]!;
      for (const iv of [0, 4, 7, 12]) {
        const hz = midiToHz(root + iv + 12);
        add(bar * 4 * beat, 4 * beat, (t) => {
          let v = 0;
          for (let h = 1; h <= 6; h++)
            v += (Math.sin(2 * Math.PI * hz * h * t) / h ** 1.5) * Math.exp(-t * h * 0.8);
          return 0.12 * v * envelope(t, 0.004, 1.5);
        });
      }
    }
  } else {
    for (let bar = 0; bar * 4 * beat < seconds; bar++) {
      const root = 57 + [0, 5, 7, 3][bar % 4]!;
      for (const iv of [0, 7, 16]) {
        const hz = midiToHz(root + iv);
        add(bar * 4 * beat, 4 * beat + 0.3, (t) => {
          let v = 0;
          for (const detune of [0.997, 1.003])
            for (let h = 1; h <= 12; h++) v += Math.sin(2 * Math.PI * hz * detune * h * t + h) / h;
          return 0.05 * v * Math.min(1, t / 0.4) * Math.min(1, (4 * beat + 0.3 - t) / 0.3);
        });
      }
    }
  }
  if (name === 'drums') {
    // Take the rumble out of the noise parts (as a drum mic's high-pass would).
    new BiquadFilter(designBiquad({ type: 'highpass', frequencyHz: 30, sampleRate })).process(
      out,
      out,
    );
  }
  return out;
}

const PANS: Record<StemName, number> = {
  vocal: 0,
  drums: 0,
  bass: 0,
  plucked: -0.4,
  keys: 0.35,
  pad: -0.2,
};

/** A stereo stem: the mono stem panned (constant power) in a light room (T60 0.5 s, −14 dB). */
export function stereoStem(
  name: StemName,
  seconds: number,
  sampleRate: number,
  seed = 1,
): PlanarAudio {
  const x = monoStem(name, seconds, sampleRate, seed);
  const angle = ((PANS[name] + 1) * Math.PI) / 4;
  const left = x.map((v) => v * Math.cos(angle) * Math.SQRT2),
    right = x.map((v) => v * Math.sin(angle) * Math.SQRT2);
  const room = syntheticRoomImpulse({
    rt60Seconds: 0.5,
    sampleRate,
    seed: seed + 11,
    direct: false,
    reverberantDb: 0,
  });
  const wet = convolveReverb({ sampleRate, channels: [left, right] }, room, {
    wetDb: -14,
    dryDb: -Infinity,
  });
  return {
    sampleRate,
    channels: [left, right].map((c, ch) =>
      Float32Array.from(c, (v, i) => v + wet.channels[ch]![i]!),
    ),
  };
}

/** The signals every semantic descriptor is tested on: four stems and their sum. */
export function descriptorTestSignals(sampleRate = 44_100, seconds = 4): [string, PlanarAudio][] {
  const names: StemName[] = ['vocal', 'drums', 'plucked', 'keys'];
  const stems = names.map((s) => stereoStem(s, seconds, sampleRate, 3));
  const mix = {
    sampleRate,
    channels: [0, 1].map((c) => {
      const y = new Float32Array(stems[0]!.channels[0]!.length);
      for (const s of stems) s.channels[c]!.forEach((v, i) => (y[i]! += 0.5 * v));
      return y;
    }),
  };
  return [...names.map((s, i): [string, PlanarAudio] => [s, stems[i]!]), ['mix', mix]];
}
