/**
 * A worker thread's entry: runs one job (src/server/jobs.ts) and posts its progress and its end
 * to the queue. One thread per job, so a job that runs out of memory or hangs is ended on its
 * own (the queue terminates it) without taking the server down.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { join } from 'node:path';
import { errorBody } from './errors.js';
import { runJob, type JobKind } from './jobs.js';

export interface WorkerInput {
  kind: JobKind;
  params: unknown;
  blobFolder: string;
  folder: string;
}

export type WorkerMessage =
  | { type: 'progress'; fraction: number; stage: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; code: string; message: string };

const input = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

/** Error messages name files by path; a client sees upload ids instead of the server's folders. */
function hidePaths(message: string): string {
  const blobs = input.blobFolder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message
    .replace(
      new RegExp(`${blobs}[\\/][0-9a-f]{2}[\\/]([0-9a-f]{12})[0-9a-f]{52}`, 'g'),
      'upload $1',
    )
    .replaceAll(`${input.folder}/`, '')
    .replaceAll(input.folder, 'the job folder');
}

let last = 0;
try {
  const result = await runJob(input.kind, input.params, {
    blob: (id) => join(input.blobFolder, id.slice(0, 2), id),
    folder: input.folder,
    report: (fraction, stage) => {
      // At most ~20 messages a second: progress is for people.
      const t = Date.now();
      if (t - last < 50 && fraction < 1) return;
      last = t;
      post({ type: 'progress', fraction: Math.max(0, Math.min(1, fraction)), stage });
    },
  });
  post({ type: 'done', result });
} catch (e) {
  const { code, message } = errorBody(e);
  if (code === 'INTERNAL') console.error(e);
  post({ type: 'failed', code, message: hidePaths(message) });
}
