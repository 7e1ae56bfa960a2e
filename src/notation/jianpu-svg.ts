/**
 * Jianpu (简谱) engraved as SVG: a title, the key line at the top left ("1=D 4/4"), then the
 * melody in systems (lines) of bars that wrap to the page width and are justified, as jianpu
 * is printed. Numbers 1–7 (0 for rests) as text, ♯/♭ as smaller text before them, octave dots
 * as small circles above or below (stacked, one per octave; below-dots sit under the
 * underlines), underlines for half (one) and quarter beats (two) joined under each beat, dashes
 * for extra beats (5 - -), augmentation dots to the right (5·), bar lines, a final double bar,
 * and ties as arcs where a note crosses a bar line (split in two where a system breaks between
 * them). The layout (degrees, lengths, bars) is jianpuLayout's, the same as jianpuText's. No
 * external fonts: text asks for Noto Sans CJK SC or Source Han Sans, else any sans-serif.
 */
import type { MelodyNote } from '../theory/index.js';
import { jianpuLayout, type JianpuElement, type JianpuOptions } from './jianpu.js';

export interface JianpuSvgOptions extends JianpuOptions {
  /** Title above the music (escaped for XML). */
  title?: string;
  /** Page width in pixels (default 800); systems wrap to it. */
  width?: number;
}

export interface JianpuSvg {
  svg: string;
  /** How many notes had lengths written as the nearest quarter beat. */
  approximated: number;
}

const FONT = 'Noto Sans CJK SC, Source Han Sans, sans-serif';
const MARGIN = 32;
const DIGIT_SIZE = 20;
/** Horizontal room of a sign by its underlines (0, 1, 2), before extras. */
const SLOT = [26, 20, 17];
const ACCIDENTAL_ROOM = 8;
const DOT_ROOM = 7;
const BEAT_GAP = 6;
const BAR_PAD = 12;
const SYSTEM_HEIGHT = 84;
const DOT_R = 1.8;

/** A sign placed in its bar: x of its number's centre, from the bar's start. */
interface Placed {
  e: JianpuElement;
  x: number;
}

/** Escapes text for XML content and attribute values. */
function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

/** A coordinate, rounded to 0.1 px. */
const f = (n: number) => String(Math.round(n * 10) / 10);

/** Places the signs of one bar; returns them and the bar's natural width. */
function placeBar(bar: JianpuElement[]): { placed: Placed[]; width: number } {
  let x = BAR_PAD;
  const placed: Placed[] = [];
  bar.forEach((e, i) => {
    if (i > 0 && Math.abs(e.onset - Math.round(e.onset)) < 1e-9) x += BEAT_GAP;
    const acc = e.accidental ? ACCIDENTAL_ROOM : 0;
    const slot = SLOT[Math.min(2, e.underlines)]!;
    placed.push({ e, x: x + acc + slot / 2 });
    x += acc + slot + (e.dotted ? DOT_ROOM : 0);
  });
  return { placed, width: x + BAR_PAD };
}

/**
 * Jianpu as an SVG document.
 * @example jianpuSvg(readAbc(abc).notes, { tonicPc: 2, meter: '2/4', title: '茉莉花' }).svg
 */
export function jianpuSvg(notes: MelodyNote[], options: JianpuSvgOptions): JianpuSvg {
  const width = Math.max(200, options.width ?? 800);
  const layout = jianpuLayout(notes, options);
  const bars = layout.bars.map(placeBar);
  const available = width - 2 * MARGIN;

  // Systems: as many bars as fit the width (at least one).
  const systems: number[][] = [];
  let line: number[] = [],
    used = 0;
  bars.forEach((b, i) => {
    if (line.length && used + b.width > available) {
      systems.push(line);
      line = [];
      used = 0;
    }
    line.push(i);
    used += b.width;
  });
  if (line.length) systems.push(line);

  const out: string[] = [];
  let y = MARGIN;
  if (options.title) {
    y += 24;
    out.push(
      `<text class="title" x="${f(width / 2)}" y="${f(y)}" font-size="24" text-anchor="middle">${escapeXml(options.title)}</text>`,
    );
    y += 12;
  }
  y += 18;
  out.push(
    `<text class="key" x="${MARGIN}" y="${f(y)}" font-size="16">${escapeXml(layout.keyLine)}</text>`,
  );
  y += 12;

  /** Where each sign went: system, absolute x, baseline y (for ties). */
  const where: { system: number; x: number; y: number; e: JianpuElement }[] = [];
  const systemEnds: number[] = [];
  systems.forEach((members, s) => {
    const baseline = y + 40 + s * SYSTEM_HEIGHT;
    const natural = members.reduce((a, i) => a + bars[i]!.width, 0);
    const last = s === systems.length - 1;
    // Justify every system but the last (and never squeeze an overfull one).
    const scale = !last && natural < available ? available / natural : 1;
    const body: string[] = [];
    let x0 = MARGIN;
    members.forEach((i) => {
      const bar = bars[i]!;
      const abs = bar.placed.map((p) => ({ ...p, x: x0 + p.x * scale }));
      for (const p of abs) {
        body.push(...drawSign(p.e, p.x, baseline));
        where.push({ system: s, x: p.x, y: baseline, e: p.e });
      }
      body.push(...drawBeams(abs, baseline));
      x0 += bar.width * scale;
      const top = baseline - 24,
        bottom = baseline + 12;
      if (i === bars.length - 1)
        body.push(
          `<line class="final" x1="${f(x0 - 5)}" y1="${f(top)}" x2="${f(x0 - 5)}" y2="${f(bottom)}" stroke="black" stroke-width="1"/>`,
          `<line class="final" x1="${f(x0 - 1.5)}" y1="${f(top)}" x2="${f(x0 - 1.5)}" y2="${f(bottom)}" stroke="black" stroke-width="3"/>`,
        );
      else
        body.push(
          `<line class="bar" x1="${f(x0)}" y1="${f(top)}" x2="${f(x0)}" y2="${f(bottom)}" stroke="black" stroke-width="1"/>`,
        );
    });
    systemEnds.push(x0);
    out.push(`<g class="system">${body.join('')}</g>`);
  });

  // Ties: from the last number before a tied continuation to it.
  where.forEach((w, i) => {
    if (!w.e.tied) return;
    let j = i - 1;
    while (j >= 0 && where[j]!.e.kind !== 'note') j--;
    const from = where[j];
    if (!from) return;
    const lift = (a: JianpuElement) => Math.max(0, a.octave) * 5;
    if (from.system === w.system) out.push(arc(from.x, w.x, w.y, lift(from.e), lift(w.e)));
    else {
      out.push(arc(from.x, systemEnds[from.system]! + 6, from.y, lift(from.e), 0));
      out.push(arc(MARGIN - 6, w.x, w.y, 0, lift(w.e)));
    }
  });

  const height = y + 40 + (systems.length - 1) * SYSTEM_HEIGHT + 36 + MARGIN - 12;
  const svg =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f(width)}" height="${f(height)}" viewBox="0 0 ${f(width)} ${f(height)}" font-family="${FONT}">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${out.join('\n')}\n</svg>\n`;
  return { svg, approximated: layout.approximated };
}

/** A number (or dash) with its accidental, octave dots and augmentation dot. */
function drawSign(e: JianpuElement, x: number, y: number): string[] {
  const parts: string[] = [];
  if (e.kind === 'dash')
    parts.push(
      `<line class="dash" x1="${f(x - 6)}" y1="${f(y - 7)}" x2="${f(x + 6)}" y2="${f(y - 7)}" stroke="black" stroke-width="1.6"/>`,
    );
  else
    parts.push(
      `<text class="n" x="${f(x)}" y="${f(y)}" font-size="${DIGIT_SIZE}" text-anchor="middle">${e.digit}</text>`,
    );
  if (e.accidental)
    parts.push(
      `<text class="acc" x="${f(x - 6)}" y="${f(y - 8)}" font-size="12" text-anchor="end">${e.accidental > 0 ? '♯' : '♭'}</text>`,
    );
  for (let k = 0; k < Math.abs(e.octave); k++) {
    const cy = e.octave > 0 ? y - 19 - 5 * k : y + 2 + 4 * e.underlines + 4 + 5 * k;
    parts.push(`<circle class="oct" cx="${f(x)}" cy="${f(cy)}" r="${DOT_R}"/>`);
  }
  if (e.dotted) parts.push(`<circle class="aug" cx="${f(x + 10)}" cy="${f(y - 6)}" r="${DOT_R}"/>`);
  return parts;
}

/**
 * Underlines: one line under each run of half-beat (or shorter) signs within a beat, and a
 * second under each run of quarter-beat signs inside it.
 */
function drawBeams(placed: Placed[], y: number): string[] {
  const parts: string[] = [];
  const line = (a: Placed, b: Placed, level: number) => {
    const ly = y + 4 + 4 * (level - 1);
    const x2 = b.x + 6 + (b.e.dotted ? 7 : 0);
    parts.push(
      `<line class="ul" x1="${f(a.x - 6)}" y1="${f(ly)}" x2="${f(x2)}" y2="${f(ly)}" stroke="black" stroke-width="1.2"/>`,
    );
  };
  const beat = (p: Placed) => Math.floor(p.e.onset + 1e-9);
  for (let level = 1; level <= 2; level++) {
    let i = 0;
    while (i < placed.length) {
      if (placed[i]!.e.underlines < level) {
        i++;
        continue;
      }
      let j = i;
      while (
        j + 1 < placed.length &&
        placed[j + 1]!.e.underlines >= level &&
        beat(placed[j + 1]!) === beat(placed[i]!)
      )
        j++;
      line(placed[i]!, placed[j]!, level);
      i = j + 1;
    }
  }
  return parts;
}

/** A tie arc over two numbers (lifted over their octave dots). */
function arc(x1: number, x2: number, y: number, lift1: number, lift2: number): string {
  const y1 = y - 22 - lift1,
    y2 = y - 22 - lift2;
  const peak = Math.min(y1, y2) - 8;
  return `<path class="tie" d="M ${f(x1 + 2)} ${f(y1)} Q ${f((x1 + x2) / 2)} ${f(peak)} ${f(x2 - 2)} ${f(y2)}" fill="none" stroke="black" stroke-width="1.2"/>`;
}
