/**
 * `zhiyin automix` as a user runs it: a phone take (48 kHz mono WAV, or M4A through ffmpeg) over
 * a 44.1 kHz stereo backing, with the backing's bleed in the take 120 ms late; the mix, its
 * report, the table and the JSON; and the one-line refusals that leave the folder untouched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { monoStem, stereoStem } from '../eval/mix-signals.js';
import { seededRandom } from '../eval/signals.js';
import { resampleAudio, type PlanarAudio } from '../src/audio/index.js';
import { measureLoudness } from '../src/loudness/index.js';
import { findProfile } from '../src/mix/index.js';
import { loadProfiles, readAudioFile, writeWavFile } from '../src/node/index.js';
import { cliHarness, expectOneLineError } from './cli-harness.js';
import { ffmpegAvailable } from './tools.js';
import { buildWav } from './wav-builder.js';

const SR = 44_100;
const TAKE_SR = 48_000;
const SECONDS = 8;
const DELAY_SECONDS = 0.12;
const BLEED_DB = -26;
const PROFILE = 'zh-pop-mobile';
const { dir, zhiyin } = cliHarness('zhiyin-automix');
const ff = ffmpegAvailable();

/** A backing of drums, keys and bass, stereo at 44.1 kHz. */
function backingTrack(): PlanarAudio {
  const stems = [
    stereoStem('drums', SECONDS, SR, 4),
    stereoStem('keys', SECONDS, SR, 4),
    { sampleRate: SR, channels: [0, 1].map(() => monoStem('bass', SECONDS, SR, 4)) },
  ];
  return {
    sampleRate: SR,
    channels: [0, 1].map((c) => {
      const y = new Float32Array(SECONDS * SR);
      for (const s of stems) s.channels[c]!.forEach((v, i) => (y[i]! += 0.4 * v));
      return y;
    }),
  };
}

/**
 * A phone take at 48 kHz: a sung phrase and the backing heard from the loudspeaker 26 dB down,
 * both recorded `DELAY_SECONDS` late, with a little noise.
 */
function phoneTake(backing: PlanarAudio): PlanarAudio {
  const voice = monoStem('vocal', SECONDS, TAKE_SR, 5);
  const heard = resampleAudio(backing, TAKE_SR);
  const d = Math.round(DELAY_SECONDS * TAKE_SR);
  const g = 10 ** (BLEED_DB / 20);
  const rnd = seededRandom(9);
  const out = new Float32Array(voice.length);
  for (let i = 0; i < out.length; i++) {
    const j = i - d;
    const bleed = j >= 0 ? 0.5 * (heard.channels[0]![j]! + heard.channels[1]![j]!) : 0;
    out[i] = 0.5 * ((j >= 0 ? voice[j]! : 0) + g * bleed) + 0.002 * (rnd() * 2 - 1);
  }
  return { sampleRate: TAKE_SR, channels: [out] };
}

interface Report {
  profile: string;
  take: { sampleRate: number; channels: number; integratedLufs: number };
  offset: {
    seconds: number;
    confidence: number;
    applied: boolean;
    appliedSeconds: number;
    source: string;
  };
  vocal: { descriptors: string[]; reverb: { rt60Seconds: number; wetDb: number } };
  mix: {
    leadVocal: { measuredLu: number; targetLu: number };
    master: {
      integratedLufs: number;
      targetLufs: number;
      truePeakDbtp: number;
      ceilingDbtp: number;
    };
  };
  warnings: string[];
}

const readReport = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Report;

/** The mix meets the profile: backing's rate, stereo, loudness on target, vocal balanced. */
async function expectMixFor(wav: string, report: Report): Promise<void> {
  const profile = findProfile(loadProfiles(), PROFILE);
  expect(report.profile).toBe(PROFILE);
  expect(report.mix.master.targetLufs).toBe(profile.targetLufs);
  const audio = await readAudioFile(join(dir, wav));
  expect(audio.sampleRate).toBe(SR);
  expect(audio.channels).toHaveLength(2);
  const m = measureLoudness(audio);
  expect(Math.abs(m.integratedLufs - profile.targetLufs)).toBeLessThan(0.5);
  expect(m.truePeakDbtp).toBeLessThanOrEqual(report.mix.master.ceilingDbtp + 0.1);
  expect(Math.abs(report.mix.leadVocal.measuredLu - report.mix.leadVocal.targetLu)).toBeLessThan(1);
  expect(report.take.sampleRate).toBe(TAKE_SR);
  expect(report.vocal.reverb.rt60Seconds).toBeGreaterThan(0);
}

beforeAll(async () => {
  const backing = backingTrack();
  await writeWavFile(join(dir, 'backing.wav'), backing);
  await writeWavFile(join(dir, 'take.wav'), phoneTake(backing));
  await writeWavFile(join(dir, 'silent.wav'), {
    sampleRate: TAKE_SR,
    channels: [new Float32Array(6 * TAKE_SR)],
  });
  writeFileSync(join(dir, 'empty.wav'), '');
  writeFileSync(join(dir, 'kept.wav'), 'an earlier mix');
  symlinkSync(join(dir, 'take.wav'), join(dir, 'link.wav'));
  // A header that claims an hour of 48 kHz mono, with no samples behind it.
  writeFileSync(
    join(dir, 'hour.wav'),
    buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: TAKE_SR,
      bits: 16,
      data: new Uint8Array(16),
      dataSizeField: 3600 * TAKE_SR * 2,
    }),
  );
  writeFileSync(join(dir, 'notes.txt'), 'sing the second verse softer\n'.repeat(20));
  if (ff.ok) {
    const r = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-i', 'take.wav', '-c:a', 'aac', '-b:a', '128k', 'take.m4a'],
      { cwd: dir, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`ffmpeg could not make take.m4a: ${r.stderr}`);
  }
}, 60_000);

describe('zhiyin automix', () => {
  it('mixes a 48 kHz mono take over a 44.1 kHz stereo backing, finding the 120 ms offset', async () => {
    const r = zhiyin(
      'automix',
      '--vocal',
      'take.wav',
      '--backing',
      'backing.wav',
      '-p',
      PROFILE,
      '-o',
      'mix.wav',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*resampled/);
    expect(r.stdout).toMatch(/^wrote\s+mix\.wav \(44100 Hz, stereo, .*\) and mix\.json$/m);
    expect(r.stdout).toMatch(/^offset\s+12\d\.\d ms applied \(confidence \d\.\d\d\)$/m);
    expect(r.stdout).toMatch(/^integrated\s+-?\d+\.\d LUFS \(target -?\d+\.\d LUFS\)$/m);
    for (const row of ['profile', 'take', 'true peak', 'lead vocal', 'reverb'])
      expect(r.stdout).toMatch(new RegExp(`^${row}\\s`, 'm'));
    const report = readReport('mix.json');
    expect(report.offset.applied).toBe(true);
    expect(report.offset.source).toMatch(/estimated/);
    expect(report.offset.confidence).toBeGreaterThan(0.3);
    expect(Math.abs(report.offset.appliedSeconds - DELAY_SECONDS)).toBeLessThan(0.005);
    await expectMixFor('mix.wav', report);
  }, 120_000);

  it.skipIf(!ff.ok)(
    `mixes an M4A (AAC) take${ff.why}`,
    async () => {
      const r = zhiyin(
        'automix',
        '--vocal',
        'take.m4a',
        '--backing',
        'backing.wav',
        '--profile',
        PROFILE,
        '-o',
        'm4a.wav',
      );
      expect(r.code, r.stderr).toBe(0);
      const report = readReport('m4a.json');
      expect(report.offset.applied).toBe(true);
      await expectMixFor('m4a.wav', report);
    },
    120_000,
  );

  it('prints JSON, takes English and Chinese words for the vocal and a given offset', async () => {
    const r = zhiyin(
      'automix',
      '--vocal',
      'take.wav',
      '--backing',
      'backing.wav',
      '-p',
      PROFILE,
      '--vocal-words',
      'warmer',
      '--人声',
      '更温暖',
      '--offset-ms',
      '120',
      '-o',
      'words.wav',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report).toEqual(readReport('words.json'));
    expect(report.vocal.descriptors).toEqual(['warmer', '更温暖']);
    expect(report.offset.source).toBe('given');
    expect(Math.abs(report.offset.appliedSeconds - DELAY_SECONDS)).toBeLessThan(1 / SR);
    await expectMixFor('words.wav', report);
  }, 120_000);

  it('refuses bad inputs, options and outputs in one line, writing nothing', () => {
    const takeBytes = readFileSync(join(dir, 'take.wav'));
    const before = readdirSync(dir).sort();
    const run = (args: string[], pattern: RegExp) =>
      expectOneLineError(zhiyin('automix', ...args), pattern);
    const ok = ['--vocal', 'take.wav', '--backing', 'backing.wav'];
    const out = ['-o', 'bad.wav'];
    run(['--backing', 'backing.wav', ...out], /--vocal FILE/);
    run(['--vocal', 'take.wav', ...out], /--backing FILE/);
    run(['--vocal', 'nothing.wav', '--backing', 'backing.wav', ...out], /not found: nothing\.wav/);
    run(['--vocal', 'take.wav', '--backing', 'nothing.mp3', ...out], /not found: nothing\.mp3/);
    run(['--vocal', 'empty.wav', '--backing', 'backing.wav', ...out], /empty\.wav is empty/);
    run(['--vocal', 'notes.txt', '--backing', 'backing.wav', ...out], /audio format/i);
    run(['--vocal', 'silent.wav', '--backing', 'backing.wav', ...out], /silent/);
    run([...ok, '-p', 'cinema', ...out], /profile "cinema"/);
    run([...ok, '--set', 'vocal=loud', ...out], /vocal=loud/);
    run([...ok, '--vocal-words', 'glorious', ...out], /glorious/);
    run([...ok, '-o', 'mix.mp3'], /WAV files only/);
    run(ok, /-o OUT\.wav/);
    run([...ok, '-o', 'kept.wav'], /kept\.wav exists already/);
    run([...ok, '--offset-ms', '5000', ...out], /--offset-ms must be from -1000 to 1000/);
    run([...ok, '--offset-ms', 'late', ...out], /--offset-ms must be a number/);
    run([...ok, '--max-offset-ms', '9000', ...out], /--max-offset-ms must be from 10 to 5000/);
    run(
      [...ok, '--max-minutes', '0.05', ...out],
      /take\.wav is 0\.13 min long; automix takes at most 0\.05 min \(raise it with --max-minutes\)/,
    );
    run([...ok, '-o', 'take.wav', '-y'], /take\.wav is also an input/);
    run([...ok, '-o', './backing.wav', '-y'], /backing\.wav is also an input/);
    run([...ok, '-o', 'link.wav', '-y'], /link\.wav is also an input \(take\.wav\)/);
    run(['--vocal', 'take.wav', '--backing', './take.wav', ...out], /the same file/);
    run(
      ['--vocal', 'hour.wav', '--backing', 'backing.wav', ...out],
      /hour\.wav is 60 min long; automix takes at most 20 min/,
    );
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(join(dir, 'bad.wav'))).toBe(false);
    expect(readFileSync(join(dir, 'take.wav')).equals(takeBytes)).toBe(true);
  }, 120_000);
});
