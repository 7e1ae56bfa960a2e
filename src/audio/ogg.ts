/**
 * Ogg page integrity (RFC 3533): the Ogg decoders we use do not check page checksums, so a
 * damaged page would decode to noise without a word. This streaming checker sits in front
 * of them: it splits the byte stream into pages, verifies each page's CRC-32 and sequence
 * number, and passes on only whole, verified pages. It also remembers the granule position
 * of the last page, which gives the exact length of the stream.
 */

/** CRC-32 of Ogg: polynomial 0x04C11DB7, MSB first, initial value 0, no final XOR. */
const CRC_TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let r = i << 24;
  for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  CRC_TABLE[i] = r >>> 0;
}

function oggCrc(page: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i]!; // the CRC field counts as zeros
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** What one `push` produced: verified page bytes and any problems found. */
export interface OggCheckResult {
  pages: Uint8Array;
  problems: string[];
}

/** Streaming Ogg page splitter and verifier. */
export class OggPageChecker {
  private buffer = new Uint8Array(0);
  private readonly nextSequence = new Map<number, number>();
  /** Granule position of the last verified page that ends a packet (−1 if none). */
  lastGranule = -1;
  /** True once a page with the end-of-stream flag has passed. */
  endOfStream = false;
  pagesSeen = 0;
  /** Logical streams seen (more than one in a chained file). */
  readonly serials = new Set<number>();
  private skipped = 0;

  /** Adds bytes; returns the complete verified pages among them and what was wrong with others. */
  push(bytes: Uint8Array): OggCheckResult {
    const buf = this.buffer.length ? concat(this.buffer, bytes) : bytes;
    const out: Uint8Array[] = [];
    const problems: string[] = [];
    let at = 0;
    while (true) {
      const start = findCapture(buf, at);
      if (start < 0) {
        // Keep the last 3 bytes: a capture pattern may straddle two pushes.
        const keep = Math.max(at, buf.length - 3);
        this.skipped += keep - at;
        at = keep;
        break;
      }
      this.skipped += start - at;
      if (this.skipped > 0) {
        problems.push(`${this.skipped} bytes that are not Ogg pages were skipped`);
        this.skipped = 0;
      }
      at = start;
      if (buf.length - at < 27) break;
      const segments = buf[at + 26]!;
      if (buf.length - at < 27 + segments) break;
      let bodyLength = 0;
      for (let i = 0; i < segments; i++) bodyLength += buf[at + 27 + i]!;
      const pageLength = 27 + segments + bodyLength;
      if (buf.length - at < pageLength) break;
      const page = buf.subarray(at, at + pageLength);
      if (page[4] !== 0 || oggCrc(page) !== u32(page, 22)) {
        problems.push(`page ${this.pagesSeen + 1} fails its checksum`);
        at += 1; // resynchronise on the next capture pattern
        continue;
      }
      const serial = u32(page, 14),
        sequence = u32(page, 18);
      this.serials.add(serial);
      const expected = this.nextSequence.get(serial);
      if (expected !== undefined && sequence !== expected)
        problems.push(`${sequence - expected} page(s) are missing before page ${sequence}`);
      this.nextSequence.set(serial, sequence + 1);
      const lo = u32(page, 6),
        hi = u32(page, 10);
      if (!(lo === 0xffffffff && hi === 0xffffffff)) this.lastGranule = hi * 2 ** 32 + lo;
      if (page[5]! & 4) this.endOfStream = true;
      this.pagesSeen++;
      out.push(page);
      at += pageLength;
    }
    this.buffer = buf.slice(at);
    return { pages: out.length === 1 ? out[0]!.slice() : concatAll(out), problems };
  }

  /** Bytes left over at the end that never formed a page. */
  leftover(): number {
    return this.buffer.length + this.skipped;
  }
}

function findCapture(b: Uint8Array, from: number): number {
  for (let i = from; i + 3 < b.length; i++) {
    if (b[i] === 0x4f && b[i + 1] === 0x67 && b[i + 2] === 0x67 && b[i + 3] === 0x53) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
