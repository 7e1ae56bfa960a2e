/**
 * System tools some tests need (ffmpeg). Tests skip with a visible reason when a tool is
 * absent; CI sets ZHIYIN_REQUIRE_TOOLS=1, which turns that skip into a failure.
 */
import { existsSync } from 'node:fs';
import { hasFfmpeg } from '../src/node/index.js';

export function ffmpegAvailable(): { ok: boolean; why: string } {
  const ok = hasFfmpeg();
  if (!ok && process.env.ZHIYIN_REQUIRE_TOOLS === '1')
    throw new Error('CI requires ffmpeg, but it is not installed.');
  return { ok, why: ok ? '' : ' [skipped: ffmpeg is not installed]' };
}

/** Debian's chromium for the studio's browser tests (playwright-core drives it). */
export function chromiumPath(): { path: string | undefined; why: string } {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const path = candidates.find((p): p is string => !!p && existsSync(p));
  if (!path && process.env.ZHIYIN_REQUIRE_TOOLS === '1')
    throw new Error('CI requires chromium for the browser tests, but it is not installed.');
  return {
    path,
    why: path ? '' : ' [skipped: chromium is not installed (sudo apt-get install chromium)]',
  };
}
