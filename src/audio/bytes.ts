/**
 * A pull reader over a byte source with bounded look-ahead: container parsers peek at headers
 * and then stream the payload without ever holding more than one chunk plus what they peeked.
 */
import { ZhiyinError } from '../errors/index.js';
import type { ByteSource, WebReadableLike } from './types.js';

/** Chunk size used when the source is one big buffer. */
const SPLIT = 1 << 16;
/** The most a parser may peek at once. */
export const MAX_PEEK = 1 << 20;

function isWebReadable(source: unknown): source is WebReadableLike {
  return typeof (source as WebReadableLike).getReader === 'function';
}

/** Turns any {@link ByteSource} into an async iterable of Uint8Array chunks. */
export async function* iterateBytes(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i += SPLIT) yield source.subarray(i, i + SPLIT);
    return;
  }
  if (isWebReadable(source)) {
    const reader = source.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value && value.length) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    if (!(chunk instanceof Uint8Array)) {
      throw new ZhiyinError(
        'INVALID_ARGUMENT',
        'The byte stream yielded something other than bytes (Uint8Array).',
      );
    }
    if (chunk.length) yield chunk;
  }
}

/** Sequential reader with peek, read and skip over an async byte stream. */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private ended = false;
  /** Bytes consumed so far (read or skipped), i.e. the offset of the next byte. */
  position = 0;

  constructor(source: ByteSource) {
    this.it = iterateBytes(source)[Symbol.asyncIterator]();
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.it.next();
    if (done) {
      this.ended = true;
      return false;
    }
    this.pending.push(value);
    this.pendingBytes += value.length;
    return true;
  }

  /** Up to `n` next bytes without consuming them (fewer only at the end of the stream). */
  async peek(n: number): Promise<Uint8Array> {
    if (n > MAX_PEEK)
      throw new ZhiyinError('LIMIT_EXCEEDED', `Header larger than ${MAX_PEEK} bytes.`);
    while (this.pendingBytes < n && (await this.pull()));
    if (this.pending.length > 1 && this.pending[0]!.length < Math.min(n, this.pendingBytes)) {
      const merged = new Uint8Array(this.pendingBytes);
      let o = 0;
      for (const p of this.pending) {
        merged.set(p, o);
        o += p.length;
      }
      this.pending = [merged];
    }
    const first = this.pending[0];
    return first ? first.subarray(0, Math.min(n, first.length)) : new Uint8Array(0);
  }

  /** Consumes and returns up to `n` bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Uint8Array> {
    const head = await this.peek(n);
    const out = head.slice();
    this.drop(out.length);
    return out;
  }

  /** Skips up to `n` bytes without buffering them; returns how many were skipped. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.pendingBytes === 0 && !(await this.pull())) break;
      const first = this.pending[0]!;
      const take = Math.min(left, first.length);
      this.drop(take);
      left -= take;
    }
    return n - left;
  }

  private drop(n: number): void {
    this.position += n;
    this.pendingBytes -= n;
    while (n > 0) {
      const first = this.pending[0]!;
      if (first.length <= n) {
        this.pending.shift();
        n -= first.length;
      } else {
        this.pending[0] = first.subarray(n);
        n = 0;
      }
    }
  }

  /** The next chunk of whatever size is at hand, consumed; undefined at the end. */
  async next(max = Infinity): Promise<Uint8Array | undefined> {
    if (this.pendingBytes === 0 && !(await this.pull())) return undefined;
    const first = this.pending[0]!;
    const out = first.length <= max ? first : first.subarray(0, max);
    this.drop(out.length);
    return out;
  }

  /** Stops reading the source (lets a Node stream close its file). */
  async close(): Promise<void> {
    this.ended = true;
    this.pending = [];
    this.pendingBytes = 0;
    await this.it.return?.();
  }
}
