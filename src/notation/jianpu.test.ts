import { describe, expect, it } from 'vitest';
import { detectMode, modeById } from '../theory/index.js';
import { jianpuSymbol, jianpuText, jianpuTonic, readAbc } from './index.js';

describe('jianpu', () => {
  it('writes degrees with accidentals and octave dots relative to the tonic', () => {
    expect(jianpuSymbol(62, 2)).toBe('1');
    expect(jianpuSymbol(69, 2)).toBe('5');
    expect(jianpuSymbol(74, 2)).toBe('1\u0307');
    expect(jianpuSymbol(86, 2)).toBe('1\u0307\u0307');
    expect(jianpuSymbol(59, 2)).toBe('6\u0323');
    expect(jianpuSymbol(68, 2)).toBe('♯4');
    expect(jianpuSymbol(72, 2)).toBe('♭7');
  });

  it('writes 茉莉花 in D with bars, dashes, dots and underlines (hand-checked)', () => {
    // 3 3̲5̲ 6̲1̲̇1̲̇6̲ | 5 5̲6̲ 5 - | in 2/4.
    const tune = readAbc('X:1\nM:2/4\nL:1/8\nK:D\nF2 FA | Bdd B | A2 AB | A4 |]');
    const { text, approximated } = jianpuText(tune.notes, { tonicPc: 2, meter: '2/4' });
    const u = '\u0332',
      up = '\u0307';
    expect(text).toBe(
      `1=D 2/4\n| 3 3${u} 5${u} | 6${u} 1${up}${u} 1${up}${u} 6${u} | 5 5${u} 6${u} | 5 - ‖`,
    );
    expect(approximated).toBe(0);
  });

  it('writes dotted notes, quarter beats, rests, and ties across bar lines', () => {
    const notes = [
      { midi: 60, duration: 1.5 },
      { midi: 62, duration: 0.25 },
      { midi: 64, duration: 0.25 },
      { duration: 1 },
      { midi: 65, duration: 3 }, // crosses the bar: 1 beat here, 2 in the next bar
      { midi: 67, duration: 2 },
    ];
    const { text } = jianpuText(notes, { tonicPc: 0, meter: '4/4' });
    expect(text).toBe('1=C 4/4\n| 1· 2\u0333 3\u0333 0 4 | ⁀4 - 5 - ‖');
  });

  it('counts lengths it can only approximate (triplets)', () => {
    const third = 1 / 3;
    const { approximated } = jianpuText(
      [
        { midi: 60, duration: third },
        { midi: 62, duration: third },
        { midi: 64, duration: third },
      ],
      { tonicPc: 0 },
    );
    expect(approximated).toBe(3);
  });

  it('takes 1 as the gong of a Chinese mode and the relative major of a Western one', () => {
    const jasmine = readAbc('X:1\nM:2/4\nL:1/8\nK:D\nF2 FA | Bdd B | A2 AB | A4 |]').notes;
    const zhi = detectMode(jasmine, { systems: ['chinese'] })[0]!;
    expect(zhi.name.en).toBe('A zhi mode (pentatonic)');
    expect(jianpuTonic(zhi)).toBe(2); // gong D
    const scarborough = readAbc(
      'M:3/4\nL:1/4\nK:DDor\nD2 D | A2 A | E>F E | D3 | z A c | d2 c | A B G | A3 | z2 d | d2 d | c2 A | A G F | E C2 | D2 A | G2 F | E D C | D3 |]',
    ).notes;
    const dorian = detectMode(scarborough, { systems: ['western'] })[0]!;
    expect(dorian.name.en).toBe('D Dorian');
    expect(jianpuTonic(dorian)).toBe(0); // C major's notes
    expect(jianpuTonic({ ...dorian, tonicPc: 9, modes: [modeById('minor')!] })).toBe(0);
    expect(jianpuTonic({ ...dorian, tonicPc: 7, modes: [modeById('major')!] })).toBe(7);
  });
});
