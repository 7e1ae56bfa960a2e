/**
 * Performance analysis: pitch tracking (pYIN, and plain YIN as a fast mode), note
 * segmentation, expressive events (vibrato, portamento, slides, trills, grace notes, tremolo)
 * and comparison of performances. Portable: no Node built-ins.
 */
export {
  Cmndf,
  cmndfTroughs,
  parabolicLag,
  yinGeometry,
  yinPeriod,
  type PitchRangeOptions,
  type YinGeometry,
} from './yin.js';
export { PyinTracker, concatTracks, pyin, type PitchTrack, type PyinOptions } from './pyin.js';
export { YinTracker, yin, type YinOptions } from './yin-tracker.js';
export {
  EVENT_TERMS,
  analyzeContour,
  type ContourAnalysis,
  type ContourOptions,
  type EventKind,
  type ExpressiveEvent,
  type Note,
  type Term,
} from './performance.js';
export { fitLogistic, logistic, type LogisticFit } from './logistic.js';
export { findOscillations, type Oscillation, type OscillationOptions } from './oscillation.js';
export {
  ANALYSIS_SCHEMA_VERSION,
  PerformanceAnalyzer,
  analyzePerformance,
  mixToMono,
  summarize,
  type AnalyzeOptions,
  type EventSummary,
  type PerformanceAnalysis,
} from './analyze.js';
export {
  analysisFromJson,
  analysisToJson,
  analysisToSvg,
  jianpu,
  noteName,
  parseTonic,
  trackToCsv,
  type PlotOptions,
  type StoredAnalysis,
} from './export.js';
export {
  cliffsDelta,
  cohensH,
  comparePerformances,
  describeDistribution,
  hedgesG,
  mannWhitneyP,
  type Comparison,
  type ComparedAnalysis,
  type ComparisonGroup,
  type Distribution,
  type GroupStats,
  type PairComparison,
} from './compare.js';
export {
  TRANSCRIBE_RATE,
  Transcriber,
  dropHarmonics,
  transcribe,
  type TranscribeOptions,
  type TranscribedNote,
} from './transcribe.js';
export { notesToMidi, type MidiOptions } from './midi.js';
export { toBendValue } from '../notation/index.js';
