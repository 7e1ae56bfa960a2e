/**
 * Scales and modes, Chinese and Western, on any tonic.
 *
 * Chinese (after 杜亚雄 and 童忠良's standard textbooks; the facts are the common ones): the
 * five pentatonic degrees 宫 gong, 商 shang, 角 jue, 徵 zhi, 羽 yu lie at 0, 2, 4, 7 and 9
 * semitones above gong; a mode is named by the degree its tonic sits on (D 徵调式: D is zhi, so
 * gong is G). Hexatonic forms add 清角 qingjue (5, a semitone above jue) or 变宫 biangong (11, a
 * semitone below gong). The heptatonic systems add two tones: 清乐 qingyue 清角 + 变宫
 * (0 2 4 5 7 9 11, the Western major set), 雅乐 yayue 变徵 bianzhi + 变宫 (0 2 4 6 7 9 11), 燕乐
 * yanyue 清角 + 闰 run (0 2 4 5 7 9 10). Each can stand on any of the five pentatonic degrees.
 *
 * Western: major, natural, harmonic and melodic (ascending) minor, and the church modes.
 */
import { STEPS, spellOn, type Pitch, type Step } from './pitch.js';

export interface Name {
  en: string;
  zh: string;
  pinyin: string;
}

export type ModeSystem = 'chinese' | 'western';

export interface Mode {
  /** e.g. 'zhi', 'shang-qingjue', 'yu-yanyue', 'dorian'. */
  id: string;
  system: ModeSystem;
  /** Semitones above the tonic, ascending, starting with 0. */
  intervals: number[];
  name: Name;
  /** Chinese modes: semitones from gong up to the tonic (gong = tonic − this). */
  gongToTonic?: number;
}

/** The five degrees, their offsets above gong and names. */
export const DEGREES = [
  { id: 'gong', offset: 0, zh: '宫', pinyin: 'gōng' },
  { id: 'shang', offset: 2, zh: '商', pinyin: 'shāng' },
  { id: 'jue', offset: 4, zh: '角', pinyin: 'jué' },
  { id: 'zhi', offset: 7, zh: '徵', pinyin: 'zhǐ' },
  { id: 'yu', offset: 9, zh: '羽', pinyin: 'yǔ' },
] as const;

const FORMS = [
  { id: '', added: [], en: 'pentatonic', zh: '五声', pinyin: 'wǔshēng' },
  {
    id: 'qingjue',
    added: [5],
    en: 'hexatonic with qingjue',
    zh: '六声（加清角）',
    pinyin: 'liùshēng (jiā qīngjué)',
  },
  {
    id: 'biangong',
    added: [11],
    en: 'hexatonic with biangong',
    zh: '六声（加变宫）',
    pinyin: 'liùshēng (jiā biàngōng)',
  },
  {
    id: 'qingyue',
    added: [5, 11],
    en: 'heptatonic qingyue',
    zh: '七声清乐',
    pinyin: 'qīshēng qīngyuè',
  },
  { id: 'yayue', added: [6, 11], en: 'heptatonic yayue', zh: '七声雅乐', pinyin: 'qīshēng yǎyuè' },
  {
    id: 'yanyue',
    added: [5, 10],
    en: 'heptatonic yanyue',
    zh: '七声燕乐',
    pinyin: 'qīshēng yànyuè',
  },
] as const;

const rotate = (set: number[], by: number) =>
  set.map((x) => (((x - by) % 12) + 12) % 12).sort((a, b) => a - b);

const chinese: Mode[] = FORMS.flatMap((form) =>
  DEGREES.map((d): Mode => {
    const set = [0, 2, 4, 7, 9, ...form.added];
    return {
      id: form.id ? `${d.id}-${form.id}` : d.id,
      system: 'chinese',
      intervals: rotate(set, d.offset),
      gongToTonic: d.offset,
      name: {
        en: `${d.id} mode (${form.en})`,
        zh: `${d.zh}调式（${form.zh}）`,
        pinyin: `${d.pinyin} diàoshì (${form.pinyin})`,
      },
    };
  }),
);

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const western: Mode[] = [
  ['major', 0, 'major', '大调', 'dàdiào'],
  ['minor', 5, 'natural minor', '自然小调', 'zìrán xiǎodiào'],
  ['dorian', 1, 'Dorian', '多利亚调式', 'duōlìyà diàoshì'],
  ['phrygian', 2, 'Phrygian', '弗里几亚调式', 'fúlǐjīyà diàoshì'],
  ['lydian', 3, 'Lydian', '利底亚调式', 'lìdǐyà diàoshì'],
  ['mixolydian', 4, 'Mixolydian', '混合利底亚调式', 'hùnhé lìdǐyà diàoshì'],
  ['locrian', 6, 'Locrian', '洛克利亚调式', 'luòkèlìyà diàoshì'],
].map(([id, degree, en, zh, pinyin]): Mode => ({
  id: id as string,
  system: 'western',
  intervals: rotate(MAJOR, MAJOR[degree as number]!),
  name: { en: en as string, zh: zh as string, pinyin: pinyin as string },
}));
western.push(
  {
    id: 'harmonic-minor',
    system: 'western',
    intervals: [0, 2, 3, 5, 7, 8, 11],
    name: { en: 'harmonic minor', zh: '和声小调', pinyin: 'héshēng xiǎodiào' },
  },
  {
    id: 'melodic-minor',
    system: 'western',
    intervals: [0, 2, 3, 5, 7, 9, 11],
    name: { en: 'melodic minor (ascending)', zh: '旋律小调', pinyin: 'xuánlǜ xiǎodiào' },
  },
);

/** Every mode: 30 Chinese (6 forms × 5 degrees) and 9 Western. */
export const MODES: readonly Mode[] = [...chinese, ...western];

/**
 * A mode by id.
 * @example modeById('zhi').intervals // [0, 2, 5, 7, 9]
 */
export function modeById(id: string): Mode | undefined {
  return MODES.find((m) => m.id === id);
}

const PC_SHARP: Step[] = ['C', 'C', 'D', 'D', 'E', 'F', 'F', 'G', 'G', 'A', 'A', 'B'];
const PC_FLAT: Step[] = ['C', 'D', 'D', 'E', 'E', 'F', 'G', 'G', 'A', 'A', 'B', 'B'];

/** The major key spelling of a pitch class with the fewest accidentals (ties: sharps). */
function majorTonicStep(pc: number): Step {
  const accidentals = (step: Step) =>
    MAJOR.reduce((n, iv, k) => {
      const letter = STEPS[(STEPS.indexOf(step) + k) % 7]!;
      return n + Math.abs(spellOn(60 + pc + iv, letter).alter);
    }, 0);
  const sharp = PC_SHARP[pc]!,
    flat = PC_FLAT[pc]!;
  return accidentals(flat) < accidentals(sharp) ? flat : sharp;
}

/**
 * The pitches of a mode on a tonic pitch class, spelled as its parent key would write them
 * (Chinese modes from their gong's major scale; Western modes from their relative major).
 * @example scalePitches(2, modeById('gong')!).map(p => pitchName(p)) // D4 E4 F♯4 A4 B4
 */
export function scalePitches(tonicPc: number, mode: Mode, octave = 4): Pitch[] {
  const parentPc = (((tonicPc - relativeMajorOffset(mode)) % 12) + 12) % 12;
  const parentStep = majorTonicStep(parentPc);
  const tonicMidi = 12 * (octave + 1) + tonicPc;
  return mode.intervals.map((iv) => {
    const midi = tonicMidi + iv;
    // The parent major's letter for this pitch class, or the letter of the tone it alters.
    const rel = (((midi - parentPc) % 12) + 12) % 12;
    const degree = MAJOR.includes(rel) ? MAJOR.indexOf(rel) : ALTERED_DEGREE[rel]!;
    return spellOn(midi, STEPS[(STEPS.indexOf(parentStep) + degree) % 7]!);
  });
}

/** Tones outside the parent major, as the degree they alter: ♯4 (变徵), ♯5, ♭7 (闰), ♯1, ♭3. */
const ALTERED_DEGREE: Record<number, number> = { 6: 3, 8: 4, 10: 6, 1: 0, 3: 2 };

/** Semitones from the parent major's tonic up to this mode's tonic. */
function relativeMajorOffset(mode: Mode): number {
  if (mode.system === 'chinese') return mode.gongToTonic!;
  if (mode.id === 'harmonic-minor' || mode.id === 'melodic-minor') return 9;
  const order = ['major', 'dorian', 'phrygian', 'lydian', 'mixolydian', 'minor', 'locrian'];
  return MAJOR[order.indexOf(mode.id)]!;
}
