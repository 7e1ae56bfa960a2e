import { describe, expect, it } from 'vitest';
import { RealFft } from '../dsp/index.js';
import { TruePeakMeter, interSamplePeaks } from '../loudness/index.js';
import {
  Compressor,
  compressorCurveDb,
  eqResponseDb,
  equalize,
  limitTruePeak,
  type EqBand,
} from './index.js';

const SR = 48_000;

/** Magnitude response of a filter in dB at FFT bins, from its impulse response. */
function measuredDb(bands: EqBand[], size = 1 << 16): (bin: number) => number {
  const x = new Float32Array(size);
  x[0] = 1;
  const y = equalize({ sampleRate: SR, channels: [x] }, bands).channels[0]!;
  const fft = new RealFft(size);
  const re = new Float64Array(fft.bins),
    im = new Float64Array(fft.bins);
  fft.forward(y, re, im);
  return (bin) => 10 * Math.log10(re[bin]! ** 2 + im[bin]! ** 2);
}

describe('parametric EQ', () => {
  const cases: [string, EqBand[]][] = [
    ['peak +6 dB at 1 kHz, Q 1', [{ type: 'peak', frequencyHz: 1000, gainDb: 6, q: 1 }]],
    ['peak −9 dB at 3 kHz, Q 4', [{ type: 'peak', frequencyHz: 3000, gainDb: -9, q: 4 }]],
    ['low shelf +4 dB at 200 Hz', [{ type: 'lowshelf', frequencyHz: 200, gainDb: 4 }]],
    ['high shelf −6 dB at 8 kHz', [{ type: 'highshelf', frequencyHz: 8000, gainDb: -6 }]],
    ['high-pass 80 Hz, 24 dB/oct', [{ type: 'highpass', frequencyHz: 80, slopeDbPerOctave: 24 }]],
    ['low-pass 12 kHz, 12 dB/oct', [{ type: 'lowpass', frequencyHz: 12_000 }]],
    [
      'a vocal chain of four bands',
      [
        { type: 'highpass', frequencyHz: 100, slopeDbPerOctave: 12 },
        { type: 'peak', frequencyHz: 300, gainDb: -3, q: 1.4 },
        { type: 'peak', frequencyHz: 3500, gainDb: 2.5, q: 0.8 },
        { type: 'highshelf', frequencyHz: 10_000, gainDb: 2 },
      ],
    ],
  ];
  for (const [name, bands] of cases)
    it(`${name}: the processed audio follows the design within 0.1 dB from 20 Hz to 20 kHz`, () => {
      const size = 1 << 16;
      const db = measuredDb(bands, size);
      let worst = 0;
      for (let bin = Math.ceil((20 * size) / SR); bin <= (20_000 * size) / SR; bin += 7) {
        const f = (bin * SR) / size;
        worst = Math.max(worst, Math.abs(db(bin) - eqResponseDb(bands, f, SR)));
      }
      expect(worst).toBeLessThan(0.1);
    });

  it('designs what it says: gains at the centre, shelf plateaus, −3 dB and the slope of a pass filter', () => {
    expect(
      eqResponseDb([{ type: 'peak', frequencyHz: 1000, gainDb: 6, q: 1 }], 1000, SR),
    ).toBeCloseTo(6, 6);
    expect(eqResponseDb([{ type: 'lowshelf', frequencyHz: 200, gainDb: 4 }], 20, SR)).toBeCloseTo(
      4,
      1,
    );
    const hp = [{ type: 'highpass', frequencyHz: 1000, slopeDbPerOctave: 24 } as const];
    expect(eqResponseDb(hp, 1000, SR)).toBeCloseTo(-3.01, 1);
    // Butterworth of order 4: 24 dB per octave well below the corner.
    expect(eqResponseDb(hp, 125, SR) - eqResponseDb(hp, 250, SR)).toBeCloseTo(-24, 0);
  });

  it('refuses a band outside the audio range in one line', () => {
    expect(() =>
      eqResponseDb([{ type: 'peak', frequencyHz: 30_000, gainDb: 3, q: 1 }], 1000, SR),
    ).toThrow(/outside 0–24000 Hz/);
  });
});

describe('compressor', () => {
  const settings = {
    thresholdDb: -20,
    ratio: 4,
    kneeDb: 0,
    attackSeconds: 0.005,
    releaseSeconds: 0.05,
  };

  it('static curve: unity below the threshold, 1/ratio above, a smooth quadratic knee', () => {
    expect(compressorCurveDb(-30, settings)).toBe(-30);
    expect(compressorCurveDb(-10, settings)).toBeCloseTo(-17.5, 12);
    const soft = { ...settings, kneeDb: 10 };
    expect(compressorCurveDb(-25, soft)).toBe(-25); // knee starts at T − W/2
    expect(compressorCurveDb(-15, soft)).toBeCloseTo(-18.75, 12); // and ends at T + W/2
    expect(compressorCurveDb(-20, soft)).toBeCloseTo(-20 + ((0.25 - 1) * 25) / 20, 12);
    // Continuous and monotonic through the knee.
    let prev = -Infinity;
    for (let l = -40; l <= 0; l += 0.01) {
      const out = compressorCurveDb(l, soft);
      expect(out).toBeGreaterThan(prev);
      prev = out;
    }
  });

  const sine = (db: number, seconds: number, f = 1000) =>
    Float32Array.from(
      { length: Math.round(seconds * SR) },
      (_, i) => 10 ** (db / 20) * Math.sin((2 * Math.PI * f * i) / SR),
    );
  const peakDb = (x: Float32Array, from: number) => {
    let p = 0;
    for (let i = from; i < x.length; i++) p = Math.max(p, Math.abs(x[i]!));
    return 20 * Math.log10(p);
  };

  // The static curve is defined for a steady level: a square wave's |x| is constant, a sine's
  // RMS is; so the peak detector is tested on squares and the RMS detector on sines.
  const square = (db: number, seconds: number, f = 1000) =>
    Float32Array.from({ length: Math.round(seconds * SR) }, (_, i) =>
      Math.sin((2 * Math.PI * f * (i + 0.5)) / SR) >= 0 ? 10 ** (db / 20) : -(10 ** (db / 20)),
    );
  for (const [detector, wave] of [
    ['peak', square],
    ['rms', sine],
  ] as const)
    it(`${detector} detection: a steady tone settles on the static curve within 0.1 dB`, () => {
      for (const input of [-30, -15, -10, -3]) {
        const x = wave(input, 1);
        new Compressor({ ...settings, detector, releaseSeconds: 0.5 }, SR).process([x]);
        expect(peakDb(x, SR / 2), `${input} dB`).toBeCloseTo(compressorCurveDb(input, settings), 1);
      }
    });

  it('attack and release follow their time constants within 10 %', () => {
    const c = new Compressor({ ...settings, attackSeconds: 0.02, releaseSeconds: 0.2 }, SR);
    // A DC step from −40 dB (no compression) to −4 dB: the target reduction is 12 dB.
    const x = new Float32Array(SR).fill(10 ** (-4 / 20));
    const reductions: number[] = [];
    for (let i = 0; i < x.length; i += 48) {
      c.process([x.subarray(i, i + 48)]);
      reductions.push(c.lastReductionDb);
    }
    const t63 = reductions.findIndex((r) => r >= 12 * (1 - 1 / Math.E)) * 0.001;
    expect(t63).toBeGreaterThan(0.018);
    expect(t63).toBeLessThan(0.022);
    // Then silence: the reduction falls to 1/e of 12 dB after the release time.
    const quiet = new Float32Array(SR);
    const release: number[] = [];
    for (let i = 0; i < quiet.length; i += 48) {
      c.process([quiet.subarray(i, i + 48)]);
      release.push(c.lastReductionDb);
    }
    const t37 = release.findIndex((r) => r <= 12 / Math.E) * 0.001;
    expect(t37).toBeGreaterThan(0.18);
    expect(t37).toBeLessThan(0.22);
  });

  it('links the channels (one gain from the loudest), adds make-up gain, and refuses bad settings', () => {
    const left = square(-6, 0.5),
      right = square(-30, 0.5);
    new Compressor({ ...settings, makeupDb: 3 }, SR).process([left, right]);
    const reductionLeft = -6 - peakDb(left, SR / 4);
    const reductionRight = -30 - peakDb(right, SR / 4);
    expect(reductionLeft).toBeCloseTo(reductionRight, 1);
    expect(peakDb(left, SR / 4)).toBeCloseTo(compressorCurveDb(-6, settings) + 3, 1);
    expect(() => new Compressor({ thresholdDb: -20, ratio: 0.4 }, SR)).toThrow(
      /ratio must be 0.5–1000/,
    );
    expect(() => new Compressor({ thresholdDb: -20, ratio: 2, attackSeconds: 0 }, SR)).toThrow(
      /attack/,
    );
  });
});

describe('true-peak limiter', () => {
  const truePeakDb = (channels: Float32Array[]) =>
    Math.max(
      ...channels.map((c) => {
        const m = new TruePeakMeter();
        m.push(c);
        return 20 * Math.log10(m.truePeakLinear());
      }),
    );
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const signals: [string, Float32Array[]][] = [
    [
      // Samples at ±0.707 of the peak: an inter-sample peak 3 dB above the sample peak.
      'a quarter-rate sine at 45° (inter-sample peaks), +3 dBTP',
      [
        Float32Array.from(
          { length: SR },
          (_, i) => 1.41 * Math.sin((Math.PI / 2) * i + Math.PI / 4),
        ),
      ],
    ],
    [
      'noise bursts with 12 dB crest in stereo, +6 dBTP',
      [0, 1].map(() =>
        Float32Array.from({ length: SR }, (_, i) => (i % 9600 < 480 ? 2 : 0.25) * rand()),
      ),
    ],
    [
      'a chord of 5 partials up to 15 kHz, +8 dBTP',
      [
        Float32Array.from({ length: SR }, (_, i) =>
          [220, 1100, 4400, 9000, 15000].reduce(
            (v, f) => v + 0.5 * Math.sin((2 * Math.PI * f * i) / SR + f),
            0,
          ),
        ),
      ],
    ],
    [
      // Silent before it, so its first stretch (before sample 0) peaks above its samples.
      'a cosine at 0.45 of the rate starting at full level, +1 dBTP',
      [Float32Array.from({ length: SR / 10 }, (_, i) => Math.cos(0.9 * Math.PI * i))],
    ],
  ];
  for (const [name, channels] of signals)
    it(`${name}: the output never exceeds the ceiling`, () => {
      expect(truePeakDb(channels)).toBeGreaterThan(0);
      for (const ceilingDbtp of [-1, -2, -0.1]) {
        const { audio, report } = limitTruePeak({ sampleRate: SR, channels }, { ceilingDbtp });
        expect(truePeakDb(audio.channels)).toBeLessThanOrEqual(ceilingDbtp);
        expect(report.maxReductionDb).toBeGreaterThan(0);
      }
    });

  it('leaves audio below the ceiling untouched, and far from a peak untouched too', () => {
    const quiet = Float32Array.from(
      { length: SR },
      (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR),
    );
    expect(limitTruePeak({ sampleRate: SR, channels: [quiet] }).audio.channels[0]).toEqual(quiet);
    const spike = quiet.slice();
    spike[SR / 2] = 1.5;
    const out = limitTruePeak({ sampleRate: SR, channels: [spike] }, { releaseSeconds: 0.01 }).audio
      .channels[0]!;
    // A second before and after the spike (look-ahead 5 ms, release 10 ms): the same samples.
    expect(out.subarray(0, SR / 4)).toEqual(quiet.subarray(0, SR / 4));
    expect(out.subarray((3 * SR) / 4)).toEqual(quiet.subarray((3 * SR) / 4));
    expect(() => limitTruePeak({ sampleRate: SR, channels: [quiet] }, { ceilingDbtp: 3 })).toThrow(
      /ceiling/,
    );
  });

  it('finds the same inter-sample peaks above a floor as without one', () => {
    const x = Float32Array.from({ length: SR }, (_, i) => (i % 4800 < 300 ? 1.2 : 0.2) * rand());
    const full = interSamplePeaks(x);
    const floored = interSamplePeaks(x, undefined, 0.8);
    let above = 0;
    for (let i = 0; i < x.length; i++) {
      if (full[i]! > 0.8) {
        expect(floored[i]).toBe(full[i]);
        above++;
      } else expect(floored[i]).toBeLessThanOrEqual(0.8);
    }
    expect(above).toBeGreaterThan(100);
  });
});
