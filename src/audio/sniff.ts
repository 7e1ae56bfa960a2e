/**
 * Recognising audio formats by their bytes, never by file names, and reading what their
 * headers say (rate, channels, length) without decoding: FLAC STREAMINFO, MPEG audio frame
 * headers with Xing/Info/LAME and VBRI tags, Ogg identification headers (Vorbis, Opus, FLAC).
 * WAV headers are read by wav.ts. References: FLAC format spec (RFC 9639); ISO/IEC 11172-3
 * and 13818-3 frame headers; the LAME tag spec (gabriel.mp3-tech.org/mp3infotag.html); Ogg
 * (RFC 3533), Vorbis I spec §4.2.2, Opus in Ogg (RFC 7845).
 */
import { ZhiyinError } from '../errors/index.js';
import type { AudioInfo, ContainerFormat } from './types.js';

/** What {@link sniffContainer} found: a container, and for Ogg the codec of its first stream. */
export interface Sniffed {
  container: ContainerFormat;
  /** For Ogg: 'vorbis' | 'opus' | 'flac' | 'speex' | 'unknown', or 'truncated' when the first page is cut short. */
  oggCodec?: string;
}

const ascii = (b: Uint8Array, at: number, n: number) => {
  let s = '';
  for (let i = 0; i < n && at + i < b.length; i++) s += String.fromCharCode(b[at + i]!);
  return s;
};
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** Size in bytes of an ID3v2 tag at the start of `head` (0 when there is none). */
export function id3v2Size(head: Uint8Array): number {
  if (head.length < 10 || ascii(head, 0, 3) !== 'ID3' || head[3] === 0xff || head[4] === 0xff)
    return 0;
  for (let i = 6; i < 10; i++) if (head[i]! & 0x80) return 0; // not a syncsafe integer
  const size = (head[6]! << 21) | (head[7]! << 14) | (head[8]! << 7) | head[9]!;
  const footer = head[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * The container of a file from its first bytes (after any ID3v2 tag), or undefined.
 * @example sniffContainer(firstBytes) // { container: 'flac' }
 */
export function sniffContainer(head: Uint8Array): Sniffed | undefined {
  if (head.length < 4) return undefined;
  const m4 = ascii(head, 0, 4);
  if ((m4 === 'RIFF' || m4 === 'RF64' || m4 === 'BW64' || m4 === 'RIFX') && head.length >= 12) {
    const kind = ascii(head, 8, 4);
    if (kind === 'WAVE') return { container: m4 === 'RIFF' || m4 === 'RIFX' ? 'wav' : 'rf64' };
    if (kind === 'AVI ') return { container: 'avi' };
    return undefined;
  }
  if (m4 === 'fLaC') return { container: 'flac' };
  if (m4 === 'OggS') return { container: 'ogg', oggCodec: oggCodec(head) };
  if (ascii(head, 4, 4) === 'ftyp') return { container: 'mp4' };
  if (u32be(head, 0) === 0x1a45dfa3) return { container: 'matroska' };
  if (m4 === 'FORM' && (ascii(head, 8, 4) === 'AIFF' || ascii(head, 8, 4) === 'AIFC'))
    return { container: 'aiff' };
  if (m4 === 'caff') return { container: 'caf' };
  if (u32be(head, 0) === 0x3026b275 && u32be(head, 4) === 0x8e66cf11) return { container: 'asf' };
  if (ascii(head, 0, 5) === '#!AMR') return { container: 'amr' };
  if (head[0] === 0x0b && head[1] === 0x77) return { container: 'ac3' };
  if (head[0] === 0xff && (head[1]! & 0xf6) === 0xf0) return { container: 'adts' };
  const frame = mpegFrameHeader(head, 0);
  if (frame) {
    // One frame header can be chance; demand that the next one follows where it should.
    const next = mpegFrameHeader(head, frame.length);
    if (next || head.length < frame.length + 4) return { container: 'mp3' };
  }
  return undefined;
}

function oggCodec(head: Uint8Array): string {
  const packet = firstOggPacket(head);
  if (!packet) return 'truncated';
  if (packet[0] === 1 && ascii(packet, 1, 6) === 'vorbis') return 'vorbis';
  if (ascii(packet, 0, 8) === 'OpusHead') return 'opus';
  if (packet[0] === 0x7f && ascii(packet, 1, 4) === 'FLAC') return 'flac';
  if (ascii(packet, 0, 8) === 'Speex   ') return 'speex';
  return 'unknown';
}

/** The first packet of the first Ogg page (enough for identification headers). */
function firstOggPacket(b: Uint8Array): Uint8Array | undefined {
  if (b.length < 27 || ascii(b, 0, 4) !== 'OggS') return undefined;
  const segments = b[26]!;
  if (b.length < 27 + segments) return undefined;
  let size = 0;
  for (let i = 0; i < segments; i++) {
    size += b[27 + i]!;
    if (b[27 + i]! < 255) break;
  }
  const start = 27 + segments;
  return b.length < start + size ? undefined : b.subarray(start, start + size);
}

/** A parsed MPEG audio frame header. */
interface MpegFrame {
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  bitrate: number; // bits per second
  sampleRate: number;
  channelCount: 1 | 2;
  length: number; // bytes
  samplesPerFrame: number;
}

const BITRATES: Record<string, number[]> = {
  // kbit/s by index 1..14, for MPEG-1 layers 1–3 and MPEG-2/2.5 layer 1, layers 2–3
  '1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-23': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES: Record<string, number[]> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

function mpegFrameHeader(b: Uint8Array, at: number): MpegFrame | undefined {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return undefined;
  const vBits = (b[at + 1]! >> 3) & 3,
    lBits = (b[at + 1]! >> 1) & 3;
  const brIndex = b[at + 2]! >> 4,
    srIndex = (b[at + 2]! >> 2) & 3,
    padding = (b[at + 2]! >> 1) & 1;
  if (vBits === 1 || lBits === 0 || brIndex === 0 || brIndex === 15 || srIndex === 3)
    return undefined;
  const version = vBits === 3 ? 1 : vBits === 2 ? 2 : 2.5;
  const layer = (4 - lBits) as 1 | 2 | 3;
  const table = version === 1 ? BITRATES[`1-${layer}`]! : BITRATES[layer === 1 ? '2-1' : '2-23']!;
  const bitrate = table[brIndex - 1]! * 1000;
  const sampleRate = RATES[String(version)]![srIndex]!;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samplesPerFrame / 8) * bitrate) / sampleRate) + padding;
  const channelCount = b[at + 3]! >> 6 === 3 ? 1 : 2;
  return { version, layer, bitrate, sampleRate, channelCount, length, samplesPerFrame };
}

/** Header facts of a FLAC, MPEG or Ogg stream. `head` starts at the container (after ID3v2). */
export function probeCompressed(
  sniffed: Sniffed,
  head: Uint8Array,
  extra: { tail?: Uint8Array; streamBytes?: number } = {},
): AudioInfo {
  const bad = (what: string) =>
    new ZhiyinError(
      'CORRUPT_DATA',
      `This ${sniffed.container.toUpperCase()} file is damaged: ${what}.`,
    );
  if (sniffed.container === 'flac') {
    // "fLaC", then metadata blocks; STREAMINFO must come first.
    if (head.length < 42)
      throw new ZhiyinError('TRUNCATED', 'The FLAC file ends inside its STREAMINFO header.');
    if ((head[4]! & 0x7f) !== 0) throw bad('its first metadata block is not STREAMINFO');
    const s = 8;
    const sampleRate = (head[s + 10]! << 12) | (head[s + 11]! << 4) | (head[s + 12]! >> 4);
    const channelCount = ((head[s + 12]! >> 1) & 7) + 1;
    const bitDepth = (((head[s + 12]! & 1) << 4) | (head[s + 13]! >> 4)) + 1;
    const frames = (head[s + 13]! & 0x0f) * 2 ** 32 + u32be(head, s + 14);
    if (sampleRate === 0) throw bad('its STREAMINFO gives a sample rate of 0 Hz');
    const info: AudioInfo = {
      container: 'flac',
      codec: 'flac',
      sampleRate,
      channelCount,
      bitDepth,
      lossless: true,
    };
    if (frames > 0) {
      info.frames = frames;
      if (extra.streamBytes)
        info.bitrate = Math.round((extra.streamBytes * 8 * sampleRate) / frames);
    }
    return info;
  }
  if (sniffed.container === 'mp3') {
    const f = mpegFrameHeader(head, 0);
    if (!f) throw bad('no MPEG audio frame header at its start');
    const info: AudioInfo = {
      container: 'mp3',
      codec: f.layer === 3 ? 'mp3' : f.layer === 2 ? 'mp2' : 'mp1',
      sampleRate: f.sampleRate,
      channelCount: f.channelCount,
      bitrate: f.bitrate,
      lossless: false,
    };
    // Xing/Info (LAME) or VBRI tag in the first frame: the exact frame count and gapless trim.
    const side = f.version === 1 ? (f.channelCount === 1 ? 17 : 32) : f.channelCount === 1 ? 9 : 17;
    const x = 4 + side;
    const tag = ascii(head, x, 4);
    if ((tag === 'Xing' || tag === 'Info') && head.length >= x + 8) {
      const flags = u32be(head, x + 4);
      if (flags & 1 && head.length >= x + 12) {
        const frameCount = u32be(head, x + 8);
        let delay = 0,
          padding = 0;
        const lame =
          x +
          8 +
          (flags & 1 ? 4 : 0) +
          (flags & 2 ? 4 : 0) +
          (flags & 4 ? 100 : 0) +
          (flags & 8 ? 4 : 0);
        if (head.length >= lame + 24) {
          const d = lame + 21; // encoder delay (12 bits) and padding (12 bits)
          delay = (head[d]! << 4) | (head[d + 1]! >> 4);
          padding = ((head[d + 1]! & 0x0f) << 8) | head[d + 2]!;
        }
        info.frames = Math.max(0, frameCount * f.samplesPerFrame - delay - padding);
        if (extra.streamBytes && info.frames > 0)
          info.bitrate = Math.round((extra.streamBytes * 8 * f.sampleRate) / info.frames);
      }
    } else if (ascii(head, 36, 4) === 'VBRI' && head.length >= 36 + 18) {
      info.frames = u32be(head, 36 + 14) * f.samplesPerFrame;
      info.framesEstimated = true; // VBRI gives no encoder delay or padding
    } else if (extra.streamBytes) {
      // Constant bit rate: the length follows from the byte count (an estimate; decoding is exact).
      info.frames = Math.round(((extra.streamBytes * 8) / f.bitrate) * f.sampleRate);
      info.framesEstimated = true;
    }
    return info;
  }
  if (sniffed.container === 'ogg') {
    const p = firstOggPacket(head);
    if (!p) throw new ZhiyinError('TRUNCATED', 'The Ogg file ends inside its first page.');
    const serial = u32le(head, 14);
    const lastGranule = extra.tail ? lastOggGranule(extra.tail, serial) : undefined;
    let info: AudioInfo;
    let preSkip = 0;
    if (sniffed.oggCodec === 'vorbis') {
      if (p.length < 30) throw bad('its Vorbis identification header is too short');
      const channelCount = p[11]!,
        sampleRate = u32le(p, 12),
        nominal = u32le(p, 20);
      if (!channelCount || !sampleRate) throw bad('its Vorbis header gives 0 channels or 0 Hz');
      info = { container: 'ogg', codec: 'vorbis', sampleRate, channelCount, lossless: false };
      if (nominal > 0 && nominal < 0x7fffffff) info.bitrate = nominal;
    } else if (sniffed.oggCodec === 'opus') {
      if (p.length < 19) throw bad('its OpusHead header is too short');
      const channelCount = p[9]!;
      if (!channelCount) throw bad('its OpusHead header gives 0 channels');
      preSkip = p[10]! | (p[11]! << 8);
      info = { container: 'ogg', codec: 'opus', sampleRate: 48000, channelCount, lossless: false };
    } else if (sniffed.oggCodec === 'flac') {
      if (p.length < 9 + 42) throw bad('its Ogg FLAC header is too short');
      const inner = probeCompressed({ container: 'flac' }, p.subarray(9), {});
      info = { ...inner, container: 'ogg' };
    } else if (sniffed.oggCodec === 'truncated') {
      throw new ZhiyinError('TRUNCATED', 'The Ogg file ends inside its first page.');
    } else {
      throw new ZhiyinError(
        'UNSUPPORTED_FORMAT',
        `This Ogg file holds ${sniffed.oggCodec === 'speex' ? 'Speex' : 'an unknown codec'}, which Zhiyin does not decode: convert it with \`ffmpeg -i in.ogg out.wav\`.`,
      );
    }
    if (lastGranule !== undefined && lastGranule > preSkip) {
      info.frames = lastGranule - preSkip;
      if (extra.streamBytes)
        info.bitrate = Math.round((extra.streamBytes * 8 * info.sampleRate) / info.frames);
    }
    return info;
  }
  throw new ZhiyinError(
    'UNSUPPORTED_FORMAT',
    `Zhiyin cannot read ${sniffed.container} headers itself.`,
  );
}

/** The pre-skip (priming samples at 48 kHz) of an Ogg Opus stream from its first page, or 0. */
export function opusPreSkip(head: Uint8Array): number {
  const p = firstOggPacket(head);
  return p && p.length >= 12 && ascii(p, 0, 8) === 'OpusHead' ? p[10]! | (p[11]! << 8) : 0;
}

/** Granule position of the last complete page of stream `serial` in `tail`. */
function lastOggGranule(tail: Uint8Array, serial: number): number | undefined {
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] === 0x4f && ascii(tail, i, 4) === 'OggS') {
      // A last page of another stream means a chained file: its length is not in its headers.
      if (u32le(tail, i + 14) !== serial) return undefined;
      const lo = u32le(tail, i + 6),
        hi = u32le(tail, i + 10);
      if (hi === 0xffffffff && lo === 0xffffffff) continue; // no packet ends on this page
      return hi * 2 ** 32 + lo;
    }
  }
  return undefined;
}

/** Human name of a container for messages. */
export function containerName(c: ContainerFormat): string {
  const names: Record<ContainerFormat, string> = {
    wav: 'WAV',
    rf64: 'RF64 WAV',
    flac: 'FLAC',
    mp3: 'MP3',
    ogg: 'Ogg',
    mp4: 'MP4/M4A (AAC or ALAC)',
    adts: 'AAC (ADTS)',
    matroska: 'Matroska/WebM',
    aiff: 'AIFF',
    caf: 'Core Audio (CAF)',
    asf: 'WMA/ASF',
    avi: 'AVI',
    amr: 'AMR',
    ac3: 'AC-3',
  };
  return names[c];
}
