/**
 * The job queue: accepted jobs wait in SQLite (store.ts), run one per worker thread up to a
 * concurrency, report progress to listeners (the SSE route), and end done, failed (with a code
 * and a reason) or cancelled. The queue is bounded: past `maxActive` waiting or running jobs a
 * new one is refused with QUEUE_FULL (503 and Retry-After). After a crash or a kill, jobs left
 * running start again from the beginning (their outputs are written afresh), once; a job
 * interrupted twice ends failed with the reason.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { makeFolder, packageRoot } from '../node/index.js';
import { ApiError } from './errors.js';
import type { JobKind } from './jobs.js';
import type { JobRow, Store } from './store.js';
import type { WorkerInput, WorkerMessage } from './worker.js';

export interface QueueOptions {
  /** The data folder: blobs/ and jobs/ live in it. */
  dataDir: string;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Waiting plus running jobs accepted before new ones are refused (default 32). */
  maxActive?: number;
  /** Starts of one job before an interruption fails it (default 2). */
  maxAttempts?: number;
  /** A job running longer is ended and failed (default 900 s). */
  jobTimeoutSeconds?: number;
  /** Heap limit of each job's thread, MiB (default 2048). */
  workerMemoryMb?: number;
}

/** The compiled worker script (tests run the TypeScript sources; the worker runs from dist/). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(here, '..', 'worker.js');
  const built = join(packageRoot(), 'dist', 'src', 'server', 'worker.js');
  if (!existsSync(built))
    throw new Error(`${built} is missing: run \`npm run build\` before using the job queue.`);
  return built;
}

export class JobQueue extends EventEmitter<{ update: [JobRow] }> {
  private readonly running = new Map<string, Worker>();
  /** Jobs claimed and not yet ended (a job is claimed before its thread starts). */
  private readonly active = new Set<string>();
  private readonly concurrency: number;
  private readonly maxActive: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly options: QueueOptions,
  ) {
    super();
    this.setMaxListeners(0);
    this.concurrency = options.concurrency ?? 1;
    this.maxActive = options.maxActive ?? 32;
    this.maxAttempts = options.maxAttempts ?? 2;
    this.timeoutMs = (options.jobTimeoutSeconds ?? 900) * 1000;
    this.memoryMb = options.workerMemoryMb ?? 2048;
  }

  get blobFolder(): string {
    return join(this.options.dataDir, 'blobs');
  }

  /** A job's folder of result files. */
  folderOf(id: string): string {
    return join(this.options.dataDir, 'jobs', id);
  }

  /** Recovers interrupted jobs and starts running queued ones. */
  start(): { requeued: string[]; failed: string[] } {
    const recovered = this.store.recover(this.maxAttempts);
    this.pump();
    return recovered;
  }

  /** Accepts a job, or refuses it with QUEUE_FULL when the queue is at its bound. */
  submit(kind: JobKind, params: unknown, client: string): JobRow {
    if (this.store.activeCount() >= this.maxActive)
      throw new ApiError(
        'QUEUE_FULL',
        `the job queue is full (${this.maxActive} jobs waiting or running): try again in a few seconds.`,
        { 'retry-after': '5' },
      );
    const job = this.store.addJob({ id: randomUUID(), kind, params, client });
    this.emit('update', job);
    // Accepted: whatever happens while starting it, the answer stays 202 (the job is stored).
    this.pump();
    return job;
  }

  /**
   * Runs `action`; a failure of the database or the file system here (disk full, a busy
   * database) is logged and must not take the server down: the job stays in the store and
   * the next start sees it.
   */
  private guard(what: string, action: () => void): void {
    try {
      action();
    } catch (e) {
      console.error(`zhiyin server: ${what} failed: ${(e as Error).message}`);
    }
  }

  /** Cancels a waiting or running job (its thread is ended). */
  async cancel(id: string): Promise<boolean> {
    const cancelled = this.store.cancel(id);
    const worker = this.running.get(id);
    this.active.delete(id);
    if (worker) {
      this.running.delete(id);
      await worker.terminate();
    }
    if (cancelled) this.emit('update', this.store.job(id)!);
    this.pump();
    return cancelled;
  }

  /** Deletes a job and its files (cancelling it first if it is still active). */
  async delete(id: string): Promise<boolean> {
    await this.cancel(id);
    await rm(this.folderOf(id), { recursive: true, force: true });
    return this.store.deleteJob(id);
  }

  /** Ends every running thread without marking the jobs: the next start resumes them. */
  async stop(): Promise<void> {
    this.stopped = true;
    const workers = [...this.running.values()];
    this.running.clear();
    this.active.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private pump(): void {
    this.guard('starting the next job', () => {
      while (!this.stopped && this.active.size < this.concurrency) {
        const job = this.store.claimNext();
        if (!job) return;
        this.active.add(job.id);
        this.emit('update', job);
        this.run(job).catch((e: unknown) => {
          console.error(e);
          this.end(job.id, {
            type: 'failed',
            code: 'INTERNAL',
            message: 'the job could not be started; the reason is in the server log.',
          });
        });
      }
    });
  }

  private async run(job: JobRow): Promise<void> {
    const folder = this.folderOf(job.id);
    try {
      await rm(folder, { recursive: true, force: true });
      await makeFolder(folder);
    } catch (e) {
      console.error(e);
      this.end(job.id, {
        type: 'failed',
        code: 'IO_ERROR',
        message:
          "the server could not prepare the job's folder (is its disk full?); the details are in its log.",
      });
      return;
    }
    if (this.stopped || this.store.job(job.id)?.state !== 'running') {
      // Cancelled or deleted while its folder was prepared.
      this.active.delete(job.id);
      await rm(folder, { recursive: true, force: true }).catch(() => undefined);
      if (!this.stopped) this.pump();
      return;
    }
    const input: WorkerInput = {
      kind: job.kind as JobKind,
      params: job.params,
      blobFolder: this.blobFolder,
      folder,
    };
    const worker = new Worker(workerScript(), {
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
      stdout: false,
      stderr: false,
    });
    this.running.set(job.id, worker);
    let ended = false;
    let savedAt = 0;
    const finish = (m: Exclude<WorkerMessage, { type: 'progress' }>) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (this.running.get(job.id) === worker) this.running.delete(job.id);
      this.end(job.id, m);
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        finish({
          type: 'failed',
          code: 'LIMIT_EXCEEDED',
          message: `the job ran longer than ${this.timeoutMs / 1000} s and was stopped: try a shorter file.`,
        }),
      this.timeoutMs,
    );
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        if (ended) return;
        // Watchers get every step; the database (a synchronous commit each) at most one a second.
        const now = Date.now();
        if (now - savedAt >= 1000) {
          savedAt = now;
          this.guard('recording progress', () => this.store.progress(job.id, m.fraction, m.stage));
        }
        this.emit('update', { ...job, progress: m.fraction, stage: m.stage });
      } else finish(m);
    });
    worker.on('error', (e) => {
      const oom = /memory|ERR_WORKER_OUT_OF_MEMORY/i.test(
        `${(e as NodeJS.ErrnoException).code} ${e.message}`,
      );
      finish({
        type: 'failed',
        code: oom ? 'LIMIT_EXCEEDED' : 'INTERNAL',
        message: oom
          ? `the job needed more than ${this.memoryMb} MiB of memory and was stopped: try a shorter file.`
          : 'the job stopped with an internal error; it has been logged on the server.',
      });
      if (!oom) console.error(e);
    });
    worker.on('exit', () => {
      // Terminated by cancel() or stop(): the store already says what happened (or the next
      // start resumes the job). Otherwise the thread ended without a word.
      if (!ended && this.running.get(job.id) === worker)
        finish({ type: 'failed', code: 'INTERNAL', message: 'the job ended without a result.' });
      ended = true;
      clearTimeout(timer);
    });
  }

  private end(id: string, m: Exclude<WorkerMessage, { type: 'progress' }>): void {
    this.active.delete(id);
    // If this cannot be recorded (disk full), the job stays "running" in the store and the
    // next start queues it again or fails it with the reason.
    this.guard(`recording the end of job ${id}`, () => {
      if (m.type === 'done') this.store.finish(id, m.result);
      else this.store.fail(id, m.code, m.message);
      const row = this.store.job(id);
      if (row) this.emit('update', row);
    });
    this.pump();
  }
}
