/**
 * Hardened XML reading for score files: saxes (ISC, a strict, non-validating, streaming XML 1.0
 * parser) never fetches external entities and never expands entities a DOCTYPE declares; we also
 * refuse any DOCTYPE that declares entities (billion laughs, XXE) before parsing, and bound the
 * size, the nesting depth and the number of elements, so a hostile file fails in one line and in
 * bounded time and memory. The result is a small element tree.
 */
import { SaxesParser } from 'saxes';
import { ZhiyinError } from '../errors/index.js';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside the element, joined and trimmed. */
  text: string;
}

export interface XmlLimits {
  /** Characters (default 64 Mi). */
  maxChars?: number;
  /** Element nesting (default 64; MusicXML needs about 8). */
  maxDepth?: number;
  /** Elements in the document (default 4 Mi). */
  maxElements?: number;
}

/**
 * @example parseXml('<a x="1"><b>hi</b></a>', 'the file').children[0].text // 'hi'
 */
export function parseXml(text: string, name: string, limits: XmlLimits = {}): XmlElement {
  const maxChars = limits.maxChars ?? 64 * 2 ** 20;
  const maxDepth = limits.maxDepth ?? 64;
  const maxElements = limits.maxElements ?? 4 * 2 ** 20;
  if (!text.trim()) throw new ZhiyinError('EMPTY_INPUT', `${name} is empty.`);
  if (text.length > maxChars)
    throw new ZhiyinError(
      'LIMIT_EXCEEDED',
      `${name} is ${(text.length / 2 ** 20).toFixed(0)} MiB of XML; scores above ${(maxChars / 2 ** 20).toFixed(0)} MiB are refused.`,
    );
  const doctype = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/i.exec(text.slice(0, 1 << 16));
  if (doctype && /<!ENTITY/i.test(doctype[1]!))
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `${name} declares XML entities in its DOCTYPE; they are refused for safety (score files never need them).`,
    );
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  const texts: string[][] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let failure: ZhiyinError | undefined;
  const fail = (message: string) => {
    failure ??= new ZhiyinError(
      'CORRUPT_DATA',
      `${name} is not well-formed XML (line ${parser.line}: ${message}).`,
    );
    throw failure;
  };
  parser.on('error', (e) => fail(e.message.replace(/^[^:]*:\d+:\d+: /, '')));
  parser.on('opentag', (tag) => {
    if (++count > maxElements)
      throw (failure = new ZhiyinError(
        'LIMIT_EXCEEDED',
        `${name} has over ${maxElements} XML elements; that is no melody.`,
      ));
    if (stack.length >= maxDepth)
      throw (failure = new ZhiyinError(
        'LIMIT_EXCEEDED',
        `${name} nests XML elements over ${maxDepth} deep; score files need far fewer.`,
      ));
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = String(v);
    const el: XmlElement = { name: tag.name, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
    texts.push([]);
  });
  const onText = (t: string) => texts[texts.length - 1]?.push(t);
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const el = stack.pop()!;
    el.text = texts.pop()!.join('').trim();
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (failure) throw failure;
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} is not well-formed XML (${String(e instanceof Error ? e.message : e).split('\n')[0]}).`,
    );
  }
  if (!root) throw new ZhiyinError('CORRUPT_DATA', `${name} holds no XML element.`);
  return root;
}

/** The first child with this name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** All children with this name. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Text of the first child with this name. */
export function childText(el: XmlElement | undefined, name: string): string | undefined {
  return child(el, name)?.text;
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
