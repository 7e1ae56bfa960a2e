import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LoudnessMeter,
  kWeightingCoefficients,
  measureLoudness,
  planNormalization,
  bs1770Weights,
} from './index.js';
import { resample } from '../dsp/index.js';
import { decodeAudio } from '../audio/index.js';
import { fadeInOut, noise, sine, sineSegments } from '../../eval/signals.js';
import { sharedAvailable, sharedPath } from '../../test/shared-data.js';
import { EBU_SAMPLE_RATE, ebuCases, type LoudnessExpectations } from '../../eval/ebu-cases.js';

const SR = 48_000;

const segments = (list: [number, number][]) => sineSegments(list, SR);

const expectedFile = 'loudness/expected_values.json';
const shared = sharedAvailable(expectedFile);
const expected: LoudnessExpectations | undefined = shared.ok
  ? (JSON.parse(readFileSync(sharedPath(expectedFile), 'utf8')) as LoudnessExpectations)
  : undefined;

describe.skipIf(!shared.ok)(`EBU conformance from ../shared/data/loudness${shared.why}`, () => {
  const e = expected!;
  for (const c of expected ? ebuCases(expected) : []) {
    const unit = c.measure === 'integrated' ? 'LUFS' : 'LU';
    it(`${c.name}: ${c.measure === 'integrated' ? 'integrated' : 'loudness range'} ${c.expected} ${unit} ±0.1 LU`, () => {
      const r = measureLoudness(
        { sampleRate: EBU_SAMPLE_RATE, channels: c.channels() },
        { truePeak: c.measure === 'integrated' },
      );
      const value = c.measure === 'integrated' ? r.integratedLufs : r.loudnessRangeLu;
      expect(Math.abs(value - c.expected)).toBeLessThanOrEqual(0.1);
    });
  }
  for (const file of ['1770-2_Comp_RelGateTest.wav', '1770-2_Comp_AbsGateTest.wav']) {
    it(`BS.2217 ${file}: within ±0.1 LU of ${e?.files_in_this_folder[file]?.expected_LUFS} LUFS`, async () => {
      const audio = await decodeAudio(readFileSync(sharedPath(`loudness/${file}`)));
      const r = measureLoudness(audio);
      expect(
        Math.abs(r.integratedLufs - e.files_in_this_folder[file]!.expected_LUFS!),
      ).toBeLessThanOrEqual(0.1);
    });
  }
  it('sine_1000.wav (1 s mono full-scale 1 kHz at 44.1 kHz) reads −3.01 LUFS ±0.1', async () => {
    const audio = await decodeAudio(readFileSync(sharedPath('loudness/sine_1000.wav')));
    expect(Math.abs(measureLoudness(audio).integratedLufs - -3.01)).toBeLessThanOrEqual(0.1);
  });
});

describe('K-weighting', () => {
  it('reproduces the 48 kHz coefficients tabulated in BS.1770-4', () => {
    const [shelf, hp] = kWeightingCoefficients(48_000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 10);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 10);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 10);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 10);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 10);
    expect(hp.a1).toBeCloseTo(-1.99004745483398, 10);
    expect(hp.a2).toBeCloseTo(0.99007225036621, 10);
  });

  it('reads the same loudness for the same programme at 44.1, 48 and 96 kHz (±0.02 LU)', () => {
    // The bilinear transform warps the shelf slightly differently at each rate: 0.017 dB at
    // 1 kHz between 48 and 96 kHz, as in every meter that derives BS.1770's filter this way.
    const values = [44_100, 48_000, 96_000].map(
      (sr) =>
        measureLoudness({
          sampleRate: sr,
          channels: [sine(1000, sr, 5 * sr, 0.1), sine(1000, sr, 5 * sr, 0.1)],
        }).integratedLufs,
    );
    for (const v of values) expect(Math.abs(v - values[1]!)).toBeLessThan(0.02);
  });
});

describe('true peak', () => {
  const cases: [string, number, number, number, number][] = [
    // name, sample rate, frequency, amplitude, phase
    ['fs/4 sine at 45° (samples 3 dB below the peak)', 48_000, 12_000, 1, Math.PI / 4],
    ['fs/4 sine 0.5 at 45° at 44.1 kHz', 44_100, 11_025, 0.5, Math.PI / 4],
    ['fs/6 sine at phase 0 (samples at 60°)', 48_000, 8000, 1, 0],
    [
      'an inter-sample over: samples at −0.1 dBFS, true peak +2.9 dBTP',
      48_000,
      12_000,
      1.4,
      Math.PI / 4,
    ],
    ['997 Hz at −6 dBFS', 48_000, 997, 0.5, 0.3],
  ];
  for (const [name, sr, hz, amplitude, phase] of cases) {
    it(`reads ${name} within +0.2/−0.4 dB`, () => {
      // Faded in and out over 20 ms: an abrupt start would itself overshoot (Gibbs) between samples.
      const x = fadeInOut(sine(hz, sr, sr, amplitude, phase), 0.02 * sr);
      const r = measureLoudness({ sampleRate: sr, channels: [x] });
      const expected = 20 * Math.log10(amplitude);
      expect(r.truePeakDbtp - expected).toBeLessThanOrEqual(0.2);
      expect(r.truePeakDbtp - expected).toBeGreaterThanOrEqual(-0.4);
      expect(r.truePeakDbtp).toBeGreaterThanOrEqual(r.samplePeakDbfs);
    });
  }

  it('agrees with 32× band-limited oversampling on noise (+0.2/−0.4 dB)', () => {
    const sr = 48_000;
    const x = noise(sr, 42, 0.5);
    const r = measureLoudness({ sampleRate: sr, channels: [x] });
    const fine = resample(x, { inputRate: sr, outputRate: 32 * sr });
    let peak = 0;
    for (const v of fine) peak = Math.max(peak, Math.abs(v));
    const ref = 20 * Math.log10(peak);
    expect(r.truePeakDbtp - ref).toBeLessThanOrEqual(0.2);
    expect(r.truePeakDbtp - ref).toBeGreaterThanOrEqual(-0.4);
  });
});

describe('LoudnessMeter', () => {
  it('gives identical results for any chunking', () => {
    const x = segments([
      [3, -20],
      [4, -30],
      [2.05, -14],
    ]);
    const whole = measureLoudness({ sampleRate: SR, channels: x });
    const meter = new LoudnessMeter({ sampleRate: SR, channelCount: 2 });
    for (let i = 0; i < x[0]!.length;) {
      const n = 1 + ((i * 131) % 7777);
      meter.push(x.map((c) => c.subarray(i, i + n)));
      i += n;
    }
    const chunked = meter.result();
    expect(chunked.integratedLufs).toBe(whole.integratedLufs);
    expect(chunked.loudnessRangeLu).toBe(whole.loudnessRangeLu);
    expect(chunked.truePeakDbtp).toBe(whole.truePeakDbtp);
  });

  it('measures input shorter than 400 ms over its actual length', () => {
    const x = sine(1000, SR, 0.2 * SR, 0.1); // −20 dBFS peak, −23.01 dBFS RMS
    const r = measureLoudness({ sampleRate: SR, channels: [x] });
    expect(r.partialBlock).toBe(true);
    expect(r.integratedLufs).toBeCloseTo(-23.0, 1);
    expect(r.momentaryLufs).toBeCloseTo(r.integratedLufs, 9);
    expect(r.loudnessRangeLu).toBe(0);
    // Continuous at the boundary: exactly 400 ms gives the standard's single block.
    const full = measureLoudness({ sampleRate: SR, channels: [sine(1000, SR, 0.4 * SR, 0.1)] });
    expect(full.partialBlock).toBe(false);
    expect(full.integratedLufs).toBeCloseTo(r.integratedLufs, 1);
  });

  it('returns −Infinity for silence and for empty input', () => {
    for (const n of [0, SR]) {
      const r = measureLoudness({
        sampleRate: SR,
        channels: [new Float32Array(n), new Float32Array(n)],
      });
      expect(r.integratedLufs).toBe(-Infinity);
      expect(r.samplePeakDbfs).toBe(-Infinity);
    }
  });

  it('ignores LFE and weighs surrounds by 1.41 in 5.1', () => {
    const n = 5 * SR;
    const s = (a: number) => sine(1000, SR, n, a);
    const front = measureLoudness({
      sampleRate: SR,
      channels: [s(0.1), s(0), s(0), s(0), s(0), s(0)],
    }).integratedLufs;
    const lfe = measureLoudness({
      sampleRate: SR,
      channels: [s(0.1), s(0), s(0), s(0.9), s(0), s(0)],
    }).integratedLufs;
    const surround = measureLoudness({
      sampleRate: SR,
      channels: [s(0), s(0), s(0), s(0), s(0.1), s(0)],
    }).integratedLufs;
    expect(lfe).toBeCloseTo(front, 6);
    expect(surround - front).toBeCloseTo(10 * Math.log10(1.41), 3);
    expect(bs1770Weights(8, 0x63f)).toEqual([1, 1, 1, 0, 1, 1, 1.41, 1.41]);
    expect(bs1770Weights(7)).toEqual([1, 1, 1, 0, 1, 1.41, 1.41]); // 6.1: L R C LFE Cb Ls Rs
    expect(bs1770Weights(4, 0x107)).toEqual([1, 1, 1, 1]); // 4.0: L R C Cb
    expect(bs1770Weights(6, 0x3f)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
  });

  it('reports momentary and short-term every 100 ms to a live listener', () => {
    const updates: number[] = [];
    const meter = new LoudnessMeter({
      sampleRate: SR,
      channelCount: 1,
      onUpdate: (u) => updates.push(u.momentaryLufs),
    });
    meter.push([sine(1000, SR, SR, 0.1)]);
    expect(updates).toHaveLength(10);
    expect(updates[9]).toBeCloseTo(-23.0, 1);
  });

  it('refuses NaN, infinite and absurd samples instead of reporting silence', () => {
    for (const bad of [NaN, Infinity, -Infinity, 1e200]) {
      const x = sine(1000, SR, SR, 0.1);
      x[12_345] = bad;
      expect(() => measureLoudness({ sampleRate: SR, channels: [x, x] })).toThrow(
        /non-finite or absurd sample .* in channel 1 at 0\.257 s/,
      );
    }
  });

  it('measures very loud (but finite) float audio above the top of its histogram', () => {
    const x = sine(1000, SR, 5 * SR, 1e4); // +80 dBFS peak
    expect(measureLoudness({ sampleRate: SR, channels: [x] }).integratedLufs).toBeCloseTo(
      80 - 3.01,
      1,
    );
  });

  it('rejects bad input clearly', () => {
    expect(() => new LoudnessMeter({ sampleRate: 4000, channelCount: 2 })).toThrow(
      /from 8 kHz up; this audio is at 4000 Hz: resample it first/,
    );
    const meter = new LoudnessMeter({ sampleRate: SR, channelCount: 2 });
    expect(() => meter.push([new Float32Array(10)])).toThrow(/expects 2 channels/);
  });
});

describe('planNormalization', () => {
  it('reaches the target when the ceiling allows', () => {
    const p = planNormalization(
      { integratedLufs: -20, truePeakDbtp: -8 },
      { targetLufs: -14, truePeakCeilingDbtp: -1 },
    );
    expect(p).toEqual({
      gainDb: 6,
      limitedBy: 'target',
      expectedIntegratedLufs: -14,
      expectedTruePeakDbtp: -2,
    });
  });

  it('stops at the true-peak ceiling', () => {
    const p = planNormalization(
      { integratedLufs: -20, truePeakDbtp: -3 },
      { targetLufs: -14, truePeakCeilingDbtp: -1 },
    );
    expect(p.gainDb).toBeCloseTo(2, 12);
    expect(p.limitedBy).toBe('true-peak');
    expect(p.expectedIntegratedLufs).toBeCloseTo(-18, 12);
  });

  it('refuses to normalise silence', () => {
    expect(() =>
      planNormalization(
        { integratedLufs: -Infinity, truePeakDbtp: -Infinity },
        { targetLufs: -14 },
      ),
    ).toThrow(/silent/);
  });
});

const dishes = sharedAvailable('speech-noise/doing_the_dishes.wav');
describe.skipIf(!dishes.ok)(`true peak of recorded noise at 16 kHz${dishes.why}`, () => {
  it('reads within 0.4 dB of 32× band-limited oversampling (a 4×, 24-tap filter read 0.7 dB low)', async () => {
    const audio = await decodeAudio(readFileSync(sharedPath('speech-noise/doing_the_dishes.wav')));
    expect(audio.sampleRate).toBe(16_000);
    const r = measureLoudness(audio);
    // Reference: 32× band-limited oversampling of the second around the loudest sample.
    const x = audio.channels[0]!;
    let at = 0;
    for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) > Math.abs(x[at]!)) at = i;
    const around = x.subarray(Math.max(0, at - 8000), at + 8000);
    const fine = resample(around, { inputRate: 16_000, outputRate: 32 * 16_000 });
    const ref = 20 * Math.log10(fine.reduce((m, v) => Math.max(m, Math.abs(v)), 0)); // ≈ +0.83 dBTP
    expect(r.truePeakDbtp - ref).toBeGreaterThanOrEqual(-0.4);
    expect(r.truePeakDbtp - ref).toBeLessThanOrEqual(0.2);
  });
});
