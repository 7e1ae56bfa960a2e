/**
 * Loudness normalisation: the gain that brings a programme to a target integrated loudness
 * without its true peak passing a ceiling.
 *
 * This is gain only, as streaming services apply it: when the ceiling forbids the full gain,
 * the gain stops at the ceiling and the result says so (limitedBy: 'true-peak'); reaching
 * the target then needs a limiter, which belongs to the mixing tools. Gain moves true peak
 * exactly; integrated loudness moves by the gain too, except where blocks cross the
 * −70 LUFS absolute gate, which can shift it by a few hundredths of an LU.
 */
import { ZhiyinError, requireInRange } from '../errors/index.js';
import type { LoudnessResult } from './meter.js';

/** What to normalise to. */
export interface NormalizationTarget {
  /** Target integrated loudness, LUFS (e.g. −14 streaming, −16 podcasts, −23 EBU R128 broadcast). */
  targetLufs: number;
  /** Highest true peak allowed after the gain, dBTP (e.g. −1). Omit for no ceiling. */
  truePeakCeilingDbtp?: number;
}

/** The gain decision and what it predicts. */
export interface NormalizationPlan {
  gainDb: number;
  limitedBy: 'target' | 'true-peak';
  expectedIntegratedLufs: number;
  expectedTruePeakDbtp: number;
}

/**
 * Plans the gain for a measured programme.
 * @example planNormalization(meter.result(), { targetLufs: -14, truePeakCeilingDbtp: -1 })
 */
export function planNormalization(
  measured: Pick<LoudnessResult, 'integratedLufs' | 'truePeakDbtp'>,
  target: NormalizationTarget,
): NormalizationPlan {
  requireInRange('targetLufs', target.targetLufs, -70, 0);
  if (target.truePeakCeilingDbtp !== undefined)
    requireInRange('truePeakCeilingDbtp', target.truePeakCeilingDbtp, -60, 6);
  if (!Number.isFinite(measured.integratedLufs)) {
    throw new ZhiyinError(
      'EMPTY_INPUT',
      'The audio is silent (below −70 LUFS throughout), so there is no loudness to normalise.',
    );
  }
  let gainDb = target.targetLufs - measured.integratedLufs;
  let limitedBy: NormalizationPlan['limitedBy'] = 'target';
  const ceiling = target.truePeakCeilingDbtp;
  if (ceiling !== undefined) {
    if (Number.isNaN(measured.truePeakDbtp)) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        'A true-peak ceiling needs a measurement with true peak enabled.',
      );
    }
    if (measured.truePeakDbtp + gainDb > ceiling) {
      gainDb = ceiling - measured.truePeakDbtp;
      limitedBy = 'true-peak';
    }
  }
  return {
    gainDb,
    limitedBy,
    expectedIntegratedLufs: measured.integratedLufs + gainDb,
    expectedTruePeakDbtp: measured.truePeakDbtp + gainDb,
  };
}
