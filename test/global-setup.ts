/**
 * Says, once per test run, which optional parts are missing and which tests skip because of
 * them, so a skip is never silent (vitest's summary only counts skips).
 */
import { existsSync } from 'node:fs';
import { hasFfmpeg } from '../src/node/index.js';
import { sharedDataDir } from './shared-data.js';

export default function setup(): void {
  const notes: string[] = [];
  if (!hasFfmpeg())
    notes.push(
      'ffmpeg is not installed: tests that decode M4A/video or compare with ffmpeg are skipped (install it with `sudo apt-get install ffmpeg`).',
    );
  if (!existsSync(sharedDataDir))
    notes.push(`${sharedDataDir} is absent: the EBU/ITU loudness conformance tests are skipped.`);
  for (const note of notes) process.stdout.write(`\nNOTE: ${note}\n`);
}
