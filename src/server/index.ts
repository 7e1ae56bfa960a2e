/**
 * The HTTP surface of Zhiyin: a versioned REST API over every capability, uploads in a
 * content-addressed store, long work as jobs in worker threads with a persistent SQLite queue and
 * progress as Server-Sent Events, and the web studio served beside it. Node only.
 */
export {
  closeServer,
  createServer,
  isLoopback,
  startServer,
  type ServerOptions,
  type ZhiyinServer,
} from './app.js';
export { seedDemo } from './demo.js';
export { ApiError, type ApiErrorCode } from './errors.js';
export { JOB_KINDS, type JobKind } from './jobs.js';
export type { JobRow, JobState, UploadRow } from './store.js';
