import { describe, expect, it } from 'vitest';
import { analyzeContour, type ExpressiveEvent } from './performance.js';
import { CONTOUR_HOP, CONTOUR_RATE, contour } from '../../test/contour.js';

const FRAME = CONTOUR_HOP / CONTOUR_RATE;

/** A logistic glide from `a` to `b` cents with 5–95 % duration `d` centred at `mid`. */
const logistic = (a: number, b: number, mid: number, d: number) => (t: number) =>
  a + (b - a) / (1 + Math.exp((-2 * Math.log(19) * (t - mid)) / d));

const kinds = (events: ExpressiveEvent[]) => events.map((e) => e.kind);

describe('analyzeContour', () => {
  it('reads a vibrato note as one note with its rate, extent, shape and bilingual label', () => {
    // D5 with 5.5 Hz, 120-cent (peak-to-peak) sinusoidal vibrato from 0.4 s to 1.8 s.
    const track = contour(
      (t) =>
        t < 0.1 || t > 2
          ? NaN
          : 7400 + (t > 0.4 && t < 1.8 ? 60 * Math.sin(2 * Math.PI * 5.5 * (t - 0.4)) : 0),
      2.2,
    );
    const { notes, events } = analyzeContour(track);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.midi).toBe(74);
    expect(Math.abs(notes[0]!.cents - 7400)).toBeLessThan(10);
    const vibrato = events.filter((e) => e.kind === 'vibrato');
    expect(vibrato).toHaveLength(1);
    const v = vibrato[0]!;
    expect(Math.abs(Number(v.params.rateHz) - 5.5)).toBeLessThan(0.1);
    expect(Math.abs(Number(v.params.extentCents) - 120)).toBeLessThan(10);
    expect(v.params.shape).toBe('sinusoidal');
    expect(v.start).toBeGreaterThan(0.3);
    expect(v.end).toBeLessThan(1.9);
    expect(v.label).toEqual({ en: 'vibrato', zh: '揉弦', pinyin: 'róuxián' });
    expect(v.note).toBe(0);
  });

  it('corrects vibrato extent for the tracker window (sinc attenuation)', () => {
    // A 7 Hz, 100-cent vibrato seen through a 40 ms averaging window shrinks by sinc(π·7·0.04).
    const shrink = Math.sin(Math.PI * 7 * 0.04) / (Math.PI * 7 * 0.04);
    const track = contour((t) => 6900 + 50 * shrink * Math.sin(2 * Math.PI * 7 * t), 1.5);
    const v = analyzeContour(track, { trackerWindowSeconds: 0.04 }).events.find(
      (e) => e.kind === 'vibrato',
    )!;
    expect(Math.abs(Number(v.params.extentCents) - 100)).toBeLessThan(6);
  });

  for (const d of [0.06, 0.2, 0.6]) {
    it(`finds a ${d * 1000} ms logistic portamento between two notes and fits it`, () => {
      const mid = 1;
      const track = contour(logistic(6700, 7200, mid, d), 2);
      const { notes, events } = analyzeContour(track);
      expect(notes.map((n) => n.midi)).toEqual([67, 72]);
      const p = events.filter((e) => e.kind === 'portamento');
      expect(p).toHaveLength(1);
      expect(Math.abs(Number(p[0]!.params.durationSeconds) - d)).toBeLessThan(0.15 * d + 0.01);
      expect(Math.abs(Number(p[0]!.params.midpointSeconds) - mid)).toBeLessThan(0.02);
      expect(Math.abs(Number(p[0]!.params.spanCents) - 500)).toBeLessThan(15);
      expect(Number(p[0]!.params.fitR2)).toBeGreaterThan(0.95);
      expect(p[0]!.label.zh).toBe('滑音');
    });
  }

  it('treats an instant change of note as two notes and no portamento', () => {
    const { notes, events } = analyzeContour(contour((t) => (t < 0.8 ? 6700 : 6900), 1.6));
    expect(notes.map((n) => n.midi)).toEqual([67, 69]);
    expect(kinds(events)).not.toContain('portamento');
  });

  it('keeps a portamento between vibrato notes as two notes joined by a slide', () => {
    const glide = logistic(6200, 6700, 1.2, 0.25);
    const track = contour(
      (t) => glide(t) + (t < 0.95 || t > 1.45 ? 40 * Math.sin(2 * Math.PI * 6 * t) : 0),
      2.4,
    );
    const { notes, events } = analyzeContour(track);
    expect(notes.map((n) => n.midi)).toEqual([62, 67]);
    expect(kinds(events).filter((k) => k === 'vibrato')).toHaveLength(2);
    expect(kinds(events)).toContain('portamento');
  });

  it('finds a trill with its rate and interval, on the note it starts from', () => {
    // A whole-tone trill at 8 Hz: square alternation 7200/7400 from 0.5 to 1.5 s.
    const track = contour(
      (t) => (t > 0.5 && t < 1.5 && Math.floor((t - 0.5) * 16) % 2 === 1 ? 7400 : 7200),
      2,
    );
    const { notes, events } = analyzeContour(track);
    const trills = events.filter((e) => e.kind === 'trill');
    expect(trills).toHaveLength(1);
    expect(Math.abs(Number(trills[0]!.params.rateHz) - 8)).toBeLessThan(0.3);
    expect(Math.abs(Number(trills[0]!.params.intervalCents) - 200)).toBeLessThan(20);
    expect(kinds(events)).not.toContain('vibrato');
    expect(notes.map((n) => n.midi)).toEqual([72]);
  });

  it('finds a grace note before a longer note', () => {
    // 60 ms at E5 leaning onto a 1 s D5.
    const track = contour((t) => (t < 0.1 ? NaN : t < 0.16 ? 7600 : t < 1.16 ? 7400 : NaN), 1.3);
    const { notes, events } = analyzeContour(track);
    const g = events.filter((e) => e.kind === 'grace-note');
    expect(g).toHaveLength(1);
    expect(Math.abs(g[0]!.start - 0.1)).toBeLessThan(0.02);
    expect(g[0]!.params.intervalCents).toBe(200);
    expect(notes.map((n) => [n.midi, n.grace])).toEqual([
      [76, true],
      [74, false],
    ]);
  });

  it('labels slides into and out of notes by direction (上滑音 / 下滑音)', () => {
    // Rises 300 cents into A4 over 120 ms, holds, then falls 250 cents over 150 ms.
    const track = contour((t) => {
      if (t < 0.2 || t > 1.5) return NaN;
      if (t < 0.32) return 6600 + (300 * (t - 0.2)) / 0.12;
      if (t < 1.35) return 6900;
      return 6900 - (250 * (t - 1.35)) / 0.15;
    }, 1.7);
    const { notes, events } = analyzeContour(track);
    expect(notes).toHaveLength(1);
    const inSlide = events.find((e) => e.kind === 'slide-in')!;
    const outSlide = events.find((e) => e.kind === 'slide-out')!;
    expect(inSlide.label.zh).toBe('上滑音');
    expect(Number(inSlide.params.spanCents)).toBeGreaterThan(200);
    expect(outSlide.label.zh).toBe('下滑音');
    expect(Number(outSlide.params.spanCents)).toBeLessThan(-150);
  });

  it('merges a dip and return to the same pitch into one note with a return slide (回滑音)', () => {
    const track = contour((t) => {
      const dip = t > 0.8 && t < 1.0 ? 150 * Math.sin((Math.PI * (t - 0.8)) / 0.2) : 0;
      return 6900 - dip;
    }, 1.8);
    const { notes, events } = analyzeContour(track);
    expect(notes).toHaveLength(1);
    const r = events.filter((e) => e.kind === 'return-slide');
    expect(r).toHaveLength(1);
    expect(r[0]!.params.direction).toBe('down-and-back');
    expect(Number(r[0]!.params.excursionCents)).toBeLessThan(-100);
  });

  it('finds amplitude tremolo in the frame level of a note without vibrato', () => {
    const track = contour(() => 6900, 2);
    const levelDb = Float32Array.from(track.times, (t) => -20 + 4 * Math.sin(2 * Math.PI * 5 * t));
    const { events } = analyzeContour(track, { levelDb });
    const tremolo = events.filter((e) => e.kind === 'tremolo');
    expect(tremolo).toHaveLength(1);
    expect(Math.abs(Number(tremolo[0]!.params.rateHz) - 5)).toBeLessThan(0.2);
    expect(Math.abs(Number(tremolo[0]!.params.depthDb) - 8)).toBeLessThan(1);
    // A steady level is not tremolo.
    const steady = analyzeContour(track, {
      levelDb: new Float32Array(track.times.length).fill(-20),
    });
    expect(kinds(steady.events)).not.toContain('tremolo');
  });

  it('finds nothing in a steady note, silence, or a one-frame track', () => {
    expect(analyzeContour(contour(() => 6900, 1)).events).toEqual([]);
    expect(analyzeContour(contour(() => NaN, 1))).toEqual({ notes: [], events: [] });
    expect(analyzeContour(contour(() => 6900, FRAME))).toEqual({ notes: [], events: [] });
  });

  it('stays quiet on a random-walk contour (no vibrato or trill claimed)', () => {
    let x = 6900;
    let seed = 7;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5;
    const walk = new Map<number, number>();
    const track = contour((t) => {
      const k = Math.round(t / FRAME);
      if (!walk.has(k)) walk.set(k, (x += 3 * rnd()));
      return walk.get(k)!;
    }, 3);
    const { events } = analyzeContour(track);
    expect(events.filter((e) => e.kind === 'vibrato' || e.kind === 'trill')).toEqual([]);
  });
});
