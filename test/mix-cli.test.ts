/** The mixing commands as a user runs them: mix, profiles, describe, and their one-line refusals. */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { monoStem, stereoStem } from '../eval/mix-signals.js';
import { measureLoudness } from '../src/loudness/index.js';
import { readAudioFile, writeWavFile } from '../src/node/index.js';
import { cliHarness, expectOneLineError } from './cli-harness.js';
import { buildWav } from './wav-builder.js';

const SR = 44_100;
const { dir, zhiyin } = cliHarness('zhiyin-mix');
const song = join(dir, 'song');

const project = (objects: object[]) =>
  JSON.stringify({ format: 'zhiyin-mix', version: 1, objects }, null, 2);
const objects = [
  { id: 'vocal', file: 'stems/vocal.wav', role: 'lead-vocal' },
  { id: 'drums', file: 'stems/drums.wav', role: 'drums', gainDb: -3 },
  { id: 'bass', file: 'stems/bass.wav', role: 'bass' },
  { id: 'keys', file: 'stems/keys.wav', role: 'keys', pan: -0.3, importance: 1 },
];

beforeAll(async () => {
  mkdirSync(join(song, 'stems'), { recursive: true });
  await writeWavFile(join(song, 'stems/vocal.wav'), {
    sampleRate: SR,
    channels: [monoStem('vocal', 8, SR, 3)],
  });
  await writeWavFile(join(song, 'stems/drums.wav'), stereoStem('drums', 8, SR, 3));
  await writeWavFile(join(song, 'stems/bass.wav'), {
    sampleRate: SR,
    channels: [monoStem('bass', 8, SR, 3)],
  });
  // A different rate and length: resampled and padded, with a warning.
  await writeWavFile(join(song, 'stems/keys.wav'), stereoStem('keys', 6, 48_000, 3));
  writeFileSync(join(song, 'mix.json'), project(objects));
}, 60_000);

describe('zhiyin mix', () => {
  it('renders a project for a profile, with overrides and words, and writes the report', async () => {
    const r = zhiyin(
      'mix',
      'song/mix.json',
      '-p',
      'earbuds',
      '--set',
      'vocal=+2LU',
      '--vocal',
      'warmer',
      '-o',
      'out.wav',
    );
    expect(r.stderr).toMatch(/warning: .*keys/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/integrated\s+-16\.\d LUFS \(target -16\.0 LUFS\)/);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      profile: string;
      leadVocal: { targetLu: number; measuredLu: number };
      master: { integratedLufs: number; truePeakDbtp: number; ceilingDbtp: number };
    };
    expect(report.profile).toBe('earbuds');
    expect(Math.abs(report.leadVocal.measuredLu - report.leadVocal.targetLu)).toBeLessThan(1);
    const audio = await readAudioFile(join(dir, 'out.wav'));
    expect(audio.sampleRate).toBe(SR);
    expect(audio.channels).toHaveLength(2);
    expect(audio.channels[0]!.length).toBe(8 * SR);
    const m = measureLoudness(audio);
    expect(Math.abs(m.integratedLufs - -16)).toBeLessThan(0.5);
    expect(m.truePeakDbtp).toBeLessThanOrEqual(report.master.ceilingDbtp + 0.1);
  }, 120_000);

  it('prints the report as JSON, accepts Chinese words, and lists profiles', () => {
    const r = zhiyin(
      'mix',
      'song/mix.json',
      '-p',
      'zh-pop-mobile',
      '--人声',
      '更温暖',
      '-o',
      'zh.wav',
      '--json',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { profile: string; leadVocal: { targetLu: number } };
    expect(report.profile).toBe('zh-pop-mobile');
    const p = zhiyin('profiles');
    expect(p.code).toBe(0);
    for (const id of ['phone-speaker', 'earbuds', 'living-room-hifi', 'car', 'hearing-support'])
      expect(p.stdout).toContain(id);
  }, 120_000);

  it('refuses bad projects, paths, outputs and options in one line, writing nothing', () => {
    const write = (name: string, text: string) => writeFileSync(join(song, name), text);
    write('outside.json', project([{ id: 'v', file: '../../etc/passwd', role: 'lead-vocal' }]));
    write('absolute.json', project([{ id: 'v', file: '/etc/passwd', role: 'lead-vocal' }]));
    mkdirSync(join(dir, 'elsewhere'), { recursive: true });
    writeFileSync(join(dir, 'elsewhere/x.wav'), readFileSync(join(song, 'stems/bass.wav')));
    symlinkSync(join(dir, 'elsewhere/x.wav'), join(song, 'stems/link.wav'));
    write('link.json', project([{ id: 'v', file: 'stems/link.wav', role: 'lead-vocal' }]));
    write('broken.json', '{"format": "zhiyin-mix", "version": 1, "objects": [');
    write('missing.json', project([{ id: 'v', file: 'stems/none.wav', role: 'lead-vocal' }]));
    write('role.json', project([{ id: 'v', file: 'stems/bass.wav', role: 'singer' }]));
    write('version.json', JSON.stringify({ format: 'zhiyin-mix', version: 9, objects }));
    // A header that claims an hour of 44.1 kHz stereo, with no samples behind it.
    writeFileSync(
      join(song, 'stems/hour.wav'),
      buildWav({
        formatTag: 1,
        channels: 2,
        sampleRate: SR,
        bits: 16,
        data: new Uint8Array(16),
        dataSizeField: 3600 * SR * 4,
      }),
    );
    write('hour.json', project([{ id: 'v', file: 'stems/hour.wav', role: 'lead-vocal' }]));

    const before = readdirSync(dir).sort();
    const cases: [string[], RegExp][] = [
      [['song/outside.json'], /outside the project's folder/],
      [['song/absolute.json'], /outside the project's folder/],
      [['song/link.json'], /leads outside the project's folder/],
      [['song/broken.json'], /not valid JSON/],
      [['song/missing.json'], /none\.wav/],
      [['song/role.json'], /role/],
      [['song/version.json'], /version/],
      [['song/hour.json'], /60\.0 min long; a mix is at most 20 min/],
      [['song/nothing.json'], /nothing\.json/],
      [['song/mix.json', '-p', 'cinema'], /profile "cinema"/],
      [['song/mix.json', '--set', 'vocal=loud'], /--set|vocal=loud/],
      [['song/mix.json', '--vocal', 'glorious'], /glorious/],
      [['song/mix.json', '--sound', 'tuba=warmer'], /--sound "tuba=warmer"/],
      [['song/mix.json', '--max-minutes', 'x'], /--max-minutes/],
    ];
    for (const [args, pattern] of cases)
      expectOneLineError(zhiyin('mix', ...args, '-o', 'bad.wav'), pattern);
    expectOneLineError(zhiyin('mix', 'song/mix.json', '-o', 'bad.mp3'), /WAV files only/);
    expectOneLineError(zhiyin('mix', 'song/mix.json'), /-o OUT\.wav/);
    expectOneLineError(zhiyin('mix', 'song/mix.json', '-o', 'out.wav'), /exists already/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(join(dir, 'bad.wav'))).toBe(false);
  }, 120_000);
});

describe('zhiyin describe', () => {
  it('estimates descriptors of a file, as a table and as JSON', () => {
    const r = zhiyin('describe', 'song/stems/drums.wav');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/centroid/i);
    const j = zhiyin('describe', 'song/stems/drums.wav', '--json');
    expect(j.code).toBe(0);
    const features = JSON.parse(j.stdout) as { features: Record<string, number> };
    expect(features.features.centroidHz).toBeGreaterThan(100);
    const list = zhiyin('describe', '--list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('温暖');
    expectOneLineError(zhiyin('describe', 'song/mix.json'), /Not an audio format/);
    expectOneLineError(zhiyin('describe'), /FILE|file/);
  }, 60_000);
});
