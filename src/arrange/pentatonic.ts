/**
 * Pentatonic adaptation: move every note outside a pentatonic scale (宫商角徵羽 on one 宫 gong)
 * to a scale tone, changing as few notes as possible and saying why for each. The gong is the
 * one (of twelve) that leaves the fewest notes to change, the melody's own key first on a tie.
 * A note moves to the nearer scale tone; when both are a semitone away it follows the melody's
 * direction to the next note (a leading tone resolves up, a 4th falls to the 3rd).
 */
import type { Score } from '../notation/index.js';
import { spellInKey } from '../notation/index.js';
import { placeText, noteName, type MelodyFacts } from './melody.js';
import type { Bilingual } from './fit.js';

const PENTATONIC = [0, 2, 4, 7, 9];
const DEGREE_NAMES: Record<number, { zh: string; pinyin: string; en: string }> = {
  0: { zh: '宫', pinyin: 'gōng', en: 'gong (1)' },
  2: { zh: '商', pinyin: 'shāng', en: 'shang (2)' },
  4: { zh: '角', pinyin: 'jué', en: 'jue (3)' },
  7: { zh: '徵', pinyin: 'zhǐ', en: 'zhi (5)' },
  9: { zh: '羽', pinyin: 'yǔ', en: 'yu (6)' },
};
const OUTSIDE_NAMES: Record<number, { zh: string; en: string }> = {
  1: { zh: '升宫', en: 'raised 1' },
  3: { zh: '降角', en: 'flat 3' },
  5: { zh: '清角', en: 'qingjue (4)' },
  6: { zh: '变徵', en: 'bianzhi (♯4)' },
  8: { zh: '升徵', en: 'raised 5' },
  10: { zh: '闰', en: 'run (♭7)' },
  11: { zh: '变宫', en: 'biangong (7)' },
};

export interface PentatonicChange {
  /** Index into MelodyFacts.notes. */
  note: number;
  from: number;
  to: number;
  reason: Bilingual;
}

export interface PentatonicResult {
  /** The score with the changed notes (every note of each changed tie chain). */
  score: Score;
  gongPc: number;
  changes: PentatonicChange[];
}

const pc = (m: number) => ((m % 12) + 12) % 12;

/**
 * @example pentatonicAdapt(score, melodyFacts(score)).changes.length
 */
export function pentatonicAdapt(score: Score, facts: MelodyFacts): PentatonicResult {
  const notes = facts.notes;
  const outside = (g: number) => notes.filter((n) => !PENTATONIC.includes(pc(n.midi - g))).length;
  let gongPc = facts.gongPc;
  for (let g = 0; g < 12; g++) if (outside(g) < outside(gongPc)) gongPc = g;
  const set = PENTATONIC.map((x) => (x + gongPc) % 12);
  const changes: PentatonicChange[] = [];
  const out: Score = { ...score, notes: score.notes.map((n) => ({ ...n })) };
  const fifths = score.key.fifths;
  notes.forEach((n, i) => {
    if (set.includes(pc(n.midi))) return;
    const down = [1, 2].find((d) => set.includes(pc(n.midi - d)))!;
    const up = [1, 2].find((d) => set.includes(pc(n.midi + d)))!;
    let to: number;
    let why: Bilingual;
    if (down < up) {
      to = n.midi - down;
      why = { en: 'the nearer scale tone is below', zh: '下方的五声音阶音更近' };
    } else if (up < down) {
      to = n.midi + up;
      why = { en: 'the nearer scale tone is above', zh: '上方的五声音阶音更近' };
    } else {
      const next = notes[i + 1]?.midi ?? notes[i - 1]?.midi ?? n.midi;
      const rising = next > n.midi || (next === n.midi && i === notes.length - 1);
      to = rising ? n.midi + up : n.midi - down;
      why = rising
        ? { en: 'the melody rises next, so it moves up', zh: '旋律随后上行，故上移' }
        : { en: 'the melody falls next, so it moves down', zh: '旋律随后下行，故下移' };
    }
    const deg = pc(n.midi - gongPc);
    const target = DEGREE_NAMES[pc(to - gongPc)]!;
    const where = placeText(n.place);
    changes.push({
      note: i,
      from: n.midi,
      to,
      reason: {
        en: `${noteName(n.midi)} at ${where.en} is ${OUTSIDE_NAMES[deg]!.en}, outside the ${PC[gongPc]} pentatonic; it becomes ${noteName(to)}, ${target.en}: ${why.en}.`,
        zh: `${where.zh}的${noteName(n.midi)}是${OUTSIDE_NAMES[deg]!.zh}，不在${PC[gongPc]}宫五声音阶内；改为${noteName(to)}（${target.zh}）：${why.zh}。`,
      },
    });
    const shift = to - n.midi;
    for (const k of n.indices) {
      const written = out.notes[k]!;
      if (!written.pitch) continue;
      const midi = facts.notes[i]!.midi + shift - (score.transpose ?? 0);
      written.pitch = spellInKey(midi, fifths);
    }
  });
  return { score: out, gongPc, changes };
}

const PC = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];
