/**
 * Music theory, Chinese and Western: spelled pitches and intervals (with Chinese interval
 * names), the pentatonic modes 宫商角徵羽 on any tonic with their hexatonic and heptatonic
 * (清乐, 雅乐, 燕乐) forms, Western major, minor and church modes, and key and mode detection
 * with confidence and an explanation. Portable: no Node built-ins.
 */
export {
  STEPS,
  interval,
  parsePitch,
  pitchClass,
  pitchName,
  pitchToMidi,
  spellOn,
  type Interval,
  type Pitch,
  type Step,
} from './pitch.js';
export {
  DEGREES,
  MODES,
  modeById,
  scalePitches,
  type Mode,
  type ModeSystem,
  type Name,
} from './modes.js';
export { detectMode, type DetectOptions, type MelodyNote, type ModeCandidate } from './detect.js';
