import { describe, expect, it } from 'vitest';
import { monoStem, stereoStem } from '../../eval/mix-signals.js';
import type { PlanarAudio } from '../audio/index.js';
import { measureLoudness } from '../loudness/index.js';
import { loadLexicon, loadProfiles } from '../node/mixdata.js';
import { findProfile, parseOverrides } from './profiles.js';
import { checkProject, type MixObject, type MixProject } from './project.js';
import { renderMix } from './render.js';

const SR = 44_100;
const profiles = loadProfiles();
const lexicon = loadLexicon();

function stems(seconds = 6): Map<string, PlanarAudio> {
  return new Map<string, PlanarAudio>([
    ['vocal.wav', { sampleRate: SR, channels: [monoStem('vocal', seconds, SR, 2)] }],
    ['drums.wav', stereoStem('drums', seconds, SR, 2)],
    ['bass.wav', { sampleRate: SR, channels: [monoStem('bass', seconds, SR, 2)] }],
    ['keys.wav', stereoStem('keys', seconds, SR, 2)],
  ]);
}

const project = (objects: Partial<MixObject>[] = []): MixProject =>
  checkProject({
    format: 'zhiyin-mix',
    version: 1,
    objects: [
      {
        id: 'vocal',
        file: 'vocal.wav',
        role: 'lead-vocal',
        chain: [{ type: 'compressor', thresholdDb: -24, ratio: 3 }],
      },
      { id: 'drums', file: 'drums.wav', role: 'drums', gainDb: -3 },
      { id: 'bass', file: 'bass.wav', role: 'bass', importance: 1 },
      { id: 'keys', file: 'keys.wav', role: 'keys', pan: 0.3, importance: 0 },
      ...objects,
    ],
  });

const loader = (files: Map<string, PlanarAudio>) => (o: MixObject) => files.get(o.file)!;

describe('renderMix', () => {
  for (const id of ['earbuds', 'phone-speaker', 'hearing-support', 'broadcast']) {
    it(`meets ${id}'s loudness target, ceiling and lead-vocal level`, async () => {
      const profile = findProfile(profiles, id);
      const { audio, report } = await renderMix(project(), loader(stems()), { profile, lexicon });
      const m = measureLoudness(audio);
      expect(Math.abs(m.integratedLufs - profile.targetLufs)).toBeLessThan(0.5);
      expect(m.truePeakDbtp).toBeLessThanOrEqual(profile.truePeakDbtp + 0.05);
      expect(Math.abs(report.leadVocal.measuredLu! - profile.leadVocalLu)).toBeLessThan(1);
      expect(report.master.integratedLufs).toBeCloseTo(m.integratedLufs, 6);
      expect(audio.channels).toHaveLength(2);
      expect(audio.channels[0]!.length).toBe(6 * SR);
    });
  }

  it('moves the lead vocal by a personal override, in LU', async () => {
    const profile = findProfile(profiles, 'earbuds');
    const base = await renderMix(project(), loader(stems()), { profile });
    const up = await renderMix(project(), loader(stems()), {
      profile,
      overrides: parseOverrides(['vocal=+3LU']),
    });
    expect(up.report.leadVocal.measuredLu! - base.report.leadVocal.measuredLu!).toBeCloseTo(3, 0);
    expect(Math.abs(up.report.master.integratedLufs - profile.targetLufs)).toBeLessThan(0.5);
  });

  it('turns the least important objects down for hearing support', async () => {
    const earbuds = await renderMix(project(), loader(stems()), {
      profile: findProfile(profiles, 'earbuds'),
    });
    const support = await renderMix(project(), loader(stems()), {
      profile: findProfile(profiles, 'hearing-support'),
    });
    const gain = (r: typeof earbuds, id: string) =>
      r.report.objects.find((o) => o.id === id)!.gainDb;
    expect(gain(support, 'keys') - gain(support, 'drums')).toBeLessThan(
      gain(earbuds, 'keys') - gain(earbuds, 'drums') - 8,
    );
  });

  it('mixes mismatched rates and lengths, mono and stereo, with warnings, and applies descriptors', async () => {
    const files = stems(4);
    const long = stereoStem('pad', 5, 48_000, 4);
    files.set('pad.wav', long);
    files.set('silent.wav', { sampleRate: SR, channels: [new Float32Array(SR)] });
    const p = project([
      {
        id: 'pad',
        file: 'pad.wav',
        role: 'strings',
        offsetSeconds: 0.5,
        descriptors: ['warmer', '更宽'],
      },
      { id: 'silence', file: 'silent.wav', role: 'fx' },
    ]);
    const { audio, report } = await renderMix(p, loader(files), {
      profile: findProfile(profiles, 'earbuds'),
      lexicon,
    });
    expect(audio.channels[0]!.length).toBe(Math.round(5.5 * SR));
    expect(report.warnings.join(' ')).toMatch(/pad: resampled from 48000 Hz/);
    expect(report.warnings.join(' ')).toMatch(/silence: silent/);
    expect(report.objects.find((o) => o.id === 'pad')!.resampledFrom).toBe(48_000);
  });

  it('renders without a lead vocal, and refuses a mix beyond the length limit', async () => {
    const p = checkProject({
      format: 'zhiyin-mix',
      version: 1,
      objects: [{ id: 'd', file: 'drums.wav', role: 'drums' }],
    });
    const { report } = await renderMix(p, loader(stems(3)), {
      profile: findProfile(profiles, 'earbuds'),
    });
    expect(report.leadVocal.measuredLu).toBeNull();
    expect(report.warnings.join(' ')).toMatch(/no lead-vocal or dialogue object/);
    await expect(
      renderMix(p, loader(stems(3)), { profile: findProfile(profiles, 'earbuds'), maxSeconds: 2 }),
    ).rejects.toThrow(/would make the mix 3.0 s long; the limit is 2.0 s/);
  });

  it('mixes a project whose lead stem is silent, with a warning instead of a balance', async () => {
    const files = stems(3);
    files.set('vocal.wav', { sampleRate: SR, channels: [new Float32Array(3 * SR)] });
    const profile = findProfile(profiles, 'earbuds');
    const { audio, report } = await renderMix(project(), loader(files), { profile });
    expect(report.leadVocal.measuredLu).toBeNull();
    expect(report.warnings.join(' ')).toMatch(/silent or missing: no lead-vocal balance/);
    const m = measureLoudness(audio);
    expect(Math.abs(m.integratedLufs - profile.targetLufs)).toBeLessThan(0.5);
    expect(m.truePeakDbtp).toBeLessThanOrEqual(profile.truePeakDbtp + 0.05);
  });
});

describe('checkProject and parseOverrides', () => {
  const base = { format: 'zhiyin-mix', version: 1 };
  it('refuses paths that leave the folder, unknown roles and steps, and other versions', () => {
    for (const file of ['../secret.wav', '/etc/passwd', 'a/../../b.wav', 'C:\\x.wav'])
      expect(() => checkProject({ ...base, objects: [{ id: 'a', file, role: 'drums' }] })).toThrow(
        /outside the project's folder/,
      );
    expect(() =>
      checkProject({ ...base, objects: [{ id: 'a', file: 'a.wav', role: 'kazoo' }] }),
    ).toThrow(/role "kazoo"/);
    expect(() =>
      checkProject({
        ...base,
        objects: [{ id: 'a', file: 'a.wav', role: 'bass', chain: [{ type: 'flanger' }] }],
      }),
    ).toThrow(/chain\[0\]: type must be one of/);
    expect(() => checkProject({ ...base, version: 2, objects: [] })).toThrow(
      /version 2 is not supported/,
    );
    expect(() =>
      checkProject({
        ...base,
        objects: [
          { id: 'a', file: 'a.wav', role: 'bass' },
          { id: 'a', file: 'b.wav', role: 'bass' },
        ],
      }),
    ).toThrow(/two objects are called "a"/);
  });
  it('reads overrides with units', () => {
    expect(
      parseOverrides(['vocal=+2LU', 'target=-16LUFS', 'ceiling=-2dBTP', 'width=80%', 'drums=-3dB']),
    ).toEqual({
      leadVocalLu: 2,
      targetLufs: -16,
      truePeakDbtp: -2,
      width: 0.8,
      gainDb: { drums: -3 },
    });
    expect(() => parseOverrides(['vocal'])).toThrow(/not NAME=VALUE/);
    expect(() => parseOverrides(['target=-3LUFS'])).toThrow(/−40 to −5 LUFS/);
  });
});
