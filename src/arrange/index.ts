/**
 * The adaptation advisor: a melody's key and mode, how it fits each instrument of the atlas
 * (range, transposition, tessitura, tuning: 按音 press-bends, dizi keys, erhu strings and
 * positions; difficulty), an optional pentatonic adaptation, idiomatic ornaments with a
 * density control, bilingual advice, MIDI pitch bends for the ornaments and an audio preview.
 * Portable: no Node built-ins.
 */
export { adaptMelody, resolveInstruments, type Adaptation, type AdaptOptions } from './advise.js';
export { ornamentBends } from './expression.js';
export { EXAMPLE_CATEGORIES, techniqueExample } from './example.js';
export { adaptationBytes, ADAPTATION_MEDIA_TYPES, type AdaptationFormat } from './output.js';
export {
  describeFit,
  fitInstrument,
  planStrings,
  type Bilingual,
  type FitOptions,
  type FitReport,
  type PressBend,
  type StringPlan,
} from './fit.js';
export {
  melodyFacts,
  noteName,
  places,
  placeText,
  type MelodyFacts,
  type Place,
  type PlayedNote,
} from './melody.js';
export { addOrnaments, type Ornament, type OrnamentResult } from './ornaments.js';
export { pentatonicAdapt, type PentatonicChange, type PentatonicResult } from './pentatonic.js';
export {
  previewVoiceFor,
  renderPreview,
  type PreviewOptions,
  type PreviewVoice,
} from './preview.js';
