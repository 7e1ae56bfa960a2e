/**
 * Access to ../shared/data (test and evaluation data that never enters the repository).
 * Tests that need it skip with a visible reason when it is absent (a user's fresh clone);
 * CI sets ZHIYIN_REQUIRE_SHARED=1, which turns that skip into a failure.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sharedDataDir = resolve(repoRoot, '../shared/data');

/** Absolute path of a file under ../shared/data. */
export function sharedPath(relative: string): string {
  return resolve(sharedDataDir, relative);
}

/**
 * Whether a shared file is present. Throws when it is absent but CI requires it.
 * Returns a skip label for test titles when absent.
 */
export function sharedAvailable(relative: string): { ok: boolean; why: string } {
  const ok = existsSync(sharedPath(relative));
  if (!ok && process.env.ZHIYIN_REQUIRE_SHARED === '1') {
    throw new Error(`CI requires ../shared/data/${relative}, but it is missing.`);
  }
  return { ok, why: ok ? '' : ` [skipped: ../shared/data/${relative} is absent]` };
}
