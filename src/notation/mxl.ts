/**
 * Compressed MusicXML (.mxl): a ZIP holding the score, found through META-INF/container.xml.
 * Unzipped with fflate (MIT) as a stream whose output we count, so a ZIP bomb (or an entry that
 * lies about its size) stops at the bound instead of filling memory.
 */
import { Unzip, UnzipInflate, strFromU8, strToU8, zipSync } from 'fflate';
import { ZhiyinError } from '../errors/index.js';
import { childrenNamed, child, parseXml } from './xml.js';

/** Bytes we unpack from one MXL at most (the XML inside). */
const MAX_UNPACKED = 64 * 2 ** 20;

/** True when the bytes start like a ZIP file. */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4
  );
}

/**
 * The MusicXML text inside an .mxl file.
 * @example const score = readMusicXml(readMxl(readFileSync('tune.mxl')));
 */
export function readMxl(bytes: Uint8Array, name = 'the MXL file'): string {
  if (bytes.length === 0) throw new ZhiyinError('EMPTY_INPUT', `${name} is empty.`);
  if (!isZip(bytes))
    throw new ZhiyinError(
      'UNSUPPORTED_FORMAT',
      `${name} is not compressed MusicXML (an .mxl file is a ZIP archive).`,
    );
  const entries = new Map<string, Uint8Array[]>();
  let unpacked = 0;
  const tooBig = () =>
    new ZhiyinError(
      'LIMIT_EXCEEDED',
      `${name} unpacks to over ${MAX_UNPACKED / 2 ** 20} MiB; that is no score (a ZIP bomb?).`,
    );
  let failure: ZhiyinError | undefined;
  let seen = 0;
  const unzip = new Unzip((file) => {
    seen++;
    const wanted =
      file.name === 'META-INF/container.xml' ||
      (!file.name.startsWith('META-INF/') && /\.(xml|musicxml)$/i.test(file.name));
    if (!wanted) return;
    if ((file.originalSize ?? 0) > MAX_UNPACKED) {
      failure = tooBig();
      return;
    }
    const chunks: Uint8Array[] = [];
    entries.set(file.name, chunks);
    file.ondata = (err, data) => {
      if (failure) return;
      if (err) {
        failure = new ZhiyinError(
          'CORRUPT_DATA',
          `${name} is a damaged ZIP archive (${err.message}).`,
        );
        return;
      }
      unpacked += data.length;
      if (unpacked > MAX_UNPACKED) {
        failure = tooBig();
        file.terminate();
        return;
      }
      chunks.push(data);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    // In slices, so a bomb is stopped after at most one slice's worth of output.
    for (let i = 0; i < bytes.length && !failure; i += 1 << 16)
      unzip.push(bytes.subarray(i, i + (1 << 16)), i + (1 << 16) >= bytes.length);
  } catch (e) {
    failure ??= new ZhiyinError(
      'CORRUPT_DATA',
      `${name} is a damaged ZIP archive (${String(e instanceof Error ? e.message : e).split('\n')[0]}).`,
    );
  }
  if (failure) throw failure;
  if (!seen)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} is a damaged ZIP archive (no entry could be read).`,
    );
  const text = (path: string) => {
    const chunks = entries.get(path);
    if (!chunks) return undefined;
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return strFromU8(all);
  };
  const container = text('META-INF/container.xml');
  let path: string | undefined;
  if (container) {
    const root = parseXml(container, `${name}'s META-INF/container.xml`);
    path = childrenNamed(child(root, 'rootfiles'), 'rootfile')
      .map((r) => r.attrs['full-path'])
      .find((p) => p && entries.has(p));
  }
  path ??= [...entries.keys()].find((p) => p !== 'META-INF/container.xml');
  const score = path && text(path);
  if (!score)
    throw new ZhiyinError(
      'CORRUPT_DATA',
      `${name} is a ZIP archive without a MusicXML score in it.`,
    );
  return score;
}

/**
 * An .mxl file holding `musicxml` as score.musicxml.
 * @example writeFileSync('out.mxl', writeMxl(writeMusicXml(score)));
 */
export function writeMxl(musicxml: string): Uint8Array {
  const container =
    '<?xml version="1.0" encoding="UTF-8"?>\n<container><rootfiles><rootfile full-path="score.musicxml" media-type="application/vnd.recordare.musicxml+xml"/></rootfiles></container>\n';
  return zipSync(
    {
      // The MIME type comes first and stored, as the MusicXML container format asks.
      mimetype: [strToU8('application/vnd.recordare.musicxml'), { level: 0 }],
      'META-INF/container.xml': strToU8(container),
      'score.musicxml': strToU8(musicxml),
    },
    { level: 6, mtime: new Date('2026-01-01T00:00:00Z') },
  );
}
