/**
 * Writing a performance analysis out: JSON (versioned; docs/analysis-schema.json), CSV of the
 * pitch track, and an SVG plot of the contour with its notes and events (cents grid, note
 * names, and jianpu degrees when a tonic is given). Strings only, so it works anywhere.
 */
import { ZhiyinError } from '../errors/index.js';
import { ANALYSIS_SCHEMA_VERSION, type PerformanceAnalysis } from './analyze.js';
import type { ExpressiveEvent, Note } from './performance.js';

const round = (x: number, digits: number) =>
  Number.isFinite(x) ? Number(x.toFixed(digits)) : null;

/**
 * The analysis as JSON: arrays of the track rounded to sensible precision, NaN and infinities
 * as null.
 * @example writeFileSync('take.json', analysisToJson(analysis));
 */
export function analysisToJson(a: PerformanceAnalysis): string {
  const t = a.track;
  const plain = {
    schemaVersion: a.schemaVersion,
    sampleRate: a.sampleRate,
    durationSeconds: round(a.durationSeconds, 4),
    tracker: a.tracker,
    summary: a.summary,
    notes: a.notes.map((n) => ({
      ...n,
      start: round(n.start, 4),
      end: round(n.end, 4),
      cents: round(n.cents, 1),
      hz: round(n.hz, 2),
      stabilityCents: round(n.stabilityCents, 1),
    })),
    events: a.events.map((e) => ({
      ...e,
      start: round(e.start, 4),
      end: round(e.end, 4),
      params: Object.fromEntries(
        Object.entries(e.params).map(([k, v]) => [k, typeof v === 'number' ? round(v, 4) : v]),
      ),
    })),
    track: {
      hopSeconds: round(t.hopSize / t.sampleRate, 6),
      times: Array.from(t.times, (v) => round(v, 4)),
      f0Hz: Array.from(t.f0Hz, (v) => round(v, 2)),
      voicedProbability: Array.from(t.voicedProbability, (v) => round(v, 3)),
      confidence: Array.from(t.confidence, (v) => round(v, 3)),
      levelDb: Array.from(t.levelDb, (v) => round(v, 1)),
    },
  };
  return JSON.stringify(plain, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v,
  );
}

/** What a comparison needs of an analysis read back from JSON. */
export type StoredAnalysis = Pick<PerformanceAnalysis, 'notes' | 'events' | 'durationSeconds'> & {
  track: Pick<PerformanceAnalysis['track'], 'times' | 'voiced'>;
};

/**
 * Reads back what {@link analysisToJson} wrote (schemaVersion 1): notes, events and which
 * frames are voiced. Throws a ZhiyinError naming what is wrong for anything else.
 * @example const a = analysisFromJson(readFileSync('take.json', 'utf8'), 'take.json');
 */
export function analysisFromJson(text: string, name = 'the JSON'): StoredAnalysis {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ZhiyinError('CORRUPT_DATA', `${name} is not valid JSON.`);
  }
  const o = data as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || !('schemaVersion' in o))
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `${name} is not a Zhiyin analysis: write one with \`zhiyin analyze FILE --json out.json\`.`,
    );
  if (o.schemaVersion !== ANALYSIS_SCHEMA_VERSION)
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `${name} has schemaVersion ${String(o.schemaVersion)}; this Zhiyin reads version ${ANALYSIS_SCHEMA_VERSION}: analyse the recording again.`,
    );
  const track = o.track as { times?: unknown; f0Hz?: unknown } | undefined;
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const ok =
    Array.isArray(o.notes) &&
    Array.isArray(o.events) &&
    finite(o.durationSeconds) &&
    Array.isArray(track?.times) &&
    Array.isArray(track.f0Hz) &&
    track.times.length === track.f0Hz.length &&
    track.times.every(finite) &&
    (o.notes as Record<string, unknown>[]).every(
      (n) => n && finite(n.start) && finite(n.end) && finite(n.cents),
    ) &&
    (o.events as Record<string, unknown>[]).every(
      (e) => e && typeof e.kind === 'string' && finite(e.start) && finite(e.end) && e.params,
    );
  if (!ok)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} claims to be a Zhiyin analysis but its notes, events or track are damaged (see docs/analysis-schema.json).`,
    );
  const times = track!.times as number[],
    f0 = track!.f0Hz as (number | null)[];
  return {
    durationSeconds: o.durationSeconds as number,
    notes: o.notes as Note[],
    events: o.events as ExpressiveEvent[],
    track: {
      times: Float64Array.from(times),
      voiced: Uint8Array.from(f0, (f) => (f !== null && f > 0 ? 1 : 0)),
    },
  };
}

/**
 * The pitch track as CSV: time_s, f0_hz (empty where unvoiced), voiced, voiced_probability,
 * confidence, level_db.
 */
export function trackToCsv(a: PerformanceAnalysis): string {
  const t = a.track;
  const lines = ['time_s,f0_hz,voiced,voiced_probability,confidence,level_db'];
  for (let i = 0; i < t.times.length; i++) {
    lines.push(
      `${t.times[i]!.toFixed(4)},${t.voiced[i] ? t.f0Hz[i]!.toFixed(2) : ''},${t.voiced[i]},${t.voicedProbability[i]!.toFixed(3)},${t.confidence[i]!.toFixed(3)},${t.levelDb[i]!.toFixed(1)}`,
    );
  }
  return lines.join('\n') + '\n';
}

const NOTE_NAMES = ['C', 'C♯', 'D', 'E♭', 'E', 'F', 'F♯', 'G', 'A♭', 'A', 'B♭', 'B'];
const PITCH_CLASSES: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/** MIDI note name, e.g. 69 → A4. */
export function noteName(midi: number): string {
  return `${NOTE_NAMES[((midi % 12) + 12) % 12]}${Math.floor(midi / 12) - 1}`;
}

/**
 * Pitch class (0–11) of a tonic written as a letter with optional ♯/#/♭/b, e.g. "D", "Bb", "F#".
 * Undefined when it is not a note name.
 */
export function parseTonic(name: string): number | undefined {
  const m = /^([A-Ga-g])([#♯b♭]?)$/.exec(name.trim());
  if (!m) return undefined;
  const base = PITCH_CLASSES[m[1]!.toUpperCase()]!;
  const accidental = m[2] === '#' || m[2] === '♯' ? 1 : m[2] === 'b' || m[2] === '♭' ? -1 : 0;
  return (base + accidental + 12) % 12;
}

/**
 * Jianpu (简谱) degree of a MIDI note for a tonic pitch class: 1–7 with ♯ or ♭ for notes
 * outside the major scale, and dots for octaves ('·' before a degree is an octave below the
 * tonic's octave around C4–B4, '˙' after it above).
 * @example jianpu(62, 2) // '1'  (D with 1 = D)
 */
export function jianpu(midi: number, tonic: number): string {
  const degrees = ['1', '♯1', '2', '♭3', '3', '4', '♯4', '5', '♭6', '6', '♭7', '7'];
  const rel = midi - (60 + tonic);
  const octave = Math.floor(rel / 12);
  const degree = degrees[((rel % 12) + 12) % 12]!;
  return octave < 0 ? `${'·'.repeat(-octave)}${degree}` : `${degree}${'˙'.repeat(octave)}`;
}

const EVENT_COLOURS: Record<string, string> = {
  vibrato: '#d95f02',
  trill: '#7570b3',
  portamento: '#1b9e77',
  'slide-in': '#66a61e',
  'slide-out': '#66a61e',
  'return-slide': '#e6ab02',
  'grace-note': '#e7298a',
  tremolo: '#a6761d',
};

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Options of {@link analysisToSvg}. */
export interface PlotOptions {
  /** Tonic pitch class (0–11) for jianpu degrees, e.g. parseTonic('D'). */
  tonic?: number;
  width?: number;
  height?: number;
  /** Time range to draw, seconds (default: all). */
  from?: number;
  to?: number;
}

/**
 * An SVG plot: the pitch contour on a cents grid (one line per semitone, named at each C and
 * at the notes found), notes as bars labelled with their name (and jianpu degree), events as
 * coloured spans labelled in English and Chinese.
 */
export function analysisToSvg(a: PerformanceAnalysis, options: PlotOptions = {}): string {
  const t = a.track;
  const from = options.from ?? 0,
    to = options.to ?? Math.max(a.durationSeconds, 0.1);
  const width = options.width ?? Math.min(4000, Math.max(900, Math.round((to - from) * 120)));
  const height = options.height ?? 520;
  const left = 56,
    right = 16,
    top = 46,
    bottom = 40;
  let low = Infinity,
    high = -Infinity;
  for (let i = 0; i < t.times.length; i++)
    if (t.voiced[i] && t.times[i]! >= from && t.times[i]! <= to) {
      const c = 6900 + 1200 * Math.log2(t.f0Hz[i]! / 440);
      low = Math.min(low, c);
      high = Math.max(high, c);
    }
  const lo = low <= high ? Math.floor(low / 100) * 100 - 100 : 5500;
  const hi = low <= high ? Math.ceil(high / 100) * 100 + 100 : 8100;
  const x = (s: number) => left + ((s - from) / (to - from)) * (width - left - right);
  const y = (cents: number) => top + ((hi - cents) / (hi - lo)) * (height - top - bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei'" font-size="11">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  // Grid: a line per semitone, a label at each C (and at A4).
  for (let c = lo; c <= hi; c += 100) {
    const midi = Math.round(c / 100);
    const strong = midi % 12 === 0;
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(c).toFixed(1)}" y2="${y(c).toFixed(1)}" stroke="${strong ? '#bbb' : '#eee'}" stroke-width="1"/>`,
    );
    if (strong || midi === 69 || hi - lo <= 1500)
      parts.push(
        `<text x="${left - 6}" y="${(y(c) + 4).toFixed(1)}" text-anchor="end" fill="#555">${noteName(midi)}</text>`,
      );
  }
  // Time axis: a tick per second (or per 10 s for long plots).
  const step = to - from > 60 ? 10 : to - from > 20 ? 5 : 1;
  for (let s = Math.ceil(from / step) * step; s <= to; s += step) {
    parts.push(
      `<line x1="${x(s).toFixed(1)}" x2="${x(s).toFixed(1)}" y1="${top}" y2="${height - bottom}" stroke="#f3f3f3"/>`,
    );
    parts.push(
      `<text x="${x(s).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" fill="#555">${s}s</text>`,
    );
  }
  // Events: coloured spans along the top, with bilingual labels.
  const lanes: number[] = [];
  for (const e of a.events) {
    if (e.end < from || e.start > to) continue;
    const text = eventLabel(e);
    // A lane is free once the previous label's text (about 6.5 px per character, 11 px per
    // Chinese one) and span have ended.
    let lane = lanes.findIndex((end) => end < x(e.start));
    if (lane < 0) lane = lanes.length;
    const textWidth = [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 11 : 6.5), 0);
    lanes[lane] = Math.max(x(e.end), x(e.start) + textWidth) + 8;
    const colour = EVENT_COLOURS[e.kind] ?? '#999';
    const ey = 6 + (lane % 3) * 13;
    parts.push(
      `<rect x="${x(e.start).toFixed(1)}" y="${top}" width="${Math.max(1, x(e.end) - x(e.start)).toFixed(1)}" height="${height - top - bottom}" fill="${colour}" opacity="0.09"/>`,
    );
    parts.push(
      `<text x="${x(e.start).toFixed(1)}" y="${ey + 10}" fill="${colour}">${escape(text)}</text>`,
    );
  }
  // Notes: bars at their pitch, labelled.
  for (const n of a.notes) {
    if (n.end < from || n.start > to) continue;
    const label =
      noteName(n.midi) + (options.tonic !== undefined ? ` ${jianpu(n.midi, options.tonic)}` : '');
    parts.push(
      `<rect x="${x(n.start).toFixed(1)}" y="${(y(n.cents) - 3).toFixed(1)}" width="${Math.max(1, x(n.end) - x(n.start)).toFixed(1)}" height="6" fill="#1f78b4" opacity="${n.grace ? 0.3 : 0.45}"/>`,
    );
    parts.push(
      `<text x="${x(n.start).toFixed(1)}" y="${(y(n.cents) - 6).toFixed(1)}" fill="#1f4e79" font-size="10">${escape(label)}</text>`,
    );
  }
  // The contour, broken where unvoiced; a point within half a pixel of the last is not drawn
  // (long recordings have many frames per pixel).
  const path: string[] = [];
  let drawing = false,
    lastX = 0,
    lastY = 0;
  for (let i = 0; i < t.times.length; i++) {
    const s = t.times[i]!;
    if (s < from || s > to || !t.voiced[i]) {
      drawing = false;
      continue;
    }
    const px = x(s),
      py = y(6900 + 1200 * Math.log2(t.f0Hz[i]! / 440));
    if (drawing && Math.abs(px - lastX) < 0.5 && Math.abs(py - lastY) < 0.5) continue;
    path.push(`${drawing ? 'L' : 'M'}${px.toFixed(1)} ${py.toFixed(1)}`);
    drawing = true;
    lastX = px;
    lastY = py;
  }
  parts.push(`<path d="${path.join('')}" fill="none" stroke="#222" stroke-width="1.2"/>`);
  parts.push(
    `<text x="${left}" y="${height - 6}" fill="#777">pitch (${a.tracker.method}, hop ${(a.tracker.hopSeconds * 1000).toFixed(1)} ms); grid: semitones</text>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}

function eventLabel(e: ExpressiveEvent): string {
  const p = e.params;
  const detail =
    e.kind === 'vibrato'
      ? ` ${Number(p.rateHz).toFixed(1)} Hz ${Math.round(Number(p.extentCents))}¢`
      : e.kind === 'trill'
        ? ` ${Number(p.rateHz).toFixed(1)} Hz`
        : e.kind === 'portamento'
          ? ` ${Math.round(Number(p.durationSeconds) * 1000)} ms`
          : '';
  return `${e.label.en} ${e.label.zh}${detail}`;
}
