/**
 * The bilingual instrument atlas: Chinese instruments and their Western counterparts as cited
 * data (names in 汉字, pinyin and English; 八音 and Hornbostel–Sachs families; ranges, tunings,
 * keys and playing techniques with their notation), and the queries the adaptation advisor and
 * the CLI need. The data lives in data/atlas; src/node loads it. Portable: no Node built-ins.
 */
export { checkInstrument } from './check.js';
export { createAtlas, foldName, midiToName, spanToNames, type Atlas } from './query.js';
export type {
  Bayin,
  Family,
  GeneralMidi,
  Instrument,
  InstrumentNames,
  MidiSpan,
  OrchestralFamily,
  Range,
  SourceRef,
  Technique,
  TechniqueCategory,
  Tradition,
  TriName,
  Tuning,
  TuningKind,
} from './types.js';
