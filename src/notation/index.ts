/**
 * Notation I/O: melodies in and out of score formats, through one score model (exact durations,
 * ties, tuplets, grace notes, ornaments and techniques): MusicXML and .mxl read and written with
 * hardened XML and ZIP handling, Standard MIDI Files read and written, ABC and Humdrum **kern
 * read, jianpu (简谱) written as text and SVG. Portable: no Node built-ins.
 */
export { frac, toNumber, type Fraction } from './fraction.js';
export {
  barLength,
  fifthsOfMajor,
  melodyToScore,
  parseMeter,
  scoreLength,
  scoreToMelody,
  soundingMidi,
  spellInKey,
  type KeySignature,
  type Mark,
  type MarkKind,
  type MelodyToScoreOptions,
  type Score,
  type ScoreNote,
} from './score.js';
export { readMusicXml, writeMusicXml, type WriteMusicXmlOptions } from './musicxml.js';
export { isZip, readMxl, writeMxl } from './mxl.js';
export { readScore, sniffScore, MAX_SCORE_BYTES, type ScoreFormat } from './read.js';
export { parseXml, type XmlElement, type XmlLimits } from './xml.js';
export {
  readMidiMelody,
  readMidiScore,
  scoreToMidi,
  setBendRange,
  toBendValue,
  type BendPoint,
  type MidiMelody,
  type ScoreToMidiOptions,
} from './midi.js';
export { readAbc, type AbcTune } from './abc.js';
export { readKern, type KernTune } from './kern.js';
export {
  jianpuLayout,
  jianpuSymbol,
  jianpuText,
  jianpuTonic,
  type Jianpu,
  type JianpuElement,
  type JianpuLayout,
  type JianpuOptions,
} from './jianpu.js';
export { jianpuSvg, type JianpuSvg, type JianpuSvgOptions } from './jianpu-svg.js';
