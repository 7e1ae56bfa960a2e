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
