import { describe, expect, it } from 'vitest';
import { monoStem, stereoStem } from '../../eval/mix-signals.js';
import { seededRandom } from '../../eval/signals.js';
import type { PlanarAudio } from '../audio/index.js';
import { measureLoudness } from '../loudness/index.js';
import { loadLexicon, loadProfiles } from '../node/mixdata.js';
import { automix } from './automix.js';
import { estimateOffset } from './offset.js';
import { findProfile } from './profiles.js';

const SR = 44_100;
const profiles = loadProfiles();

/** A backing of drums, bass and keys, `seconds` long. */
function backing(seconds: number, sampleRate = SR, seed = 4): PlanarAudio {
  const stems = [
    stereoStem('drums', seconds, sampleRate, seed),
    stereoStem('keys', seconds, sampleRate, seed),
    {
      sampleRate,
      channels: [0, 1].map(() => monoStem('bass', seconds, sampleRate, seed)),
    },
  ];
  return {
    sampleRate,
    channels: [0, 1].map((c) => {
      const y = new Float32Array(Math.round(seconds * sampleRate));
      for (const s of stems) s.channels[c]!.forEach((v, i) => (y[i]! += 0.4 * v));
      return y;
    }),
  };
}

interface TakeOptions {
  seconds: number;
  /** Take late against the backing, seconds (negative: early). */
  delaySeconds: number;
  /** Bleed of the backing below the voice, dB; null: headphones. */
  bleedDb: number | null;
  noise?: number;
  gain?: number;
  sampleRate?: number;
  seed?: number;
}

const voices = new Map<string, Float32Array>();

/** A phone take of a sung phrase over `music`: voice, bleed, noise, delayed by a known amount. */
function take(music: PlanarAudio, o: TakeOptions): PlanarAudio {
  const sr = music.sampleRate;
  const n = Math.round(o.seconds * sr);
  const key = `${o.seconds}/${sr}/${o.seed ?? 5}`;
  if (!voices.has(key)) voices.set(key, monoStem('vocal', o.seconds, sr, o.seed ?? 5));
  const voice = voices.get(key)!;
  const rnd = seededRandom(o.seed ?? 5);
  const d = Math.round(o.delaySeconds * sr);
  const bleedGain = o.bleedDb === null ? 0 : 10 ** (o.bleedDb / 20);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i - d; // the backing's sample heard at take sample i
    const bleed =
      j >= 0 && j < music.channels[0]!.length
        ? 0.5 * (music.channels[0]![j]! + music.channels[1]![j]!)
        : 0;
    const v = j >= 0 && j < n ? voice[j]! : 0;
    out[i] = (o.gain ?? 1) * (v + bleedGain * bleed + (o.noise ?? 0.003) * (rnd() * 2 - 1));
  }
  const audio: PlanarAudio = { sampleRate: sr, channels: [out] };
  if (!o.sampleRate || o.sampleRate === sr) return audio;
  // Recorded at another rate: a plain linear-interpolation resampling is enough for a take.
  const m = Math.round((n * o.sampleRate) / sr);
  const y = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const t = (i * sr) / o.sampleRate;
    const k = Math.floor(t);
    y[i] = out[k]! + (t - k) * ((out[k + 1] ?? 0) - out[k]!);
  }
  return { sampleRate: o.sampleRate, channels: [y] };
}

describe('estimateOffset', () => {
  const music = backing(16);
  for (const delayMs of [0, 37.5, 180, 300, -60]) {
    it(`finds a ${delayMs} ms offset from the backing's bleed 26 dB down`, () => {
      const t = take(music, { seconds: 16, delaySeconds: delayMs / 1000, bleedDb: -26 });
      const e = estimateOffset(t, music);
      expect(Math.abs(e.seconds * 1000 - delayMs)).toBeLessThan(1);
      expect(e.confidence).toBeGreaterThan(0.5);
      expect(e.method).toBe('gcc-scot-weighted');
    });
  }

  it('claims nothing when no backing is heard (headphones)', () => {
    const t = take(music, { seconds: 16, delaySeconds: 0.12, bleedDb: null, noise: 0.01 });
    expect(estimateOffset(t, music).confidence).toBeLessThan(0.3);
  });

  it('gives no estimate for a take too short to tell, with or without bleed', () => {
    for (const bleedDb of [null, -26]) {
      for (const seconds of [0.3, 1, 4]) {
        const t = take(music, { seconds, delaySeconds: 0.1, bleedDb, noise: 0.01 });
        const e = estimateOffset(t, music);
        expect(e.confidence).toBe(0);
        expect(e.analysedSeconds).toBeLessThan(5);
      }
    }
  });

  it('refuses a search window beyond ±5 s', () => {
    expect(() => estimateOffset(music, music, { maxLagSeconds: 6 })).toThrow(/±5 s/);
  });
});

describe('automix', () => {
  const music = backing(12);

  it('aligns, balances and masters a 48 kHz phone take over a 44.1 kHz backing', async () => {
    const profile = findProfile(profiles, 'zh-pop-mobile');
    const t = take(music, {
      seconds: 12,
      delaySeconds: 0.2,
      bleedDb: -28,
      gain: 0.25,
      sampleRate: 48_000,
    });
    const { audio, report, buses } = await automix(t, music, { profile, keepIntermediate: true });
    expect(Math.abs(report.offset.appliedSeconds - 0.2)).toBeLessThan(0.005);
    expect(report.offset.applied).toBe(true);
    expect(audio.sampleRate).toBe(SR);
    expect(audio.channels).toHaveLength(2);
    expect(audio.channels[0]!.length).toBe(music.channels[0]!.length);
    const m = measureLoudness(audio);
    expect(Math.abs(m.integratedLufs - profile.targetLufs)).toBeLessThan(0.5);
    expect(m.truePeakDbtp).toBeLessThanOrEqual(profile.truePeakDbtp + 0.05);
    const lu = (a: PlanarAudio) => measureLoudness(a, { truePeak: false }).integratedLufs;
    expect(Math.abs(lu(buses!.lead) - lu(buses!.accompaniment) - profile.leadVocalLu)).toBeLessThan(
      1,
    );
    expect(report.warnings.join(' ')).toMatch(/48000 Hz\) was resampled/);
    expect(report.vocal.steps.map((s) => s.type)).toEqual([
      'loudness',
      'eq',
      'voicegate',
      'denoise',
      'deesser',
      'eq',
      'compressor',
    ]);
    // The bleed was heard, estimated near its true level (−28 dB) and taken out.
    expect(report.vocal.bleed?.applied).toBe(true);
    expect(report.vocal.bleed?.bleedDb).toBeGreaterThan(-34);
    expect(report.vocal.bleed?.bleedDb).toBeLessThan(-22);
    expect(report.vocal.reverb.rt60Seconds).toBeGreaterThan(0.7);
  });

  it('places a take that began late in the backing later in the mix and keeps the whole of a take longer than the backing', async () => {
    const profile = findProfile(profiles, 'earbuds');
    const t = take(music, { seconds: 15, delaySeconds: -0.1, bleedDb: -24 });
    const { audio, report } = await automix(t, music, { profile });
    expect(report.offset.appliedSeconds).toBeCloseTo(-0.1, 2);
    // The take began 0.1 s into the backing (the backing's bleed comes 0.1 s early in it): the
    // vocal is placed 0.1 s late, and all 15 s of it kept, so the mix lasts 15.1 s.
    expect(audio.channels[0]!.length / SR).toBeCloseTo(15.1, 2);
    expect(report.warnings.join(' ')).toMatch(/longer than the backing/);
  });

  it('uses the take as recorded when no backing is heard, and a given offset when told', async () => {
    const profile = findProfile(profiles, 'earbuds');
    const t = take(music, { seconds: 12, delaySeconds: 0.05, bleedDb: null });
    const plain = await automix(t, music, { profile });
    expect(plain.report.offset.applied).toBe(false);
    expect(plain.report.warnings.join(' ')).toMatch(/no reliable offset/);
    const given = await automix(t, music, { profile, offsetSeconds: 0.05 });
    expect(given.report.offset.appliedSeconds).toBeCloseTo(0.05, 4);
    expect(given.report.offset.source).toBe('given');
  });

  it('applies words to the vocal with the lexicon, and refuses them without it', async () => {
    const profile = findProfile(profiles, 'earbuds');
    const t = take(music, { seconds: 12, delaySeconds: 0, bleedDb: -26 });
    const r = await automix(t, music, {
      profile,
      lexicon: loadLexicon(),
      vocalDescriptors: ['更温暖'],
    });
    expect(r.report.vocal.descriptors).toEqual(['更温暖']);
    await expect(automix(t, music, { profile, vocalDescriptors: ['warmer'] })).rejects.toThrow(
      /lexicon/,
    );
  });

  it('warns of a clipped take and refuses silent, empty and over-long ones', async () => {
    const profile = findProfile(profiles, 'earbuds');
    const loud = take(music, { seconds: 12, delaySeconds: 0, bleedDb: -26, gain: 8 });
    loud.channels[0] = loud.channels[0]!.map((v) => Math.max(-1, Math.min(1, v)));
    const r = await automix(loud, music, { profile });
    expect(r.report.warnings.join(' ')).toMatch(/clipped/);
    expect(r.report.take.clippedShare).toBeGreaterThan(0.001);
    const silent = { sampleRate: SR, channels: [new Float32Array(SR * 5)] };
    await expect(automix(silent, music, { profile })).rejects.toMatchObject({
      code: 'EMPTY_INPUT',
    });
    await expect(
      automix({ sampleRate: SR, channels: [new Float32Array(0)] }, music, { profile }),
    ).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
    await expect(automix(loud, silent, { profile })).rejects.toThrow(/backing track is silent/);
    await expect(automix(loud, music, { profile, maxSeconds: 10 })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });
});
