/**
 * Adaptive mixing (issue 5, in progress): effect units, each sample-accurate and tested against
 * its definition. So far: a parametric EQ, a feed-forward compressor and a look-ahead true-peak limiter. Portable: no Node
 * built-ins.
 */
export { ParametricEq, eqResponseDb, equalize, type EqBand } from './eq.js';
export { Compressor, compressorCurveDb, type CompressorSettings } from './compressor.js';
export { limitTruePeak, type LimiterReport, type LimiterSettings } from './limiter.js';
