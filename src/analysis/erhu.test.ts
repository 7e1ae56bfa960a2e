/**
 * A real performance: the erhu f0 contour of AVA's example (../shared/data/erhu-f0), against the
 * events its ORIGIN.txt lists, and resynthesised so the tracker can be scored on it.
 */
import { describe, expect, it } from 'vitest';
import { analyzeContour, pyin, type ExpressiveEvent } from './index.js';
import {
  contourPhrase,
  contourTrack,
  ERHU_CONTOUR,
  ERHU_PORTAMENTI,
  ERHU_VIBRATO,
  readContour,
} from '../../eval/performance/erhu.js';
import { render } from '../../eval/performance/synth.js';
import { scorePitch } from '../../eval/performance/metrics.js';
import { sharedAvailable, sharedPath } from '../../test/shared-data.js';

const shared = sharedAvailable(ERHU_CONTOUR);

const portamentoAt = (events: ExpressiveEvent[], at: number, direction: number) =>
  events.find(
    (e) =>
      e.kind === 'portamento' &&
      e.start <= at + 0.05 &&
      e.end >= at - 0.05 &&
      Math.sign(Number(e.params.spanCents)) === direction,
  );

describe.skipIf(!shared.ok)(`the erhu contour of AVA's example${shared.why}`, () => {
  const contour = shared.ok ? readContour(sharedPath(ERHU_CONTOUR)) : undefined;

  it('finds the ~6.3 Hz vibrato of the first note and the listed portamenti', () => {
    const { events } = analyzeContour(contourTrack(contour!));
    const vibrato = events.find(
      (e) =>
        e.kind === 'vibrato' &&
        Math.min(e.end, ERHU_VIBRATO.end) - Math.max(e.start, ERHU_VIBRATO.start) >= 0.6,
    )!;
    expect(vibrato).toBeDefined();
    expect(Number(vibrato.params.rateHz)).toBeCloseTo(ERHU_VIBRATO.rateHz, 0);
    // ORIGIN.txt: peak to trough 128–170 cents.
    expect(Number(vibrato.params.extentCents)).toBeGreaterThan(128);
    expect(Number(vibrato.params.extentCents)).toBeLessThan(170);
    for (const p of ERHU_PORTAMENTI.slice(1))
      expect(portamentoAt(events, p.at, p.direction), `portamento at ${p.at} s`).toBeDefined();
  });

  it('reads the 20 ms drop at 0.13 s as a change of note unless told glides that fast count', () => {
    // 432 → 378 Hz in three frames: as fast as a tracker's smear of an instant change.
    const first = ERHU_PORTAMENTI[0]!;
    const byDefault = analyzeContour(contourTrack(contour!));
    expect(portamentoAt(byDefault.events, first.at, first.direction)).toBeUndefined();
    const before = byDefault.notes.find((n) => n.end <= first.at + 0.01 && n.end > 0.1)!;
    const after = byDefault.notes.find((n) => n.start >= first.at && n.start < 0.2)!;
    expect(after.cents - before.cents).toBeLessThan(-200);
    const fine = analyzeContour(contourTrack(contour!), { minPortamentoSeconds: 0.015 });
    const drop = portamentoAt(fine.events, first.at, first.direction)!;
    expect(drop).toBeDefined();
    expect(Number(drop.params.durationSeconds)).toBeLessThan(0.03);
  });

  it('recovers the contour from audio resynthesised from it (RPA ≥ 97 %)', () => {
    const phrase = contourPhrase(contour!);
    const x = render(phrase, 'bowed', 1);
    const scores = scorePitch(pyin(x, { sampleRate: phrase.sampleRate }), phrase);
    expect(scores.rpa).toBeGreaterThanOrEqual(0.97);
    expect(scores.voicingRecall).toBeGreaterThanOrEqual(0.97);
  });
});
