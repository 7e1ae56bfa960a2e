/**
 * Node adapters at the edge of Zhiyin: files, ffmpeg. Everything here wraps the portable
 * core (src/audio, src/dsp, src/loudness) for use on a server or in the CLI.
 */
export {
  fileError,
  makeFolder,
  openAudioFile,
  probeAudioFile,
  readAudioFile,
  writeWavFile,
  type OpenFileOptions,
} from './files.js';
export { ffmpegAudioStream, ffprobeInfo, hasFfmpeg } from './ffmpeg.js';
export {
  convertAudioFile,
  measureLoudnessFile,
  type ConvertOptions,
  type ConvertReport,
  type LoudnessFileOptions,
  type ProgressHandler,
} from './convert.js';
export { analyzeFile, type AnalyzeFileOptions } from './analyze.js';
export {
  loadTranscriptionModel,
  transcribeFile,
  type TranscribeFileOptions,
} from './transcribe.js';
export {
  readMelodyFile,
  readScoreFile,
  transcribedMelody,
  type MelodyFileOptions,
} from './scores.js';
export { loadAtlas, packageRoot, readAtlasFiles } from './atlas.js';
export { loadLexicon, loadProfiles, readMixData } from './mixdata.js';
export {
  mixProject,
  mixProjectFile,
  readMixProject,
  reportPath,
  resolveInside,
  writeJsonAtomic,
  type MixFileOptions,
} from './mix.js';
export { automixFiles, checkOutputIsNotInput, type AutomixFileOptions } from './automix.js';
export { renderDemoMelody, renderDemoPerformance, renderDemoTake } from './demo-material.js';
