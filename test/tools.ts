/**
 * System tools some tests need (ffmpeg). Tests skip with a visible reason when a tool is
 * absent; CI sets ZHIYIN_REQUIRE_TOOLS=1, which turns that skip into a failure.
 */
import { hasFfmpeg } from '../src/node/index.js';

export function ffmpegAvailable(): { ok: boolean; why: string } {
  const ok = hasFfmpeg();
  if (!ok && process.env.ZHIYIN_REQUIRE_TOOLS === '1')
    throw new Error('CI requires ffmpeg, but it is not installed.');
  return { ok, why: ok ? '' : ' [skipped: ffmpeg is not installed]' };
}
