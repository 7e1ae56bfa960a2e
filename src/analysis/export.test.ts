/**
 * Outputs of an analysis: JSON valid against docs/analysis-schema.json and faithful to the
 * analysis, CSV of the track, SVG plot with note names, jianpu and bilingual event labels.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/shared-data.js';
import { isZhiyinError } from '../errors/index.js';
import {
  analysisFromJson,
  analysisToJson,
  analysisToSvg,
  analyzePerformance,
  jianpu,
  noteName,
  parseTonic,
  trackToCsv,
  type PerformanceAnalysis,
} from './index.js';

const SR = 44_100;

/** A bowed-like tone: D5 with 5.5 Hz vibrato, a 150 ms glide up to A5, then silence. */
function performance(): PerformanceAnalysis {
  const n = Math.round(3 * SR);
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    if (t < 0.2 || t > 2.6) continue;
    const glide = 700 / (1 + Math.exp(-(2 * Math.log(19) * (t - 1.6)) / 0.15));
    const vibrato = t > 0.4 && t < 1.4 ? 50 * Math.sin(2 * Math.PI * 5.5 * (t - 0.4)) : 0;
    const hz = 440 * 2 ** ((7400 + glide + vibrato - 6900) / 1200);
    phase += (2 * Math.PI * hz) / SR;
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
    x[i] = 0.3 * v;
  }
  return analyzePerformance({ sampleRate: SR, channels: [x] });
}

describe('analysis outputs', () => {
  const analysis = performance();

  it('finds what the test signal holds (the outputs below describe something real)', () => {
    expect(analysis.notes.map((n) => n.midi)).toEqual([74, 81]);
    expect(analysis.events.map((e) => e.kind)).toEqual(['vibrato', 'portamento']);
  });

  it('writes JSON that the published schema accepts and that keeps the analysis', () => {
    const schema = JSON.parse(
      readFileSync(`${repoRoot}/docs/analysis-schema.json`, 'utf8'),
    ) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const json = JSON.parse(analysisToJson(analysis)) as {
      notes: { midi: number; start: number }[];
      events: { kind: string; label: { zh: string } }[];
      track: { f0Hz: (number | null)[]; times: number[] };
    };
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.notes.map((n) => n.midi)).toEqual([74, 81]);
    expect(json.notes[0]!.start).toBeCloseTo(analysis.notes[0]!.start, 3);
    expect(json.events.map((e) => e.label.zh)).toEqual(['揉弦', '滑音']);
    expect(json.track.times).toHaveLength(analysis.track.times.length);
    // Unvoiced frames (the silence at both ends) are null, not NaN (which JSON cannot hold).
    expect(json.track.f0Hz[0]).toBeNull();
  });

  it('rejects JSON that breaks the schema (the schema is not a formality)', () => {
    const schema = JSON.parse(
      readFileSync(`${repoRoot}/docs/analysis-schema.json`, 'utf8'),
    ) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const json = JSON.parse(analysisToJson(analysis)) as Record<string, unknown>;
    expect(validate({ ...json, schemaVersion: 2 })).toBe(false);
    const events = json.events as { params: Record<string, unknown> }[];
    delete events[0]!.params.rateHz;
    expect(validate(json)).toBe(false);
  });

  it('writes the track as CSV, one row per frame, empty f0 where unvoiced', () => {
    const lines = trackToCsv(analysis).trim().split('\n');
    expect(lines[0]).toBe('time_s,f0_hz,voiced,voiced_probability,confidence,level_db');
    expect(lines).toHaveLength(analysis.track.times.length + 1);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows[0]![1]).toBe('');
    expect(rows[0]![2]).toBe('0');
    const mid = rows.find((r) => Number(r[0]) >= 2.2)!;
    expect(Number(mid[1])).toBeCloseTo(880, -1);
  });

  it('plots the contour with note names, jianpu degrees and bilingual event labels', () => {
    const svg = analysisToSvg(analysis, { tonic: parseTonic('D')! });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('D5 1˙');
    expect(svg).toContain('A5 5˙');
    expect(svg).toContain('vibrato 揉弦 5.5 Hz');
    expect(svg).toContain('portamento 滑音');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('reads back its JSON, and refuses damaged or foreign JSON with a clear error (fuzzed)', () => {
    const text = analysisToJson(analysis);
    const back = analysisFromJson(text);
    expect(back.notes.map((n) => n.midi)).toEqual([74, 81]);
    expect(back.track.voiced.reduce((a, b) => a + b, 0)).toBe(
      analysis.track.voiced.reduce((a, b) => a + b, 0),
    );
    expect(() => analysisFromJson('{"a":1}', 'x.json')).toThrow(/x\.json is not a Zhiyin analysis/);
    expect(() => analysisFromJson(text.replace('"schemaVersion":1', '"schemaVersion":9'))).toThrow(
      /schemaVersion 9/,
    );
    // 500 seeded mutations: truncations, byte changes, deleted spans. Each is read or refused
    // with a ZhiyinError, never anything else.
    let s = 7;
    const rnd = (n: number) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % n;
    };
    const chars = '{}[]":,0-.e9nulltrue ';
    let refused = 0;
    for (let i = 0; i < 500; i++) {
      let t = text;
      const kind = rnd(3);
      const at = rnd(t.length);
      if (kind === 0) t = t.slice(0, at);
      else if (kind === 1) t = t.slice(0, at) + chars[rnd(chars.length)]! + t.slice(at + 1);
      else t = t.slice(0, at) + t.slice(at + 1 + rnd(200));
      try {
        analysisFromJson(t);
      } catch (e) {
        expect(isZhiyinError(e), String(e)).toBe(true);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('names notes and jianpu degrees', () => {
    expect(noteName(69)).toBe('A4');
    expect(noteName(61)).toBe('C♯4');
    expect(parseTonic('Bb')).toBe(10);
    expect(parseTonic('F♯')).toBe(6);
    expect(parseTonic('H')).toBeUndefined();
    expect(jianpu(62, 2)).toBe('1');
    expect(jianpu(69, 2)).toBe('5');
    expect(jianpu(59, 2)).toBe('·6');
    expect(jianpu(77, 2)).toBe('♭3˙');
    expect(jianpu(75, 2)).toBe('♯1˙');
  });
});
