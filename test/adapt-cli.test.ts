/**
 * End-to-end tests of `zhiyin adapt` (and MusicXML through `zhiyin mode` and `zhiyin jianpu`)
 * through the built CLI (npm test builds it first): the fit report in both languages, every
 * output format written and readable, and one clear line for bad input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readMusicXml,
  readMxl,
  readScore,
  scoreToMelody,
  soundingMidi,
} from '../src/notation/index.js';
import { encodeWav } from '../src/audio/index.js';
import { repoRoot } from './shared-data.js';
import { cliHarness, expectOneLineError } from './cli-harness.js';

const { dir, zhiyin } = cliHarness('zhiyin-adapt');
const melodies = join(repoRoot, 'eval', 'melodies');

describe('zhiyin adapt', () => {
  it('adapts Greensleeves to the erhu with ornaments: report in English and Chinese, every output format', () => {
    const out = (ext: string) => join(dir, `greensleeves-erhu.${ext}`);
    const r = zhiyin(
      'adapt',
      join(melodies, 'greensleeves.abc'),
      '--to',
      '二胡',
      '--ornaments',
      '0.5',
      ...['musicxml', 'mxl', 'mid', 'svg', 'txt', 'wav'].flatMap((e) => ['-o', out(e)]),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Erhu 二胡/);
    expect(r.stdout).toMatch(/Key and mode: A /);
    expect(r.stdout).toMatch(/调式：A/);
    expect(r.stdout).toMatch(/Difficulty \d\/5/);
    expect(r.stdout).toMatch(/难度\d\/5/);
    expect(r.stdout).toMatch(/Ornaments \(density 0\.5\)/);
    const score = readMusicXml(readFileSync(out('musicxml'), 'utf8'));
    expect(score.instrument?.name).toMatch(/Erhu/);
    for (const n of score.notes) {
      const m = soundingMidi(score, n);
      if (m !== undefined) {
        expect(m).toBeGreaterThanOrEqual(62);
        expect(m).toBeLessThanOrEqual(93);
      }
    }
    expect(score.notes.some((n) => n.marks?.some((m) => m.kind === 'vibrato'))).toBe(true);
    const fromMxl = readMusicXml(readMxl(readFileSync(out('mxl'))));
    expect(scoreToMelody(fromMxl)).toEqual(scoreToMelody(score));
    const midi = readScore(readFileSync(out('mid')));
    expect(scoreToMelody(midi).filter((n) => n.midi !== undefined).length).toBeGreaterThan(20);
    expect(readFileSync(out('svg'), 'utf8')).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
    expect(readFileSync(out('txt'), 'utf8')).toMatch(/^1=[A-G]/);
    const wav = readFileSync(out('wav'));
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(44_100);
    expect(wav.length).toBeGreaterThan(44_100 * 2 * 5); // seconds of audio
  });

  it('--to auto ranks instruments; --pentatonic reports each change; --json is the whole report', () => {
    const r = zhiyin(
      'adapt',
      join(melodies, 'ode-to-joy.abc'),
      '--pentatonic',
      '--json',
      '--ornaments',
      '0',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      instrument: string;
      ranking: unknown[];
      pentatonic: { changes: { reason: { en: string; zh: string } }[] };
      ornaments: unknown[];
      advice: { en: string; zh: string }[];
    };
    expect(report.ranking.length).toBeGreaterThan(20);
    expect(report.pentatonic.changes.length).toBeGreaterThan(0);
    for (const c of report.pentatonic.changes) {
      expect(c.reason.en).toMatch(/outside the/);
      expect(c.reason.zh).toMatch(/五声音阶/);
    }
    expect(report.ornaments).toEqual([]);
  });

  it('guzheng: names the tuning and the press-bends in both languages', () => {
    const r = zhiyin('adapt', join(melodies, 'twinkle-twinkle.abc'), '--to', 'guzheng');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Tune the strings to the [A-G]/);
    expect(r.stdout).toMatch(/press-bends|no press-bends/);
    expect(r.stdout).toMatch(/按音|散音/);
  });

  it('refuses bad input in one line with exit code 2', () => {
    writeFileSync(
      join(dir, 'bomb.musicxml'),
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><score-partwise>&a;</score-partwise>',
    );
    expectOneLineError(zhiyin('adapt', join(dir, 'bomb.musicxml')), /declares XML entities/);
    expectOneLineError(
      zhiyin('adapt', join(melodies, 'ode-to-joy.abc'), '--to', 'theremin'),
      /no instrument "theremin"/,
    );
    expectOneLineError(
      zhiyin('adapt', join(melodies, 'ode-to-joy.abc'), '--to', 'muyu'),
      /unpitched percussion/,
    );
    expectOneLineError(
      zhiyin('adapt', join(melodies, 'ode-to-joy.abc'), '--ornaments', '3'),
      /--ornaments must be from 0 to 1/,
    );
    expectOneLineError(
      zhiyin('adapt', join(melodies, 'ode-to-joy.abc'), '-o', join(dir, 'x.pdf')),
      /cannot tell what to write/,
    );
    expectOneLineError(zhiyin('adapt', join(dir, 'missing.xml')), /missing\.xml/);
    writeFileSync(join(dir, 'notes.txt'), 'not a score');
    expectOneLineError(
      zhiyin('adapt', join(dir, 'notes.txt')),
      /neither a melody file .* nor a recording/,
    );
    writeFileSync(join(dir, 'broken.mid'), Buffer.from('MThd\u0000\u0000\u0000\u0006garbage'));
    expectOneLineError(zhiyin('adapt', join(dir, 'broken.mid')), /broken\.mid/);
  });

  it('adapts a recording through transcription: the sung-like phrase comes back in key and in range', () => {
    // 茉莉花's opening in D at 120 bpm: 3 3 5 6 1̇ 1̇ 6 5 5 6 5, a harmonic tone per note.
    const sr = 22_050;
    const line: [number, number][] = [
      [66, 1],
      [66, 0.5],
      [69, 0.5],
      [71, 0.5],
      [74, 0.5],
      [74, 0.5],
      [71, 0.5],
      [69, 1],
      [69, 0.5],
      [71, 0.5],
      [69, 2],
    ];
    const total = line.reduce((t, [, b]) => t + b * 0.5, 0.5);
    const x = new Float32Array(Math.round(total * sr));
    let at = 0;
    for (const [midi, beats] of line) {
      const f = 440 * 2 ** ((midi - 69) / 12);
      const n = Math.round(beats * 0.5 * sr);
      for (let i = 0; i < n - 200; i++) {
        const env = Math.min(1, i / 300) * Math.exp(-i / (0.8 * sr));
        let v = 0;
        for (let h = 1; h <= 4; h++) v += Math.sin((2 * Math.PI * f * h * i) / sr) / h;
        x[at + i] = 0.25 * env * v;
      }
      at += n;
    }
    writeFileSync(join(dir, 'phrase.wav'), encodeWav({ sampleRate: sr, channels: [x] }));
    const r = zhiyin('adapt', join(dir, 'phrase.wav'), '--to', 'erhu', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      mode: { name: { en: string } };
      fit: { range: { coverage: number; melody: [number, number] }; transposition: number };
    };
    expect(report.mode.name.en).toMatch(/^D gong|^D major|^A zhi|^B yu/);
    expect(report.fit.range.coverage).toBe(1);
    // The phrase spans F♯4–D5 and fits the erhu where it is.
    expect(report.fit.transposition % 12).toBe(0);
  });

  it('mode and jianpu read MusicXML written by adapt', () => {
    const xml = join(dir, 'jasmine.musicxml');
    expect(zhiyin('adapt', join(melodies, 'molihua.abc'), '--to', 'erhu', '-o', xml).code).toBe(0);
    const mode = zhiyin('mode', xml);
    expect(mode.code).toBe(0);
    expect(mode.stdout).toMatch(/^1\. [A-G]/);
    const jp = zhiyin('jianpu', xml, '-o', join(dir, 'jasmine.svg'));
    expect(jp.code).toBe(0);
    expect(readFileSync(join(dir, 'jasmine.svg'), 'utf8')).toContain('<svg');
  });
});
