/**
 * The module map of docs/architecture.md, enforced: which module may import which, that
 * modules meet only through their index.ts faces, that the portable core stays free of Node
 * built-ins (so it runs in browsers), and that every module says what it is for.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './shared-data.js';

const CAPABILITIES_AND_BELOW = [
  'errors',
  'dsp',
  'audio',
  'loudness',
  'theory',
  'notation',
  'analysis',
  'atlas',
  'arrange',
  'mix',
];

/** Each module and the modules it may import (downward only). Keep in step with docs/architecture.md. */
export const LAYERS: Record<string, string[]> = {
  errors: [],
  dsp: ['errors'],
  audio: ['errors', 'dsp'],
  loudness: ['errors', 'dsp', 'audio'],
  theory: ['errors'],
  notation: ['errors', 'theory'],
  atlas: ['errors', 'theory'],
  analysis: ['errors', 'dsp', 'audio', 'theory', 'notation'],
  arrange: ['errors', 'dsp', 'audio', 'theory', 'notation', 'atlas'],
  mix: ['errors', 'dsp', 'audio', 'loudness', 'theory', 'notation', 'analysis'],
  node: [...CAPABILITIES_AND_BELOW],
  server: [...CAPABILITIES_AND_BELOW, 'node'],
  cli: [...CAPABILITIES_AND_BELOW, 'node', 'server'],
};
const PORTABLE = [
  'errors',
  'dsp',
  'audio',
  'loudness',
  'theory',
  'notation',
  'analysis',
  'atlas',
  'arrange',
  'mix',
];

const src = join(repoRoot, 'src');
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? files(path)
      : name.endsWith('.ts') && !name.endsWith('.test.ts')
        ? [path]
        : [];
  });
}
const sources = files(src).map((path) => {
  const rel = relative(src, path);
  const text = readFileSync(path, 'utf8');
  const imports = [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  );
  return { rel, module: rel.split('/')[0]!, text, imports };
});

describe('architecture', () => {
  it('has exactly the modules of the layer table, each with a documented index.ts', () => {
    const modules = readdirSync(src).filter((d) => statSync(join(src, d)).isDirectory());
    expect(modules.sort()).toEqual(Object.keys(LAYERS).sort());
    for (const m of modules) {
      const index = readFileSync(join(src, m, 'index.ts'), 'utf8');
      expect(
        index.trimStart().startsWith('/**') || index.startsWith('#!'),
        `${m}/index.ts needs a header comment`,
      ).toBe(true);
    }
  });

  it('imports flow downward only, and through index.ts faces', () => {
    const problems: string[] = [];
    for (const f of sources) {
      for (const spec of f.imports.filter((s) => s.startsWith('.'))) {
        const target = relative(src, join(src, f.rel, '..', spec)).split('/');
        const module = target[0]!;
        if (module === f.module) continue;
        if (!(module in LAYERS)) problems.push(`${f.rel} imports ${spec}, outside src`);
        else if (!LAYERS[f.module]!.includes(module))
          problems.push(`${f.rel} imports ${module}, which ${f.module} may not use`);
        else if (target.slice(1).join('/') !== 'index.js')
          problems.push(`${f.rel} reaches into ${spec}; import ${module}/index.js`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps Node built-ins out of the portable core', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const offenders = sources
      .filter((f) => PORTABLE.includes(f.module) && f.imports.some((s) => builtins.has(s)))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('starts every source file with a comment saying what it is for', () => {
    const bare = sources.filter((f) => !/^(#!.*\n)?\/\*\*/.test(f.text)).map((f) => f.rel);
    expect(bare).toEqual([]);
  });
});
