/**
 * Demo material for the studio, generated (nothing downloaded) and stored as ordinary uploads,
 * so a new user finds something on every page: a melody (Greensleeves, ABC), a synthesised
 * 茉莉花 on plucked strings, a synthesised erhu performance with vibrato and slides, and a phone
 * take of that performance over the plucked backing for the karaoke page. Content-addressed, so
 * seeding again stores nothing twice.
 */
import { createReadStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { encodeWav, type PlanarAudio } from '../audio/index.js';
import {
  packageRoot,
  renderDemoMelody,
  renderDemoPerformance,
  renderDemoTake,
  makeFolder,
} from '../node/index.js';
import type { ZhiyinServer } from './app.js';
import type { UploadRow } from './store.js';
import { receiveUpload } from './uploads.js';

/** Stores the demo files; returns them by name. */
export async function seedDemo(
  server: ZhiyinServer,
  dataDir: string,
): Promise<Record<string, UploadRow>> {
  const backing = renderDemoMelody(44_100);
  const performance = renderDemoPerformance(44_100);
  const items: [string, Uint8Array | string][] = [
    [
      'greensleeves.abc',
      await readFile(join(packageRoot(), 'eval', 'melodies', 'greensleeves.abc')),
    ],
    ['jasmine-flower-plucked.wav', wav(backing)],
    ['erhu-performance.wav', wav(performance)],
    ['erhu-phone-take.wav', wav(renderDemoTake(performance, backing))],
  ];
  const dir = join(dataDir, 'tmp', `demo-${randomUUID()}`);
  await makeFolder(dir);
  const out: Record<string, UploadRow> = {};
  try {
    for (const [name, data] of items) {
      const path = join(dir, name);
      await writeFile(path, data);
      const stored = await receiveUpload(
        createReadStream(path),
        name,
        () => false,
        dataDir,
        server.store,
        {
          maxBytes: 2 ** 30,
          maxSeconds: 3600,
        },
      );
      out[name] = stored.upload;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

function wav(audio: PlanarAudio): Uint8Array {
  return encodeWav(audio, { format: 'pcm16' });
}
