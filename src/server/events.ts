/**
 * Server-Sent Events of jobs: a stream per watcher with the job's state now, each change, and
 * its end. Streams are bounded: a few per client and a few hundred in all (past that, 429 or
 * 503), a client that stops reading is dropped once a megabyte waits for it, and every stream
 * is ended when the server closes (so a watching browser tab never holds up a shutdown).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import type { JobQueue } from './queue.js';
import type { JobRow } from './store.js';

const MAX_BUFFERED_BYTES = 1 << 20;

export class JobEventStreams {
  private readonly open = new Map<() => void, string>();

  constructor(
    private readonly queue: JobQueue,
    private readonly limits = { perClient: 16, total: 512 },
  ) {}

  /** Streams `job` to the client until it ends, the client leaves, or the server closes. */
  stream(request: FastifyRequest, reply: FastifyReply, job: JobRow): void {
    const client = request.ip;
    const mine = [...this.open.values()].filter((c) => c === client).length;
    if (mine >= this.limits.perClient)
      throw new ApiError(
        'RATE_LIMITED',
        `this client already follows ${mine} jobs: close some first (at most ${this.limits.perClient}).`,
        { 'retry-after': '5' },
      );
    if (this.open.size >= this.limits.total)
      throw new ApiError('QUEUE_FULL', 'too many job streams are open: try again soon.', {
        'retry-after': '5',
      });
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const ended = (j: JobRow) => j.state !== 'queued' && j.state !== 'running';
    const write = (text: string) => {
      res.write(text);
      if (res.writableLength > MAX_BUFFERED_BYTES) close();
    };
    const send = (j: JobRow) => {
      write(`event: ${ended(j) ? j.state : 'progress'}\ndata: ${JSON.stringify(j)}\n\n`);
      if (ended(j)) close();
    };
    const onUpdate = (j: JobRow) => {
      if (j.id === job.id) send(j);
    };
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), 15_000);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      this.queue.off('update', onUpdate);
      this.open.delete(close);
      res.end();
    };
    this.open.set(close, client);
    request.raw.on('close', close);
    this.queue.on('update', onUpdate);
    send(job);
  }

  /** Ends every stream (the server is closing). */
  closeAll(): void {
    for (const close of [...this.open.keys()]) close();
  }
}
