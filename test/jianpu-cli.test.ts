/**
 * End-to-end tests of `zhiyin jianpu` (and `zhiyin mode` on **kern) through the built CLI
 * (npm test builds it first): SVG and text output, key detection and --key, --meter, and one
 * clear line for bad input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import toneMidi from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { cliHarness, expectOneLineError } from './cli-harness.js';

const { dir, zhiyin } = cliHarness('zhiyin-jianpu');

const U = '\u0332',
  UP = '\u0307',
  DOWN = '\u0323';
// 茉莉花's opening in D: 3 3̲5̲ | 6̲1̲̇ 1̲̇6̲ | 5 5̲6̲ | 5 - ‖
writeFileSync(
  join(dir, 'jasmine.abc'),
  'X:1\nT:茉莉花 <Jasmine>\nM:2/4\nL:1/8\nK:D\nF2 FA | Bdd B | A2 AB | A4 |]\n',
);
// Ode to Joy, first phrase and its answer, in D, beside a lyrics spine.
const ode = [
  ['4f#', '4f#', '4g', '4a'],
  ['4a', '4g', '4f#', '4e'],
  ['4d', '4d', '4e', '4f#'],
  ['4.f#', '8e', '2e'],
  ['4f#', '4f#', '4g', '4a'],
  ['4a', '4g', '4f#', '4e'],
  ['4d', '4d', '4e', '4f#'],
  ['4.e', '8d', '2d'],
];
writeFileSync(
  join(dir, 'ode.krn'),
  `!!!OTL: Ode to Joy\n**kern\t**text\n*k[f#c#]\t*\n*D:\t*\n*M4/4\t*\n${ode
    .map((bar, i) => `=${i + 1}\t=${i + 1}\n${bar.map((t) => `${t}\tla`).join('\n')}\n`)
    .join('')}==\t==\n*-\t*-\n`,
);

describe('zhiyin jianpu', () => {
  it('has help', () => {
    const r = zhiyin('jianpu', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: zhiyin jianpu/);
    expect(zhiyin('--help').stdout).toContain('jianpu');
  });

  it('writes an ABC tune as SVG, 1 = the gong of its detected mode', () => {
    const r = zhiyin('jianpu', 'jasmine.abc', '-o', 'jasmine.svg');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^1=D 2\/4 \(1 = the gong \(宫\) of the detected A zhi mode \(pentatonic\)\); 0 lengths approximated to the nearest quarter beat; wrote jasmine\.svg\n$/,
    );
    const svg = readFileSync(join(dir, 'jasmine.svg'), 'utf8');
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('>茉莉花 &lt;Jasmine&gt;</text>');
    expect(svg).toContain('>1=D 2/4</text>');
    const digits = [...svg.matchAll(/<text class="n"[^>]*>(\d)<\/text>/g)].map((m) => m[1]);
    expect(digits.join('')).toBe('33561165565');
  });

  it('writes text to a file or to stdout (the summary then on stderr)', () => {
    const expected = `茉莉花 <Jasmine>\n1=D 2/4\n| 3 3${U} 5${U} | 6${U} 1${UP}${U} 1${UP}${U} 6${U} | 5 5${U} 6${U} | 5 - ‖\n`;
    const r = zhiyin('jianpu', 'jasmine.abc', '-o', 'jasmine.txt');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1=D 2\/4 .*wrote jasmine\.txt\n$/);
    expect(readFileSync(join(dir, 'jasmine.txt'), 'utf8')).toBe(expected);
    const out = zhiyin('jianpu', 'jasmine.abc');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(expected);
    expect(out.stderr).toMatch(/^1=D 2\/4 \(1 = .*\); 0 lengths approximated/);
  });

  it('reads a **kern file (title, meter) and takes --key, --meter and --title', () => {
    const r = zhiyin('jianpu', 'ode.krn');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Ode to Joy');
    expect(lines[1]).toBe('1=D 4/4');
    expect(lines[2]).toMatch(/^\| 3 3 4 5 \| 5 4 3 2 \| 1 1 2 3 \| 3· 2\u0332 2 - \| 3 3 4 5 /);
    // --key G: F♯4 is 7 below the middle octave; --meter 2/4 halves the bars.
    const g = zhiyin('jianpu', 'ode.krn', '--key', 'G', '--meter', '2/4', '--title', 'Freude');
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout.split('\n').slice(0, 3)).toEqual([
      'Freude',
      '1=G 2/4',
      expect.stringMatching(new RegExp(`^\\| 7${DOWN} 7${DOWN} \\| 1 2 \\| 2 1 \\|`)),
    ]);
    expect(g.stderr).toMatch(/^1=G 2\/4 \(1 = --key\)/);
    const flat = zhiyin('jianpu', 'ode.krn', '--key', 'Bb', '-o', 'ode.svg');
    expect(flat.code, flat.stderr).toBe(0);
    expect(flat.stdout).toMatch(/^1=B♭ 4\/4 \(1 = --key\)/);
    expect(readFileSync(join(dir, 'ode.svg'), 'utf8')).toContain('>1=B♭ 4/4</text>');
  });

  it('reads a MIDI melody and counts the lengths it approximates', () => {
    const m = new toneMidi.Midi();
    const track = m.addTrack();
    let beat = 0;
    for (const [midi, beats] of [
      [62, 1],
      [64, 1 / 3],
      [66, 1 / 3],
      [67, 1 / 3],
      [69, 2],
    ] as const) {
      track.addNote({ midi, ticks: beat * m.header.ppq, durationTicks: beats * m.header.ppq });
      beat += beats;
    }
    writeFileSync(join(dir, 'tune.mid'), m.toArray());
    const r = zhiyin('jianpu', 'tune.mid', '--key', 'D');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1=D 4\/4\n\| 1 /);
    expect(r.stderr).toMatch(/; 3 lengths approximated/);
  });

  it('meets bad input with one clear line and exit code 2', () => {
    writeFileSync(join(dir, 'notes.txt'), 'these are no notes at all');
    expectOneLineError(
      zhiyin('jianpu', 'notes.txt'),
      /is not a melody file Zhiyin reads \(MusicXML, \.mxl, MIDI, ABC or \*\*kern\)/,
    );
    writeFileSync(join(dir, 'bad.krn'), '**kern\n*M4/4\n4c\n4cd\n*-\n');
    expectOneLineError(
      zhiyin('jianpu', 'bad.krn'),
      /bad\.krn: line 4: cannot read the \*\*kern token "4cd"/,
    );
    expectOneLineError(zhiyin('jianpu', 'missing.abc'), /File not found/);
    expectOneLineError(zhiyin('jianpu', 'jasmine.abc', '--key', 'H'), /--key must be a note name/);
    expectOneLineError(
      zhiyin('jianpu', 'jasmine.abc', '--meter', 'waltz'),
      /--meter must look like/,
    );
    expectOneLineError(zhiyin('jianpu', 'jasmine.abc', '--width', '5'), /--width must be from 200/);
  });
});

describe('zhiyin mode on **kern', () => {
  it('ranks the mode of a **kern melody', () => {
    const r = zhiyin('mode', 'ode.krn', '--system', 'western');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1\. D major/);
  });
});
