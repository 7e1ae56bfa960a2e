/**
 * Adaptive mixing (issue 5, in progress): effect units, each sample-accurate and tested against
 * its definition: a parametric EQ, a feed-forward compressor, a look-ahead true-peak limiter, a
 * downward expander / gate with hold, a split-band de-esser, a spectral-gating noise reducer,
 * an FDN reverb and a convolution reverb, a feedback delay and stereo width. Portable: no Node
 * built-ins.
 */
export { ParametricEq, eqResponseDb, equalize, type EqBand } from './eq.js';
export { Compressor, compressorCurveDb, type CompressorSettings } from './compressor.js';
export {
  TruePeakLimiter,
  limitTruePeak,
  type LimiterReport,
  type LimiterSettings,
} from './limiter.js';
export { Expander, expanderAttenuationDb, type ExpanderSettings } from './gate.js';
export { DeEsser, deEsserReductionDb, type DeEsserSettings } from './deesser.js';
export { reduceNoise, type NoiseReducerReport, type NoiseReducerSettings } from './denoise.js';
export {
  FdnReverb,
  convolveReverb,
  decayTimeSeconds,
  reverberate,
  syntheticRoomImpulse,
  type ReverbSettings,
} from './reverb.js';
export { applyDelay, stereoWidth, type DelaySettings } from './space.js';
export { dereverberate, type DereverbSettings } from './dereverb.js';
export { shapeTransients, type TransientSettings } from './transient.js';
export { describeSound, type FeatureName, type SoundFeatures } from './features.js';
export {
  applySemantic,
  checkLexicon,
  parseSemantic,
  resolveActions,
  runAction,
  type Descriptor,
  type Lexicon,
  type SemanticAction,
  type SemanticReport,
  type SemanticRequest,
} from './semantic.js';
export { gateByVoice, type VoiceGateReport, type VoiceGateSettings } from './voicegate.js';
export {
  CHAIN_STEP_TYPES,
  gainToLoudness,
  runChain,
  runStep,
  type ChainStep,
  type StepReport,
} from './chain.js';
export {
  checkProfiles,
  findProfile,
  parseOverrides,
  type ListenerProfile,
  type MixOverrides,
  type ProfileSet,
} from './profiles.js';
export {
  ROLES,
  SPEECH_ROLES,
  checkProject,
  importanceOf,
  type MixObject,
  type MixProject,
  type Role,
} from './project.js';
export { renderMix, type MixReport, type ObjectReport, type RenderOptions } from './render.js';
export {
  TONE_CHAIN,
  automix,
  cleanTake,
  cleaningChain,
  matchedReverb,
  type AutomixOptions,
  type AutomixReport,
  type AutomixResult,
  type CleanedTake,
} from './automix.js';
export { cancelBleed, type BleedOptions, type BleedReport } from './bleed.js';
export {
  estimateOffset,
  offsetConfidence,
  type OffsetEstimate,
  type OffsetOptions,
} from './offset.js';
