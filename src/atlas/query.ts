/**
 * Looking instruments up: by name in any script (汉字, pinyin with or without tone marks and
 * spaces, English, aliases), by family (orchestral section, 八音 class, Hornbostel–Sachs
 * prefix), by sounding range and by playing technique. Names are compared after folding case,
 * tone marks, spaces and punctuation away, so "èrhú", "Er Hu" and "erhu" meet.
 */
import { ZhiyinError, requireInteger } from '../errors/index.js';
import { pitchName, spellOn, type Step } from '../theory/index.js';
import type { Bayin, Instrument, OrchestralFamily, Technique } from './types.js';

/** The atlas over a set of instruments. */
export interface Atlas {
  /** Every instrument, in the order given. */
  all(): Instrument[];
  /** The instrument with this id, or undefined. */
  get(id: string): Instrument | undefined;
  /** Instruments whose names match, best first: exact, then prefix, then substring. */
  find(query: string): Instrument[];
  /** As {@link Atlas.find}, with how well each matched: 3 exact, 2 prefix, 1 substring. */
  match(query: string): { instrument: Instrument; score: 1 | 2 | 3 }[];
  /** Instruments of an orchestral family, 八音 class (汉字 or pinyin) or H–S number prefix. */
  byFamily(family: string): Instrument[];
  /** Pitched instruments whose practical range covers [lowMidi, highMidi]. */
  byRange(lowMidi: number, highMidi: number): Instrument[];
  /** Instruments with a technique of this id, category or name (any script). */
  byTechnique(query: string): Instrument[];
  /** The techniques of each instrument that match `query`, as in {@link Atlas.byTechnique}. */
  techniques(query: string): { instrument: Instrument; technique: Technique }[];
  /** Up to `count` instruments whose names are closest to `query` (for "did you mean"). */
  nearest(query: string, count?: number): Instrument[];
}

/**
 * Folds a name for comparison: lower case, tone marks and ü's dots removed, spaces, hyphens
 * and punctuation dropped; Chinese characters are kept (traditional 絲 → simplified 丝 only
 * for the 八音 classes).
 * @example foldName('Èr Hú') // 'erhu'
 */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\-_'’·.,/()（）、，:;!?"“”]+/gu, '');
}

const BAYIN: { zh: Bayin; alt: string[] }[] = [
  { zh: '金', alt: ['jin', 'metal'] },
  { zh: '石', alt: ['shi', 'stone'] },
  { zh: '丝', alt: ['絲', 'si', 'silk'] },
  { zh: '竹', alt: ['zhu', 'bamboo'] },
  { zh: '匏', alt: ['pao', 'gourd'] },
  { zh: '土', alt: ['tu', 'earth', 'clay'] },
  { zh: '革', alt: ['ge', 'hide', 'skin', 'leather'] },
  { zh: '木', alt: ['mu', 'wood'] },
];

const ORCHESTRAL: { id: OrchestralFamily; alt: string[] }[] = [
  { id: 'bowed', alt: ['拉弦', '弓弦', 'laxian', 'gongxian', 'bowedstrings', 'strings'] },
  { id: 'plucked', alt: ['弹拨', 'tanbo', 'pluckedstrings'] },
  { id: 'struck', alt: ['击弦', '击奏', 'jixian', 'struckstrings'] },
  { id: 'wind', alt: ['吹管', '管乐', 'chuiguan', 'winds', 'woodwind', 'brass'] },
  { id: 'percussion', alt: ['打击', '打击乐', 'daji'] },
  { id: 'keyboard', alt: ['键盘', 'jianpan', 'keyboards'] },
];

/** Chinese characters (a name written in 汉字 is compared with other 汉字 names only). */
const HAN = /\p{Script=Han}/u;

function namesOf(inst: Instrument): string[] {
  return [inst.id, inst.names.zh, inst.names.pinyin, inst.names.en, ...inst.names.aliases];
}

function techniqueMatches(t: Technique, folded: string): boolean {
  if (foldName(t.id) === folded || t.category === folded) return true;
  return [t.names.zh, t.names.pinyin, t.names.en].some((n) => {
    const f = foldName(n);
    return f === folded || (folded.length >= 2 && f.includes(folded));
  });
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * Builds the query API over a list of (already checked) instruments.
 * @example const atlas = createAtlas(instruments); atlas.find('二胡')[0]?.id // 'erhu'
 */
export function createAtlas(instruments: Instrument[]): Atlas {
  const list = [...instruments];
  const byId = new Map(list.map((i) => [i.id, i]));
  const folded = new Map(list.map((i) => [i.id, namesOf(i).map(foldName)]));

  const atlas: Atlas = {
    all: () => [...list],
    get: (id) => byId.get(id),

    match(query) {
      const q = foldName(query);
      if (!q) return [];
      const scored: { instrument: Instrument; score: 1 | 2 | 3; order: number }[] = [];
      list.forEach((instrument, order) => {
        let score: 0 | 1 | 2 | 3 = 0;
        for (const name of folded.get(instrument.id)!) {
          if (name === q) score = 3;
          else if (name.startsWith(q)) score = Math.max(score, 2) as 2 | 3;
          else if (name.includes(q)) score = Math.max(score, 1) as 1 | 2 | 3;
        }
        if (score) scored.push({ instrument, score, order });
      });
      return scored
        .sort((a, b) => b.score - a.score || a.order - b.order)
        .map(({ instrument, score }) => ({ instrument, score }));
    },

    find(query) {
      return atlas.match(query).map((m) => m.instrument);
    },

    byFamily(family) {
      const raw = family.trim();
      if (/^[1-5](?:[0-9.\-+]*)$/.test(raw))
        return list.filter((i) => i.family.hornbostelSachs.number.startsWith(raw));
      const q = foldName(raw);
      const section = ORCHESTRAL.find((f) => f.id === q || f.alt.includes(q));
      if (section) return list.filter((i) => i.family.orchestral === section.id);
      const bayin = BAYIN.find((b) => b.zh === q || b.alt.includes(q));
      if (bayin) return list.filter((i) => i.family.bayin === bayin.zh);
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        `"${family}" is no family: use bowed, plucked, struck, wind, percussion, keyboard, a 八音 class (金 石 丝 竹 匏 土 革 木 or jin, shi, si…) or a Hornbostel–Sachs number such as 321.`,
      );
    },

    byRange(lowMidi, highMidi) {
      requireInteger('lowMidi', lowMidi, 0, 127);
      requireInteger('highMidi', highMidi, 0, 127);
      if (lowMidi > highMidi)
        throw new ZhiyinError(
          'INVALID_ARGUMENT',
          `the range ${lowMidi}–${highMidi} runs downwards: give the low note first.`,
        );
      return list.filter(
        (i) => i.range && i.range.practical[0] <= lowMidi && highMidi <= i.range.practical[1],
      );
    },

    techniques(query) {
      const q = foldName(query);
      if (!q) return [];
      return list.flatMap((instrument) =>
        instrument.techniques
          .filter((t) => techniqueMatches(t, q))
          .map((technique) => ({ instrument, technique })),
      );
    },

    byTechnique(query) {
      return [...new Set(atlas.techniques(query).map((m) => m.instrument))];
    },

    nearest(query, count = 3) {
      const q = foldName(query);
      if (!q) return [];
      const han = HAN.test(q);
      const best = list.map((inst, order) => {
        const distances = folded
          .get(inst.id)!
          .filter((name) => HAN.test(name) === han)
          .map((name) => {
            if (name.includes(q) || q.includes(name)) return 0;
            return editDistance(q, name) / Math.max(q.length, name.length);
          });
        return { inst, order, d: Math.min(1, ...distances) };
      });
      best.sort((a, b) => a.d - b.d || a.order - b.order);
      // Close names only, but always at least one suggestion.
      const close = best.filter((b, k) => k === 0 || b.d <= 0.5);
      return close.slice(0, count).map((b) => b.inst);
    },
  };
  return atlas;
}

const SPELLING: Step[] = ['C', 'C', 'D', 'E', 'E', 'F', 'F', 'G', 'A', 'A', 'B', 'B'];

/**
 * A MIDI number as a note name (C4 = 60), black keys as C♯, E♭, F♯, A♭, B♭.
 * @example midiToName(62) // 'D4'
 */
export function midiToName(midi: number, options: { ascii?: boolean } = {}): string {
  const pc = ((midi % 12) + 12) % 12;
  return pitchName(spellOn(midi, SPELLING[pc]!), options);
}

/**
 * A [low, high] MIDI span as "D4–A6".
 * @example spanToNames([62, 93]) // 'D4–A6'
 */
export function spanToNames(span: readonly [number, number], options: { ascii?: boolean } = {}) {
  return `${midiToName(span[0], options)}${options.ascii ? '-' : '–'}${midiToName(span[1], options)}`;
}
