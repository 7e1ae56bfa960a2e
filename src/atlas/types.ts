/**
 * The shape of an atlas record, shared by the data files (data/atlas, checked against
 * data/atlas/schema.json), the query API and the adaptation advisor. Pitches are MIDI numbers
 * (C4 = 60) at sounding pitch; every fact carries its source.
 */

/** Which musical tradition an instrument belongs to. */
export type Tradition = 'chinese' | 'western';

/** Orchestral family, as sections are seated in a Chinese or Western orchestra. */
export type OrchestralFamily = 'bowed' | 'plucked' | 'struck' | 'wind' | 'percussion' | 'keyboard';

/** The eight sounds 八音 of the Zhou classification, by material. */
export type Bayin = '金' | '石' | '丝' | '竹' | '匏' | '土' | '革' | '木';

/** What a playing technique does to the sound; the advisor picks ornaments by this. */
export type TechniqueCategory =
  | 'vibrato'
  | 'slide'
  | 'grace'
  | 'trill'
  | 'tremolo'
  | 'glissando'
  | 'bend'
  | 'harmonic'
  | 'articulation'
  | 'multiphonic'
  | 'percussive'
  | 'other';

export type TuningKind = 'open-strings' | 'fixed-scale' | 'chromatic' | 'unpitched';

/** A name in Chinese characters, Hanyu Pinyin with tone marks, and English. */
export interface TriName {
  zh: string;
  pinyin: string;
  en: string;
}

export interface InstrumentNames extends TriName {
  /** Other names in any script: regional names, older romanisations, English descriptions. */
  aliases: string[];
}

export interface Family {
  orchestral: OrchestralFamily;
  /** 八音 class; left out where the classical scheme does not place the instrument. */
  bayin?: Bayin;
  /** Hornbostel–Sachs number (e.g. "321.312-71") and the name of that class. */
  hornbostelSachs: { number: string; name: string };
}

/** A [low, high] pair of MIDI numbers at sounding pitch. */
export type MidiSpan = [number, number];

export interface Range {
  /** What an ordinary professional part may ask for. */
  practical: MidiSpan;
  /** What the best players reach; contains `practical`. */
  extended: MidiSpan;
}

export interface Tuning {
  kind: TuningKind;
  /** Open strings, MIDI, low to high (a course of doubled strings counts once). */
  openStrings?: number[];
  /** Lowest note with every hole closed (筒音 tongyin on Chinese winds), MIDI. */
  fundamental?: number;
  /** Pitch classes (C = 0) that plain fingering or the standard tuning gives. */
  scalePitchClasses?: number[];
  /** True when players retune (move bridges, change string pitches) from piece to piece. */
  retunable?: boolean;
  note: string;
}

export interface Technique {
  /** Kebab-case, unique within the instrument (e.g. "rouxian", "press-bend"). */
  id: string;
  category: TechniqueCategory;
  names: TriName;
  /** What it sounds like, in English. */
  sound: string;
  /** What it sounds like, in Chinese. */
  soundZh: string;
  /** How it is written in jianpu (简谱) and on the staff. */
  notation: { jianpu: string; staff: string };
  /** 1 (a beginner's first year) to 5 (virtuoso). */
  difficulty: number;
}

export interface GeneralMidi {
  /** 0-based General MIDI program used as a playback stand-in. */
  program: number;
  name: string;
  /** For unpitched percussion: the GM percussion key (channel 10) that stands in. */
  percussionKey?: number;
  percussionKeyName?: string;
}

export interface SourceRef {
  /** Which field or fields the source supports, e.g. "range", "tuning.openStrings". */
  fact: string;
  /** Citation: title and URL, or repository, path and commit. */
  source: string;
  /** How the value was read or derived, or that it is a typical value. */
  note?: string;
}

/** One instrument of the atlas. */
export interface Instrument {
  /** Kebab-case id, e.g. "erhu", "dizi-d", "clarinet-bb". */
  id: string;
  tradition: Tradition;
  names: InstrumentNames;
  /** One line on what the instrument is, in English and Chinese. */
  summary: { en: string; zh: string };
  family: Family;
  pitched: boolean;
  /** Sounding range; present exactly when `pitched`. */
  range?: Range;
  /** Comfortable middle of the range, within `range.practical`. */
  tessitura?: MidiSpan;
  /** Semitones from written to sounding: sounding = written + transposition. */
  transposition: number;
  tuning: Tuning;
  /** Idiomatic keys, by the tonic of the major scale or 宫 gong ("D", "G", "B♭"). */
  keys: string[];
  /** Most notes the instrument sounds at once. */
  polyphony: number;
  techniques: Technique[];
  gm: GeneralMidi;
  /** Ids of entries of the other tradition that play a similar role. */
  counterparts: string[];
  sources: SourceRef[];
}
