/**
 * The server's durable state in one SQLite database (better-sqlite3, the embedded default):
 * uploads (content-addressed blobs with their sniffed type) and jobs (a persistent queue with
 * state, progress, result and error). Write-ahead logging and synchronous commits, so that an
 * answer the server has given (an upload stored, a job accepted) survives a crash.
 */
import Database from 'better-sqlite3';

export type UploadKind = 'audio' | 'score' | 'project';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface UploadRow {
  /** SHA-256 of the bytes, hex: the upload's id and its file name in the blob store. */
  id: string;
  /** The name the client gave, sanitised (for display and downloads only). */
  name: string;
  /** What the bytes are: audio, a score or a mix project. */
  kind: UploadKind;
  /** The container or score format sniffed from the bytes (wav, mp3, mp4, musicxml, midi …). */
  format: string;
  bytes: number;
  /** Audio length from the header, when it says. */
  seconds: number | null;
  createdAt: string;
}

export interface JobRow {
  id: string;
  kind: string;
  /** The request's parameters, as validated. */
  params: unknown;
  state: JobState;
  progress: number;
  stage: string;
  /** The job's result (plain JSON) once done. */
  result: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  /** How many times the job was started (a restart during a job starts it again once). */
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface RawJob {
  id: string;
  kind: string;
  params: string;
  state: JobState;
  progress: number;
  stage: string;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  client: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface RawUpload {
  id: string;
  name: string;
  kind: UploadKind;
  format: string;
  bytes: number;
  seconds: number | null;
  created_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  seconds REAL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  state TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0,
  stage TEXT NOT NULL DEFAULT '',
  result TEXT,
  error_code TEXT,
  error_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  client TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, created_at);
`;

const SCHEMA_VERSION = 1;

const now = () => new Date().toISOString();

function toJob(r: RawJob): JobRow {
  return {
    id: r.id,
    kind: r.kind,
    params: JSON.parse(r.params) as unknown,
    state: r.state,
    progress: r.progress,
    stage: r.stage,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    errorCode: r.error_code,
    errorMessage: r.error_message,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

function toUpload(r: RawUpload): UploadRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    format: r.format,
    bytes: r.bytes,
    seconds: r.seconds,
    createdAt: r.created_at,
  };
}

/** The database: uploads and jobs. One instance per server process. */
export class Store {
  private readonly db: Database.Database;

  /** Opens (creating if needed) the database at `path`; ':memory:' for tests. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      throw new Error(
        `the data folder's database is schema ${version}, newer than this Zhiyin (${SCHEMA_VERSION}): upgrade Zhiyin or use another --data folder.`,
      );
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  close(): void {
    this.db.close();
  }

  // Uploads

  /** Records an upload; the same bytes uploaded again keep their first record. */
  addUpload(u: Omit<UploadRow, 'createdAt'>): UploadRow {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO uploads (id, name, kind, format, bytes, seconds, created_at)
         VALUES (@id, @name, @kind, @format, @bytes, @seconds, @createdAt)`,
      )
      .run({ ...u, createdAt: now() });
    return this.upload(u.id)!;
  }

  upload(id: string): UploadRow | undefined {
    const r = this.db.prepare('SELECT * FROM uploads WHERE id = ?').get(id) as
      RawUpload | undefined;
    return r && toUpload(r);
  }

  uploads(limit = 100): UploadRow[] {
    const rows = this.db
      .prepare('SELECT * FROM uploads ORDER BY created_at DESC LIMIT ?')
      .all(limit) as RawUpload[];
    return rows.map(toUpload);
  }

  deleteUpload(id: string): boolean {
    return this.db.prepare('DELETE FROM uploads WHERE id = ?').run(id).changes > 0;
  }

  // Jobs

  addJob(j: { id: string; kind: string; params: unknown; client: string }): JobRow {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, params, state, client, created_at)
         VALUES (?, ?, ?, 'queued', ?, ?)`,
      )
      .run(j.id, j.kind, JSON.stringify(j.params), j.client, now());
    return this.job(j.id)!;
  }

  job(id: string): JobRow | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return r && toJob(r);
  }

  jobs(options: { limit?: number; state?: JobState } = {}): JobRow[] {
    const limit = options.limit ?? 100;
    const rows = (
      options.state
        ? this.db
            .prepare('SELECT * FROM jobs WHERE state = ? ORDER BY created_at DESC LIMIT ?')
            .all(options.state, limit)
        : this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?').all(limit)
    ) as RawJob[];
    return rows.map(toJob);
  }

  /** Every job waiting or running. */
  activeJobs(): JobRow[] {
    const rows = this.db
      .prepare("SELECT * FROM jobs WHERE state IN ('queued', 'running')")
      .all() as RawJob[];
    return rows.map(toJob);
  }

  /** Jobs waiting or running (what the queue's bound counts). */
  activeCount(): number {
    const r = this.db
      .prepare("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('queued', 'running')")
      .get() as { n: number };
    return r.n;
  }

  /** The oldest queued job, marked running, or undefined when none waits. */
  claimNext(): JobRow | undefined {
    const claim = this.db.transaction((): JobRow | undefined => {
      const r = this.db
        .prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, rowid LIMIT 1")
        .get() as { id: string } | undefined;
      if (!r) return undefined;
      this.db
        .prepare(
          "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, progress = 0, stage = 'starting' WHERE id = ?",
        )
        .run(now(), r.id);
      return this.job(r.id);
    });
    return claim();
  }

  progress(id: string, fraction: number, stage: string): void {
    this.db
      .prepare("UPDATE jobs SET progress = ?, stage = ? WHERE id = ? AND state = 'running'")
      .run(fraction, stage, id);
  }

  finish(id: string, result: unknown): void {
    this.db
      .prepare(
        "UPDATE jobs SET state = 'done', progress = 1, stage = 'done', result = ?, finished_at = ? WHERE id = ? AND state = 'running'",
      )
      .run(JSON.stringify(result), now(), id);
  }

  fail(id: string, code: string, message: string): void {
    this.db
      .prepare(
        "UPDATE jobs SET state = 'failed', stage = 'failed', error_code = ?, error_message = ?, finished_at = ? WHERE id = ? AND state IN ('queued', 'running')",
      )
      .run(code, message, now(), id);
  }

  cancel(id: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE jobs SET state = 'cancelled', stage = 'cancelled', finished_at = ? WHERE id = ? AND state IN ('queued', 'running')",
        )
        .run(now(), id).changes > 0
    );
  }

  deleteJob(id: string): boolean {
    return this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id).changes > 0;
  }

  /**
   * After a restart: jobs left running were interrupted. Each is queued again if it has been
   * started fewer than `maxAttempts` times, otherwise failed with the reason. Returns both lists.
   */
  recover(maxAttempts: number): { requeued: string[]; failed: string[] } {
    const recover = this.db.transaction(() => {
      const running = this.db
        .prepare("SELECT id, attempts FROM jobs WHERE state = 'running'")
        .all() as {
        id: string;
        attempts: number;
      }[];
      const requeued: string[] = [];
      const failed: string[] = [];
      for (const r of running) {
        if (r.attempts < maxAttempts) {
          this.db
            .prepare(
              "UPDATE jobs SET state = 'queued', progress = 0, stage = 'requeued after a restart' WHERE id = ?",
            )
            .run(r.id);
          requeued.push(r.id);
        } else {
          this.db
            .prepare(
              "UPDATE jobs SET state = 'failed', stage = 'failed', error_code = 'INTERRUPTED', error_message = ?, finished_at = ? WHERE id = ?",
            )
            .run(
              `the server stopped during this job ${r.attempts} times; it was not started again: submit it again, or check the server's memory and logs.`,
              now(),
              r.id,
            );
          failed.push(r.id);
        }
      }
      return { requeued, failed };
    });
    return recover();
  }
}
