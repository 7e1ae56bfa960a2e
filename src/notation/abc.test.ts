import { describe, expect, it } from 'vitest';
import { isZhiyinError } from '../errors/index.js';
import { detectMode } from '../theory/index.js';
import { readAbc } from './index.js';

const pitches = (abc: string) =>
  readAbc(abc)
    .notes.filter((n) => n.midi !== undefined)
    .map((n) => n.midi);
const durations = (abc: string) => readAbc(abc).notes.map((n) => n.duration);

describe('readAbc', () => {
  it('reads header fields, the key signature and octaves (hand-checked)', () => {
    const tune = readAbc("X:1\nT:Scale\nM:4/4\nL:1/4\nK:D\nDEFG|ABcd|C,c'|\n");
    expect(tune.title).toBe('Scale');
    expect(tune.keyTonicPc).toBe(2);
    expect(tune.notes.map((n) => n.midi)).toEqual([62, 64, 66, 67, 69, 71, 73, 74, 49, 85]);
    expect(tune.notes.every((n) => n.duration === 1)).toBe(true);
  });

  it('keeps accidentals to the bar line, and reads modes in K:', () => {
    expect(pitches('K:C\nL:1/4\n^F F =F F | F')).toEqual([66, 66, 65, 65, 65]);
    expect(pitches('K:Em\nL:1/4\nF')).toEqual([66]);
    expect(pitches('K:ADor\nL:1/4\nFcB')).toEqual([66, 72, 71]);
    expect(pitches('K:Bb mix\nL:1/4\nBEA')).toEqual([70, 63, 68]);
    expect(pitches('K:G\nL:1/4\n__B ^^F')).toEqual([69, 67]);
  });

  it('reads lengths, rests, ties, broken rhythm and triplets in beats', () => {
    // L:1/8, so one unit is half a beat.
    expect(durations('K:C\nL:1/8\nA2 A/2 A/ A3/2 A// z2')).toEqual([1, 0.25, 0.25, 0.75, 0.125, 1]);
    expect(durations('K:C\nL:1/8\nA2-A2 B')).toEqual([2, 0.5]);
    expect(durations('K:C\nL:1/8\nA>B C<D E>>F')).toEqual([0.75, 0.25, 0.25, 0.75, 0.875, 0.125]);
    expect(durations('K:C\nL:1/8\n(3ABc d')).toEqual([1 / 3, 1 / 3, 1 / 3, 0.5]);
    // Default unit: 1/8 for 4/4, 1/16 for 2/4.
    expect(durations('M:4/4\nK:C\nA')).toEqual([0.5]);
    expect(durations('M:2/4\nK:C\nA')).toEqual([0.25]);
  });

  it("skips decorations, chord symbols and grace notes, and takes a chord's top note", () => {
    expect(pitches('K:C\nL:1/4\n"Am"!trill!A {g}B ~c [CEG]2 |: d :| [1 e :|[2 f |]')).toEqual([
      69, 71, 72, 67, 74, 76, 77,
    ]);
  });

  it('reads a tune well enough to find its mode (Scarborough Fair, D Dorian)', () => {
    const abc = `X:1
T:Scarborough Fair
M:3/4
L:1/4
K:DDor
D2 D | A2 A | E>F E | D3 | z A c | d2 c | A B G | A3 |
z2 d | d2 d | c2 A | A G F | E C2 | D2 A | G2 F | E D C | D3 |]`;
    const tune = readAbc(abc);
    expect(tune.keyMode).toBe('dor');
    expect(detectMode(tune.notes, { systems: ['western'] })[0]!.name.en).toBe('D Dorian');
  });

  it('refuses a tune without a key, with a bad length or an unknown mode, in one clear line', () => {
    const code = (text: string) => {
      try {
        readAbc(text, 'x.abc');
        return 'read';
      } catch (e) {
        return isZhiyinError(e) ? `${e.code}: ${e.message}` : `not a ZhiyinError: ${String(e)}`;
      }
    };
    expect(code('')).toMatch(/^EMPTY_INPUT/);
    expect(code('X:1\nT:No key\nABC')).toMatch(/^CORRUPT_DATA: x\.abc has no K:/);
    expect(code('L:0/8\nK:C\nA')).toMatch(/^CORRUPT_DATA: x\.abc: L: must be a fraction/);
    expect(code('K:Cxyz\nA')).toMatch(/^CORRUPT_DATA: .*not a mode/);
    expect(code('K:C\nA "unclosed')).toMatch(/^CORRUPT_DATA: .*unclosed chord symbol/);
    expect(code('K:C\nA # B')).toMatch(/^CORRUPT_DATA: .*unexpected "#"/);
    expect(code('K:C\nz4')).toMatch(/^EMPTY_INPUT/);
    // Seeded garbage never escapes as anything but a ZhiyinError.
    let s = 3;
    for (let k = 0; k < 300; k++) {
      let t = 'K:C\n';
      for (let j = 0; j < 30; j++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        t += 'ABCabc,\'^_=/23z-<>()[]{}|:"!+ \n'[s % 33];
      }
      expect(code(t)).not.toMatch(/^not a ZhiyinError/);
    }
  });
});
