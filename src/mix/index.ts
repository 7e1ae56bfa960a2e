/**
 * Adaptive mixing (issue 5, in progress): effect units, each sample-accurate and tested against
 * its definition. So far: a parametric EQ and a feed-forward compressor. Portable: no Node
 * built-ins.
 */
export { ParametricEq, eqResponseDb, equalize, type EqBand } from './eq.js';
export { Compressor, compressorCurveDb, type CompressorSettings } from './compressor.js';
