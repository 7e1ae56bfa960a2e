import { describe, expect, it } from 'vitest';
import { isZhiyinError } from '../errors/index.js';
import {
  MODES,
  detectMode,
  interval,
  modeById,
  parsePitch,
  pitchName,
  pitchToMidi,
  scalePitches,
  spellOn,
  type MelodyNote,
} from './index.js';

const names = (tonicPc: number, id: string) =>
  scalePitches(tonicPc, modeById(id)!).map((p) => pitchName(p));

/** Notes from "D4:1 E4:0.5 r:1 …" (pitch:duration, r = rest). */
const melody = (text: string): MelodyNote[] =>
  text
    .trim()
    .split(/\s+/)
    .map((t) => {
      const [p, d] = t.split(':');
      return p === 'r'
        ? { duration: Number(d) }
        : { midi: pitchToMidi(parsePitch(p!)), duration: Number(d) };
    });

describe('pitches and intervals', () => {
  it('parses, names and numbers pitches', () => {
    expect(pitchToMidi(parsePitch('C4'))).toBe(60);
    expect(pitchToMidi(parsePitch('A4'))).toBe(69);
    expect(pitchToMidi(parsePitch('B#3'))).toBe(60);
    expect(pitchToMidi(parsePitch('Cb4'))).toBe(59);
    expect(pitchName(parsePitch('f##2'))).toBe('F♯♯2');
    expect(pitchName(parsePitch('E♭4'), { ascii: true })).toBe('Eb4');
    expect(pitchName(spellOn(66, 'G'))).toBe('G♭4');
    expect(pitchName(spellOn(60, 'B'))).toBe('B♯3');
  });

  it('refuses what is not a pitch, in one clear line', () => {
    for (const bad of ['H4', 'C', 'C#x4', '']) {
      let err: unknown;
      try {
        parsePitch(bad);
      } catch (e) {
        err = e;
      }
      expect(isZhiyinError(err) && err.code).toBe('INVALID_ARGUMENT');
    }
    expect(pitchToMidi(parsePitch('C', 5))).toBe(72);
  });

  it('names intervals by letter distance and semitones, in English and Chinese', () => {
    const iv = (a: string, b: string) => interval(parsePitch(a), parsePitch(b));
    expect(iv('C4', 'E4')).toMatchObject({ name: 'M3', zh: '大三度', semitones: 4 });
    expect(iv('C4', 'Eb4')).toMatchObject({ name: 'm3', zh: '小三度' });
    expect(iv('C4', 'F#4')).toMatchObject({ name: 'A4', zh: '增四度', semitones: 6 });
    expect(iv('C4', 'Gb4')).toMatchObject({ name: 'd5', zh: '减五度', semitones: 6 });
    expect(iv('B3', 'F4')).toMatchObject({ name: 'd5' });
    expect(iv('C4', 'C5')).toMatchObject({ name: 'P8', zh: '纯八度' });
    expect(iv('C4', 'C4')).toMatchObject({ name: 'P1', zh: '纯一度' });
    expect(iv('E4', 'C4')).toMatchObject({ name: 'M3', descending: true, semitones: -4 });
    expect(iv('C4', 'D5')).toMatchObject({ name: 'M9', semitones: 14 });
    expect(iv('C4', 'C#4')).toMatchObject({ name: 'A1' });
  });
});

describe('modes', () => {
  it('has the five pentatonic modes in six forms and nine Western modes', () => {
    expect(MODES.filter((m) => m.system === 'chinese')).toHaveLength(30);
    expect(MODES.filter((m) => m.system === 'western')).toHaveLength(9);
    expect(modeById('gong')!.intervals).toEqual([0, 2, 4, 7, 9]);
    expect(modeById('shang')!.intervals).toEqual([0, 2, 5, 7, 10]);
    expect(modeById('jue')!.intervals).toEqual([0, 3, 5, 8, 10]);
    expect(modeById('zhi')!.intervals).toEqual([0, 2, 5, 7, 9]);
    expect(modeById('yu')!.intervals).toEqual([0, 3, 5, 7, 10]);
    // The heptatonic systems on gong: 清乐 = major, 雅乐 = Lydian set, 燕乐 = Mixolydian set.
    expect(modeById('gong-qingyue')!.intervals).toEqual(modeById('major')!.intervals);
    expect(modeById('gong-yayue')!.intervals).toEqual(modeById('lydian')!.intervals);
    expect(modeById('gong-yanyue')!.intervals).toEqual(modeById('mixolydian')!.intervals);
    expect(modeById('yu-qingyue')!.intervals).toEqual(modeById('minor')!.intervals);
    expect(modeById('zhi')!.name.zh).toBe('徵调式（五声）');
  });

  it('spells scales as their parent key writes them', () => {
    expect(names(2, 'gong')).toEqual(['D4', 'E4', 'F♯4', 'A4', 'B4']);
    // A 徵调式: gong is D.
    expect(names(9, 'zhi')).toEqual(['A4', 'B4', 'D5', 'E5', 'F♯5']);
    // B♭ 羽: gong D♭.
    expect(names(10, 'yu')).toEqual(['B♭4', 'D♭5', 'E♭5', 'F5', 'A♭5']);
    expect(names(7, 'gong-yayue')).toEqual(['G4', 'A4', 'B4', 'C♯5', 'D5', 'E5', 'F♯5']);
    expect(names(7, 'gong-yanyue')).toEqual(['G4', 'A4', 'B4', 'C5', 'D5', 'E5', 'F5']);
    expect(names(9, 'harmonic-minor')).toEqual(['A4', 'B4', 'C5', 'D5', 'E5', 'F5', 'G♯5']);
    expect(names(2, 'dorian')).toEqual(['D4', 'E4', 'F4', 'G4', 'A4', 'B4', 'C5']);
    expect(names(6, 'major')).toEqual(['F♯4', 'G♯4', 'A♯4', 'B4', 'C♯5', 'D♯5', 'E♯5']);
    expect(names(5, 'major')).toEqual(['F4', 'G4', 'A4', 'B♭4', 'C5', 'D5', 'E5']);
  });
});

describe('detectMode', () => {
  it('reads 茉莉花 as D gong pentatonic (宫调式), with its reasons', () => {
    // Jasmine Flower, first two phrases, 1 = D.
    const tune = melody(
      'F#4:1 F#4:0.5 A4:0.5 B4:0.5 D5:0.5 D5:0.5 B4:0.5 A4:1 A4:0.5 B4:0.5 A4:2 ' +
        'F#4:1 F#4:0.5 A4:0.5 B4:0.5 D5:0.5 D5:0.5 B4:0.5 A4:1 A4:0.5 B4:0.5 A4:2 ' +
        'A4:1 A4:1 A4:1 F#4:0.5 A4:0.5 B4:1 B4:1 A4:2 F#4:1 E4:0.5 F#4:0.5 A4:1 F#4:0.5 E4:0.5 D4:1 D4:0.5 E4:0.5 D4:3',
    );
    const [top, second] = detectMode(tune);
    expect(top!.name.en).toBe('D gong mode (pentatonic)');
    expect(top!.name.zh).toBe('D宫调式（五声）');
    expect(top!.coverage).toBeCloseTo(1, 9);
    expect(top!.confidence).toBeGreaterThan(0.5);
    expect(top!.explanation).toMatch(
      /100 % of the duration lies in the scale; it ends on D, the tonic/,
    );
    expect(second!.confidence).toBeLessThan(top!.confidence);
  });

  it('tells the mode on the same tones by where the melody rests: A 徵 with gong D', () => {
    // The same D–E–F♯–A–B tones, ending and resting on A.
    const tune = melody(
      'A4:1 B4:0.5 D5:0.5 E5:1 D5:0.5 B4:0.5 A4:2 r:1 B4:1 D5:1 E5:0.5 D5:0.5 B4:1 A4:1 F#4:0.5 E4:0.5 A4:3',
    );
    const top = detectMode(tune)[0]!;
    expect(top.tonic).toBe('A');
    expect(top.modes[0]!.id).toBe('zhi');
    expect(top.gongPc).toBe(2);
    expect(top.name.zh).toBe('A徵调式（五声），D宫系统');
  });

  it('reads a major tune as major, or as hexatonic 宫 when it never uses the 7th', () => {
    // Twinkle, Twinkle, Little Star in C.
    const tune = melody(
      'C4:1 C4:1 G4:1 G4:1 A4:1 A4:1 G4:2 F4:1 F4:1 E4:1 E4:1 D4:1 D4:1 C4:2 ' +
        'G4:1 G4:1 F4:1 F4:1 E4:1 E4:1 D4:2 G4:1 G4:1 F4:1 F4:1 E4:1 E4:1 D4:2 ' +
        'C4:1 C4:1 G4:1 G4:1 A4:1 A4:1 G4:2 F4:1 F4:1 E4:1 E4:1 D4:1 D4:1 C4:2',
    );
    const top = detectMode(tune, { systems: ['western'] })[0]!;
    expect(top.name.en).toBe('C major');
    // With Chinese names too, the tune (which never uses B) is C 宫 with 清角; major also fits.
    const both = detectMode(tune);
    expect(both[0]!.modes[0]!.id).toBe('gong-qingjue');
    expect(both[0]!.alsoFits.map((m) => m.id)).toEqual(
      expect.arrayContaining(['major', 'gong-qingyue', 'mixolydian']),
    );
  });

  it('reads Scarborough Fair as D Dorian', () => {
    const tune = melody(
      'D4:2 D4:1 A4:2 A4:1 E4:1.5 F4:0.5 E4:1 D4:3 r:1 A4:1 C5:2 D5:1 C5:2 A4:1 B4:1 G4:1 A4:1 ' +
        'A4:3 r:1 D5:2 D5:1 D5:2 C5:1 A4:2 A4:1 G4:1 F4:1 E4:1 C4:3 r:1 D4:2 A4:1 G4:2 F4:1 E4:2 D4:1 C4:2 E4:1 D4:3',
    );
    const top = detectMode(tune, { systems: ['western'] })[0]!;
    expect(top.name.en).toBe('D Dorian');
  });

  it('says nothing about an empty or silent melody', () => {
    expect(detectMode([])).toEqual([]);
    expect(detectMode([{ duration: 4 }])).toEqual([]);
  });
});
