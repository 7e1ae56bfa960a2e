import { describe, expect, it } from 'vitest';
import type { MelodyNote } from '../theory/index.js';
import { jianpuLayout, jianpuSvg, jianpuText, readAbc } from './index.js';

/** A small well-formedness check: tags balance, attributes are quoted, text holds no raw < or stray &. */
function expectWellFormed(svg: string): void {
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    expect(text, 'raw < or > in text').not.toMatch(/[<>]/);
    expect(text, 'a stray &').not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    last = tag.lastIndex;
    if (m[1]) expect(stack.pop(), `closing </${m[2]}>`).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(body.startsWith('<svg ')).toBe(true);
}

const count = (svg: string, element: string, cls: string) =>
  svg.match(new RegExp(`<${element} class="${cls}"`, 'g'))?.length ?? 0;
const texts = (svg: string, cls: string) =>
  [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
const attr = (svg: string, element: string, cls: string, name: string) =>
  [...svg.matchAll(new RegExp(`<${element} class="${cls}"[^>]*? ${name}="([-\\d.]+)"`, 'g'))].map(
    (m) => Number(m[1]),
  );

describe('jianpuSvg', () => {
  it('engraves 茉莉花 in D: numbers in order, octave dots, beamed underlines, dashes and bars', () => {
    // 3 3̲5̲ | 6̲1̲̇ 1̲̇6̲ | 5 5̲6̲ | 5 - ‖ in 2/4, as jianpuText writes it.
    const tune = readAbc('X:1\nT:茉莉花\nM:2/4\nL:1/8\nK:D\nF2 FA | Bdd B | A2 AB | A4 |]');
    const { svg, approximated } = jianpuSvg(tune.notes, {
      tonicPc: 2,
      meter: '2/4',
      title: tune.title,
    });
    expectWellFormed(svg);
    expect(approximated).toBe(0);
    expect(texts(svg, 'n').join('')).toBe('33561165565');
    expect(texts(svg, 'key')).toEqual(['1=D 2/4']);
    expect(texts(svg, 'title')).toEqual(['茉莉花']);
    expect(svg).toContain('font-family="Noto Sans CJK SC, Source Han Sans, sans-serif"');
    expect(count(svg, 'circle', 'oct')).toBe(2); // the two high 1s
    // One underline per beamed beat: 3̲5̲ | 6̲1̲̇ 1̲̇6̲ | 5̲6̲ — each beat one continuous line.
    expect(count(svg, 'line', 'ul')).toBe(4);
    expect(count(svg, 'line', 'dash')).toBe(1);
    expect(count(svg, 'line', 'bar')).toBe(3);
    expect(count(svg, 'line', 'final')).toBe(2);
    expect(count(svg, 'path', 'tie')).toBe(0);
    expect(count(svg, 'g', 'system')).toBe(1);
  });

  it('draws accidentals, two-octave dots (below ones under the underlines), dots, ties and rests', () => {
    const notes: MelodyNote[] = [
      { midi: 86, duration: 1 }, // 1 two octaves up
      { midi: 47, duration: 0.25 }, // 6 two octaves down, a quarter beat: under two underlines
      { midi: 68, duration: 0.25 }, // ♯4
      { midi: 72, duration: 0.5 }, // ♭7
      { midi: 62, duration: 1.5 }, // 1·
      { duration: 0.5 }, // 0̲
      { midi: 64, duration: 3 }, // 2 - -
      { midi: 66, duration: 3 }, // 3 | ⁀3 - (tied across the bar line)
      { midi: 69, duration: 4 }, // 5 - | ⁀5 - ‖
    ];
    const { svg } = jianpuSvg(notes, { tonicPc: 2, meter: '4/4' });
    expectWellFormed(svg);
    expect(texts(svg, 'n').join('')).toBe('16471023355');
    expect(texts(svg, 'acc')).toEqual(['♯', '♭']);
    expect(count(svg, 'circle', 'oct')).toBe(4);
    expect(count(svg, 'circle', 'aug')).toBe(1);
    expect(count(svg, 'path', 'tie')).toBe(2);
    expect(count(svg, 'line', 'bar')).toBe(3);
    // Beat 2: 6 ♯4 ♭7 under one line, 6 ♯4 under a second; the rest after 1· alone.
    expect(count(svg, 'line', 'ul')).toBe(3);
    const baseline = attr(svg, 'text', 'n', 'y')[0]!;
    const underlines = attr(svg, 'line', 'ul', 'y1');
    const dotYs = attr(svg, 'circle', 'oct', 'cy');
    expect(dotYs.filter((y) => y < baseline - 10)).toHaveLength(2); // above the high 1
    const below = dotYs.filter((y) => y > baseline);
    expect(below).toHaveLength(2);
    expect(Math.min(...below)).toBeGreaterThan(Math.max(...underlines));
    // The text version of the same layout.
    expect(jianpuText(notes, { tonicPc: 2 }).text).toBe(
      '1=D 4/4\n| 1\u0307\u0307 6\u0323\u0323\u0333 ♯4\u0333 ♭7\u0332 1· 0\u0332 | 2 - - 3 | ⁀3 - 5 - | ⁀5 - ‖',
    );
  });

  it('wraps a long melody to several justified systems within the width', () => {
    const notes: MelodyNote[] = Array.from({ length: 96 }, (_, i) => ({
      midi: 60 + ((i * 5) % 12),
      duration: i % 3 === 0 ? 0.5 : 1,
    }));
    const layout = jianpuLayout(notes, { tonicPc: 0, meter: '3/4' });
    const { svg } = jianpuSvg(notes, { tonicPc: 0, meter: '3/4', width: 500 });
    expectWellFormed(svg);
    const systems = count(svg, 'g', 'system');
    expect(systems).toBeGreaterThan(4);
    expect(count(svg, 'text', 'n')).toBe(
      layout.bars.flat().filter((e) => e.kind !== 'dash').length,
    );
    for (const x of [...attr(svg, 'text', 'n', 'x'), ...attr(svg, 'line', 'bar', 'x1')]) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThanOrEqual(500);
    }
    // Justified: every system but the last ends its bar line at the same x.
    const ends = svg
      .split('<g class="system">')
      .slice(1, -1)
      .map((g) => Math.max(...attr(g, 'line', 'bar', 'x1')));
    expect(new Set(ends.map((x) => Math.round(x))).size).toBe(1);
    expect(Number(/height="([\d.]+)"/.exec(svg)![1])).toBeGreaterThan(systems * 60);
  });

  it('escapes the title and key name for XML, and ties across a system break in two arcs', () => {
    const { svg } = jianpuSvg([{ midi: 60, duration: 1 }], {
      tonicPc: 0,
      tonicName: 'C & <b>',
      title: '<script>alert("x")</script> & 茉莉花',
    });
    expectWellFormed(svg);
    expect(svg).not.toContain('<script>');
    expect(texts(svg, 'title')).toEqual([
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 茉莉花',
    ]);
    expect(texts(svg, 'key')).toEqual(['1=C &amp; &lt;b&gt; 4/4']);
    // Whole notes tied over every bar line, narrow page: some ties break between systems.
    const long = jianpuSvg([{ midi: 60, duration: 40 }], { tonicPc: 0, width: 260 });
    expectWellFormed(long.svg);
    const systems = count(long.svg, 'g', 'system');
    expect(systems).toBeGreaterThan(1);
    expect(count(long.svg, 'path', 'tie')).toBe(9 + (systems - 1));
  });
});
