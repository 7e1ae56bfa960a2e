/** Running the built CLI in tests: a scratch folder, one call, and the one-line error check. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from './shared-data.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch folder and a `zhiyin(...args)` that runs dist/src/cli/main.js in it. */
export function cliHarness(prefix: string): { dir: string; zhiyin: (...args: string[]) => CliRun } {
  const cli = join(repoRoot, 'dist/src/cli/main.js');
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const zhiyin = (...args: string[]): CliRun => {
    const r = spawnSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      cwd: dir,
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { dir, zhiyin };
}

/** A bad-input run: exit code 2, exactly one line on stderr, no stack trace. */
export function expectOneLineError(r: CliRun, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(lines).toHaveLength(1);
}
