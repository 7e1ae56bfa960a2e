import { describe, expect, it } from 'vitest';
import { isZhiyinError } from '../errors/index.js';
import { detectMode } from '../theory/index.js';
import { readKern } from './index.js';

/** A one-spine **kern file from data tokens, one per line. */
const kern = (...tokens: string[]) => `**kern\n${tokens.join('\n')}\n*-\n`;
const pitches = (text: string) =>
  readKern(text)
    .notes.filter((n) => n.midi !== undefined)
    .map((n) => n.midi);
const durations = (text: string) => readKern(text).notes.map((n) => n.duration);

/** Ode to Joy (Beethoven, Symphony no. 9), its first eight bars in D, beside a dynamics spine. */
const ODE = `!!!COM: Beethoven, Ludwig van
!!!OTL: Ode to Joy
**kern\t**dynam
*clefG2\t*
*k[f#c#]\t*
*D:\t*
*M4/4\t*
=1\t=1
4f#\tp
4f#\t.
4g\t.
4a\t.
=2\t=2
4a\t.
4g\t.
4f#\t.
4e\t.
=3\t=3
4d\t.
4d\t.
4e\t.
4f#\t.
=4\t=4
4.f#\t.
8e\t.
2e\t.
=5\t=5
4f#\t.
4f#\t.
4g\t.
4a\t.
=6\t=6
4a\t.
4g\t.
4f#\t.
4e\t.
=7\t=7
4d\t.
4d\t.
4e\t.
4f#\t.
=8\t=8
4.e\t.
8d\t.
2d\t.
==\t==
*-\t*-
`;

describe('readKern', () => {
  it('reads a real tune: title, key, meter, pitches and lengths (hand-checked)', () => {
    const tune = readKern(ODE);
    expect(tune.title).toBe('Ode to Joy');
    expect(tune.key).toBe('D major');
    expect(tune.keyTonicPc).toBe(2);
    expect(tune.keyMode).toBe('major');
    expect(tune.keyFifths).toBe(2);
    expect(tune.meter).toBe('4/4');
    // F♯4 F♯4 G4 A4 | A4 G4 F♯4 E4 | D4 D4 E4 F♯4 | F♯4· E4 E4 |, then the same to E4· D4 D4
    const phrase = [66, 66, 67, 69, 69, 67, 66, 64, 62, 62, 64, 66];
    expect(tune.notes.map((n) => n.midi)).toEqual([...phrase, 66, 64, 64, ...phrase, 64, 62, 62]);
    const quarters = Array<number>(12).fill(1);
    expect(tune.notes.map((n) => n.duration)).toEqual([
      ...quarters,
      1.5,
      0.5,
      2,
      ...quarters,
      1.5,
      0.5,
      2,
    ]);
    expect(detectMode(tune.notes, { systems: ['western'] })[0]!.name.en).toBe('D major');
    // Windows line ends read the same.
    expect(readKern(ODE.replace(/\n/g, '\r\n')).notes).toEqual(tune.notes);
  });

  it('reads octaves by case and repetition, and accidentals # ## - -- n', () => {
    expect(pitches(kern('4c', '4cc', '4ccc', '4C', '4CC', '4b', '4B'))).toEqual([
      60, 72, 84, 48, 36, 71, 59,
    ]);
    expect(pitches(kern('4c#', '4e-', '4b--', '4f##', '4cn', '4B-'))).toEqual([
      61, 63, 69, 67, 60, 58,
    ]);
  });

  it('reads recips, breves, tuplets, rational recips and dots in quarter notes', () => {
    expect(durations(kern('1c', '2c', '4c', '8c', '16c', '32c'))).toEqual([
      4, 2, 1, 0.5, 0.25, 0.125,
    ]);
    expect(durations(kern('0c', '00c', '2.c', '8..c', '4r', '2.r'))).toEqual([
      8, 16, 3, 0.875, 1, 3,
    ]);
    // Triplet halves and eighths, triplet sixteenths, quintuplet sixteenths, 3%2 = 8/3.
    const d = durations(kern('3c', '6c', '12c', '20c', '3%2c'));
    [4 / 3, 2 / 3, 1 / 3, 0.2, 8 / 3].forEach((x, i) => expect(d[i]).toBeCloseTo(x, 12));
  });

  it('merges ties into one note (across bar lines too), skips grace notes, takes chord tops', () => {
    expect(durations(kern('[4c', '4c]', '8d'))).toEqual([2, 0.5]);
    expect(durations(kern('[2c', '=2', '4c_', '4c]', '4d'))).toEqual([4, 1]);
    // A tie to another pitch is no tie: the notes stay apart.
    expect(durations(kern('[4c', '4d]'))).toEqual([1, 1]);
    expect(pitches(kern('8qd', '4c', 'qe', '16Qf', '4g'))).toEqual([60, 67]);
    expect(readKern(kern('4c 4e 4g', '2r 2c', '4r')).notes).toEqual([
      { midi: 67, duration: 1 },
      { midi: 60, duration: 2 },
      { duration: 1 },
    ]);
  });

  it('skips comments, null tokens, other signifiers and spines, and reads key designations', () => {
    const text = `!! a global comment
**kern\t**text\t**kern
*k[b-e-]\t*\t*k[b-e-]
*g:\t*\t*g:
*M3/4\t*\t*M3/4
!local\t!\t!
(4g;\tla\t2G
8.b-L\tla\t.
16a'Jk)\t.\t.
=\t=\t=
2.gyy\tla\t2.GG
*-\t*-\t*-
`;
    const tune = readKern(text);
    expect(tune.key).toBe('G minor');
    expect(tune.keyTonicPc).toBe(7);
    expect(tune.keyMode).toBe('minor');
    expect(tune.keyFifths).toBe(-2);
    expect(tune.meter).toBe('3/4');
    expect(tune.notes).toEqual([
      { midi: 67, duration: 1 },
      { midi: 70, duration: 0.75 },
      { midi: 69, duration: 0.25 },
      { midi: 67, duration: 3 },
    ]);
    const key = (designation: string) => {
      const t = readKern(`**kern\n${designation}\n4c\n*-\n`);
      return [t.key, t.keyTonicPc, t.keyMode];
    };
    expect(key('*B-:')).toEqual(['Bb major', 10, 'major']);
    expect(key('*f#:')).toEqual(['F# minor', 6, 'minor']);
    expect(key('*D:dor')).toEqual(['D dorian', 2, 'dorian']);
    expect(key('*k[f#]')).toEqual(['k[f#]', undefined, undefined]);
    expect(readKern(kern('4c')).meter).toBe('4/4');
    expect(readKern(kern('4c')).title).toBe('');
  });

  it('follows spine splits (*^, reading the first sub-spine), merges *v, *x and *+', () => {
    const text = `**kern\t**kern
4CC\t4c
*\t*^
4DD\t4e\t4c
.\t4f\t8d
.\t.\t8e
*\t*v\t*v
4EE\t4g
*x\t*x
4a\t4FF
*-\t*-
`;
    // The first **kern spine (here the bass), through its exchange with the other.
    expect(pitches(text)).toEqual([36, 38, 40, 41]);
    const split = `**kern\n4c\n*^\n4e\t4c\n4f\t8d\n.\t8e\n*v\t*v\n4g\n*+\n*\t**dynam\n4a\tp\n*-\t*-\n`;
    expect(pitches(split)).toEqual([60, 64, 65, 67, 69]);
    expect(durations(split)).toEqual([1, 1, 1, 1, 1]);
  });

  it('refuses bad input in one line with the line number, and survives seeded mutations', () => {
    const error = (text: string) => {
      try {
        readKern(text, 'x.krn');
        return 'read';
      } catch (e) {
        return isZhiyinError(e) ? `${e.code}: ${e.message}` : `not a ZhiyinError: ${String(e)}`;
      }
    };
    expect(error('')).toMatch(/^EMPTY_INPUT: x\.krn is empty/);
    expect(error(`**kern\n${'4c\n'.repeat(400_000)}`)).toMatch(/^LIMIT_EXCEEDED: .*over 1 MB/);
    expect(error('**dynam\np\n*-')).toMatch(/^CORRUPT_DATA: x\.krn has no \*\*kern spine/);
    expect(error('X:1\nK:D\nABC')).toMatch(/no \*\*kern spine/);
    expect(error(kern('4r', '2r'))).toMatch(/^EMPTY_INPUT: x\.krn has no notes/);
    expect(error(kern('4c', '4cd'))).toMatch(
      /^CORRUPT_DATA: x\.krn: line 3: cannot read the \*\*kern token "4cd" \(two pitches/,
    );
    expect(error(kern('4'))).toMatch(/line 2: .*"4" \(no pitch and no rest\)/);
    expect(error(kern('c'))).toMatch(/line 2: .*no duration/);
    expect(error(kern('4c#-'))).toMatch(/both a sharp and a flat/);
    expect(error(kern('4c4'))).toMatch(/two durations/);
    expect(error(kern('04c'))).toMatch(/leading zero/);
    expect(error(kern('4cccccccccccc'))).toMatch(/outside the MIDI range/);
    expect(error(kern('4c\u00e9'))).toMatch(/the character "é"/);
    expect(error('**kern\n4c\t4d\n*-')).toMatch(/line 2 has 2 tab-separated tokens where 1/);
    expect(error('**kern\n*D:xyz\n4c\n*-')).toMatch(/line 2: "xyz" .* not a Humdrum mode/);
    expect(error('**kern\t**kern\n*x\t*\n')).toMatch(/line 2: \*x must come in an adjacent pair/);
    for (const e of [error(kern('4c', '4cd')), error('**kern\n4c\t4d')])
      expect(e).not.toContain('\n');
    // Seeded mutations of a real file never escape as anything but a ZhiyinError.
    let s = 7;
    const rnd = (n: number) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % n;
    };
    const alphabet = 'abcgABG0123468.#-n_[]()qQr;=*!^vx+ \t\n\u00e9%:';
    for (let k = 0; k < 2000; k++) {
      let t = ODE;
      for (let j = 0, n = 1 + rnd(6); j < n; j++) {
        const at = rnd(t.length);
        const op = rnd(3);
        const c = alphabet[rnd(alphabet.length)]!;
        t =
          op === 0
            ? t.slice(0, at) + c + t.slice(at + 1)
            : op === 1
              ? t.slice(0, at) + c + t.slice(at)
              : t.slice(0, at) + t.slice(at + 1 + rnd(20));
      }
      expect(error(t)).not.toMatch(/^not a ZhiyinError/);
    }
  });
});
