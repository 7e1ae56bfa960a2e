/**
 * Adaptive mixing (issue 5, in progress): effect units, each sample-accurate and tested against
 * its definition. So far: a parametric EQ, a feed-forward compressor, a look-ahead true-peak limiter, a
 * downward expander / gate with hold, a feedback delay and stereo width. Portable: no Node
 * built-ins.
 */
export { ParametricEq, eqResponseDb, equalize, type EqBand } from './eq.js';
export { Compressor, compressorCurveDb, type CompressorSettings } from './compressor.js';
export { limitTruePeak, type LimiterReport, type LimiterSettings } from './limiter.js';
export { Expander, expanderAttenuationDb, type ExpanderSettings } from './gate.js';
export { applyDelay, stereoWidth, type DelaySettings } from './space.js';
