/**
 * End-to-end tests of `zhiyin atlas` on the built CLI (npm test builds it first): listing and
 * filtering, the instrument card, JSON output, and one clear line with exit code 2 for names
 * and options it cannot use.
 */
import { describe, expect, it } from 'vitest';
import { cliHarness, expectOneLineError } from './cli-harness.js';

const { zhiyin } = cliHarness('zhiyin-atlas-cli');

describe('zhiyin atlas', () => {
  it('prints help for atlas and atlas show', () => {
    expect(zhiyin('--help').stdout).toContain('atlas');
    for (const args of [
      ['atlas', '--help'],
      ['atlas', 'show', '--help'],
    ]) {
      const r = zhiyin(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: zhiyin atlas/);
    }
  });

  it('finds an instrument by its Chinese name and shows its range as note names', () => {
    const r = zhiyin('atlas', '二胡');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^erhu\s+二胡\s+èrhú\s+Erhu\s+bowed · 丝\s+D4–A6$/m);
    expect(zhiyin('atlas', 'two', 'string', 'fiddle').stdout).toMatch(/^erhu /m);
  });

  it('lists everything grouped by tradition and family', () => {
    const r = zhiyin('atlas');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Chinese instruments 中国乐器 \(\d+\)/);
    expect(r.stdout).toMatch(/Western instruments 西洋乐器 \(\d+\)/);
    expect(r.stdout).toMatch(/plucked 弹拨[\s\S]*guzheng\s+古筝/);
    expect(r.stdout).toMatch(/bowed 拉弦[\s\S]*violin\s+小提琴/);
  });

  it('filters by family, range and technique', () => {
    const r = zhiyin('atlas', '--family', '丝', '--range', 'D4-A5');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^erhu /m);
    expect(r.stdout).not.toMatch(/^dizi/m);
    const t = zhiyin('atlas', '--technique', '按音');
    expect(t.stdout).toMatch(/^guzheng .*按音 press bend/m);
  });

  it('shows a bilingual card with techniques and sources', () => {
    const r = zhiyin('atlas', 'show', 'erhu');
    expect(r.code).toBe(0);
    for (const text of [
      '二胡  èrhú  Erhu',
      'practical D4–A6',
      'open strings D4 A4',
      '揉弦 róuxián',
      'jianpu:',
      'program 110 Fiddle',
      'violin (小提琴 Violin)',
      'sources',
      'MuseScore',
    ])
      expect(r.stdout).toContain(text);
    expect(zhiyin('atlas', 'show', '古筝').stdout).toContain('[guzheng, chinese]');
    expect(zhiyin('atlas', 'show', 'clarinet-bb').stdout).toMatch(/sounds 2 semitones lower/);
  });

  it('prints records as JSON', () => {
    const list = JSON.parse(zhiyin('atlas', 'erhu', '--json').stdout) as { id: string }[];
    expect(list[0]?.id).toBe('erhu');
    const one = JSON.parse(zhiyin('atlas', 'show', 'guzheng', '--json').stdout) as {
      id: string;
      tuning: { openStrings: number[] };
    };
    expect(one.id).toBe('guzheng');
    expect(one.tuning.openStrings).toHaveLength(21);
  });

  it('refuses unknown names, ambiguous names and bad options in one line', () => {
    expectOneLineError(zhiyin('atlas', 'show', 'erhoo'), /no instrument "erhoo".*nearest: erhu/);
    expectOneLineError(zhiyin('atlas', 'nosuchthing'), /no instrument "nosuchthing"/);
    expectOneLineError(zhiyin('atlas', 'show', 'dizi'), /"dizi" names 6 instruments: .*dizi-d/);
    expectOneLineError(zhiyin('atlas', '--range', 'X'), /--range must be two notes/);
    expectOneLineError(zhiyin('atlas', '--family', 'plastic'), /is no family/);
    expectOneLineError(zhiyin('atlas', 'show'), /missing required argument/);
  });
});
