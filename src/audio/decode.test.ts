import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeAudio,
  encodeWav,
  id3v2Size,
  openAudioStream,
  probeAudio,
  sniffContainer,
} from './index.js';
import { ZhiyinError } from '../errors/index.js';
import { repoRoot } from '../../test/shared-data.js';
import { ffmpegAvailable } from '../../test/tools.js';
import { sine } from '../../eval/signals.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(join(repoRoot, 'test/fixtures', name)));

async function zhiyinError(promise: Promise<unknown>): Promise<ZhiyinError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ZhiyinError);
    return e as ZhiyinError;
  }
  throw new Error('expected a ZhiyinError');
}

describe('format sniffing and probing', () => {
  it('recognises each fixture by its bytes', () => {
    const expected: Record<string, string> = {
      'chord.wav': 'wav',
      'chord.flac': 'flac',
      'chord.mp3': 'mp3',
      'chord.ogg': 'ogg',
      'chord.opus': 'ogg',
      'chord.m4a': 'mp4',
    };
    for (const [name, container] of Object.entries(expected)) {
      const bytes = fixture(name);
      expect(sniffContainer(bytes.subarray(id3v2Size(bytes)))?.container, name).toBe(container);
    }
    expect(sniffContainer(fixture('chord.opus'))?.oggCodec).toBe('opus');
    expect(sniffContainer(fixture('chord.ogg'))?.oggCodec).toBe('vorbis');
  });

  it('reads header facts without decoding', async () => {
    const flac = await probeAudio(fixture('chord.flac'));
    expect(flac).toMatchObject({
      container: 'flac',
      codec: 'flac',
      sampleRate: 44100,
      channelCount: 2,
      bitDepth: 16,
      frames: 22050,
      lossless: true,
    });
    const mp3 = await probeAudio(fixture('chord.mp3'));
    expect(mp3).toMatchObject({
      container: 'mp3',
      codec: 'mp3',
      sampleRate: 44100,
      channelCount: 2,
      frames: 22050,
    }); // LAME tag: exact
    const opusBytes = fixture('chord.opus');
    const opus = await probeAudio(opusBytes, { tail: opusBytes, totalBytes: opusBytes.length });
    expect(opus).toMatchObject({
      codec: 'opus',
      sampleRate: 48000,
      channelCount: 2,
      frames: 24000,
    });
    const vorbisBytes = fixture('chord.ogg');
    expect(await probeAudio(vorbisBytes, { tail: vorbisBytes })).toMatchObject({
      codec: 'vorbis',
      sampleRate: 44100,
      frames: 22050,
    });
  });

  it('says what it found when the input is not audio', async () => {
    const text = await zhiyinError(
      decodeAudio(new TextEncoder().encode('<!doctype html><html>not audio</html>')),
    );
    expect(text.code).toBe('UNSUPPORTED_FORMAT');
    expect(text.message).toMatch(/3c 21 64 6f.*looks like text/);
    expect((await zhiyinError(decodeAudio(new Uint8Array(0)))).code).toBe('EMPTY_INPUT');
    const id3Only = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]);
    expect((await zhiyinError(decodeAudio(id3Only))).message).toMatch(/only an ID3 tag/);
  });

  it('points to ffmpeg for M4A when decoding without it (the browser path)', async () => {
    const e = await zhiyinError(decodeAudio(fixture('chord.m4a')));
    expect(e.code).toBe('MISSING_TOOL');
    expect(e.message).toMatch(/MP4\/M4A.*install ffmpeg/);
  });
});

describe('built-in decoders on the fixtures', () => {
  it('rescales the FLAC decoder output exactly: s/(2^(N−1)−1) → s/2^(N−1) for every 16- and 24-bit s', () => {
    // The identity codecs.ts relies on, checked for every sample value.
    const out = new Float32Array(1);
    for (const bits of [16, 24]) {
      const full = 2 ** (bits - 1),
        k = (full - 1) / full;
      let bad = 0;
      for (let s = -full; s < full; s++) {
        out[0] = Math.fround(s / (full - 1)) * k;
        if (out[0] !== s / full) bad++;
      }
      expect(bad, `${bits}-bit`).toBe(0);
    }
  });

  it('decodes FLAC sample-exactly against the WAV it was made from', async () => {
    const wav = await decodeAudio(fixture('chord.wav'));
    const flac = await decodeAudio(fixture('chord.flac'));
    expect(flac.channels).toEqual(wav.channels);
  });

  for (const [name, rate, tolerance] of [
    ['chord.mp3', 44100, 0.02],
    ['chord.ogg', 44100, 0.03],
    ['chord.opus', 48000, 0.03],
  ] as const) {
    it(`decodes ${name} to the right length, rate and a close waveform`, async () => {
      const wav = await decodeAudio(fixture('chord.wav'));
      const a = await decodeAudio(fixture(name));
      expect(a.sampleRate).toBe(rate);
      expect(a.channels).toHaveLength(2);
      expect(a.channels[0]!.length).toBe(rate === 48000 ? 24000 : 22050); // gapless: encoder delay and padding removed
      if (rate === 44100) {
        // Lossy, but aligned: the error is small beside the 0.4-peak signal.
        let err = 0,
          sig = 0;
        for (let i = 0; i < 22050; i++) {
          err += (a.channels[0]![i]! - wav.channels[0]![i]!) ** 2;
          sig += wav.channels[0]![i]! ** 2;
        }
        expect(Math.sqrt(err / sig)).toBeLessThan(tolerance * 10);
      }
    });
  }

  it('fails with one clear line on damaged compressed data, and tolerates it when asked', async () => {
    const flac = fixture('chord.flac').slice();
    for (let i = 12_000; i < 12_400; i++) flac[i] = (flac[i]! * 7 + 13) & 0xff; // scramble inside the audio frames
    const e = await zhiyinError(decodeAudio(flac));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).not.toContain('\n');
    const warnings: string[] = [];
    const a = await decodeAudio(flac, { tolerateErrors: true, onWarning: (w) => warnings.push(w) });
    expect(warnings.length).toBeGreaterThan(0);
    expect(a.channels[0]!.length).toBeGreaterThan(0);
  });

  it('notices a damaged Ogg page by its checksum', async () => {
    const ogg = fixture('chord.ogg').slice();
    ogg[ogg.length - 500] ^= 0x10;
    const e = await zhiyinError(decodeAudio(ogg));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(/checksum/);
  });

  it('notices a truncated FLAC or Ogg file', async () => {
    const flac = fixture('chord.flac');
    expect((await zhiyinError(decodeAudio(flac.subarray(0, flac.length - 3000)))).message).toMatch(
      /samples of the FLAC stream are missing/,
    );
    const opus = fixture('chord.opus');
    expect((await zhiyinError(decodeAudio(opus.subarray(0, opus.length - 100)))).code).toBe(
      'TRUNCATED',
    );
  });

  it('notices an MP3 shorter than its Xing/LAME header says', async () => {
    const mp3 = fixture('chord.mp3');
    const e = await zhiyinError(decodeAudio(mp3.subarray(0, Math.floor(mp3.length / 2))));
    expect(e.message).toMatch(/samples of the MP3 stream are missing/);
  });

  it('says "truncated" when an Ogg file ends inside its first page', async () => {
    const e = await zhiyinError(decodeAudio(fixture('chord.opus').subarray(0, 40)));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/ends inside its first page/);
  });

  it('decodes chained Ogg files (one stream after another) to their full length', async () => {
    const a = fixture('chord.ogg'),
      b = fixture('chord.ogg').slice();
    b[14] ^= 0xff; // a different serial number, as a second link of a chain has
    // (the page checksums must be recomputed for the changed serial)
    const fixed = recrc(b);
    const chained = new Uint8Array(a.length + fixed.length);
    chained.set(a);
    chained.set(fixed, a.length);
    const decoded = await decodeAudio(chained);
    expect(decoded.channels[0]!.length).toBe(2 * 22050);
    const info = await probeAudio(chained, { tail: chained });
    expect(info.frames).toBeUndefined(); // a chain's length is not in its headers
  });

  it('decodes a stream fed in tiny pieces exactly as a whole buffer', async () => {
    const bytes = fixture('chord.mp3');
    async function* dribble() {
      for (let i = 0; i < bytes.length; i += 97) yield bytes.subarray(i, i + 97);
    }
    const whole = await decodeAudio(bytes);
    const { chunks } = await openAudioStream(dribble());
    const parts: Float32Array[] = [];
    for await (const c of chunks) parts.push(c.channels[1]!);
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    expect(Array.from(joined)).toEqual(Array.from(whole.channels[1]!));
  });
});

const ff = ffmpegAvailable();
describe.skipIf(!ff.ok)(`decoders against ffmpeg on the same material${ff.why}`, () => {
  const dir = ff.ok ? mkdtempSync(join(tmpdir(), 'zhiyin-dec-')) : '';
  const ffmpegDecode = (path: string, channels: number): Float32Array[] => {
    const raw = new Float32Array(
      new Uint8Array(
        execFileSync(
          'ffmpeg',
          ['-v', 'error', '-i', path, '-f', 'f32le', '-c:a', 'pcm_f32le', '-'],
          { maxBuffer: 1 << 28 },
        ),
      ).buffer,
    );
    const n = raw.length / channels;
    return Array.from({ length: channels }, (_, c) =>
      Float32Array.from({ length: n }, (_, i) => raw[i * channels + c]!),
    );
  };
  const source = (channels: number, rate: number, seconds: number) =>
    Array.from({ length: channels }, (_, c) => {
      const x = sine(220 * (c + 1) + 17, rate, seconds * rate, 0.5);
      const y = sine(3000 + 500 * c, rate, seconds * rate, 0.2);
      return x.map((v, i) => v + y[i]!);
    });

  const cases: {
    name: string;
    channels: number;
    rate: number;
    args: string[];
    exact: boolean;
    maxError: number;
  }[] = [
    {
      name: 'flac16-stereo.flac',
      channels: 2,
      rate: 44100,
      args: ['-c:a', 'flac', '-sample_fmt', 's16'],
      exact: true,
      maxError: 0,
    },
    {
      name: 'flac24-5.1.flac',
      channels: 6,
      rate: 48000,
      args: ['-c:a', 'flac', '-sample_fmt', 's32'],
      exact: true,
      maxError: 0,
    },
    {
      name: 'mono.mp3',
      channels: 1,
      rate: 22050,
      args: ['-c:a', 'libmp3lame', '-b:a', '64k'],
      exact: false,
      maxError: 1e-3,
    },
    {
      name: 'stereo.mp3',
      channels: 2,
      rate: 44100,
      args: ['-c:a', 'libmp3lame', '-q:a', '2'],
      exact: false,
      maxError: 1e-3,
    },
    {
      name: 'stereo.ogg',
      channels: 2,
      rate: 44100,
      args: ['-c:a', 'libvorbis'],
      exact: false,
      maxError: 1e-4,
    },
    {
      name: 'stereo.opus',
      channels: 2,
      rate: 48000,
      args: ['-c:a', 'libopus'],
      exact: false,
      maxError: 1e-4,
    },
    {
      name: 'flac-in.oga',
      channels: 2,
      rate: 44100,
      args: ['-c:a', 'flac', '-f', 'ogg'],
      exact: true,
      maxError: 0,
    },
    // Surround: Vorbis and Opus store L C R … LFE; we must hand out WAV order, as ffmpeg does.
    {
      name: '5.1.ogg',
      channels: 6,
      rate: 48000,
      args: ['-c:a', 'libvorbis'],
      exact: false,
      maxError: 1e-4,
    },
    {
      name: '5.1.opus',
      channels: 6,
      rate: 48000,
      args: ['-c:a', 'libopus'],
      exact: false,
      maxError: 1e-4,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.exact ? 'sample-exact' : `within ${c.maxError}`} against ffmpeg, same length`, async () => {
      const wav = join(dir, `${c.name}.src.wav`),
        out = join(dir, c.name);
      writeFileSync(
        wav,
        encodeWav(
          { sampleRate: c.rate, channels: source(c.channels, c.rate, 3) },
          { format: c.exact && c.name.includes('24') ? 'pcm24' : 'pcm16' },
        ),
      );
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...c.args, out]);
      const ours = await decodeAudio(new Uint8Array(readFileSync(out)));
      const theirs = ffmpegDecode(out, c.channels);
      expect(ours.channels).toHaveLength(c.channels);
      expect(ours.channels[0]!.length).toBe(theirs[0]!.length);
      let max = 0;
      for (let ch = 0; ch < c.channels; ch++)
        for (let i = 0; i < theirs[ch]!.length; i++)
          max = Math.max(max, Math.abs(ours.channels[ch]![i]! - theirs[ch]![i]!));
      expect(max).toBeLessThanOrEqual(c.maxError);
      if (c.exact) {
        const original = await decodeAudio(new Uint8Array(readFileSync(wav)));
        expect(ours.channels).toEqual(original.channels); // lossless: the source itself
      }
    });
  }
});

/** Rewrites the serial number (from byte 14 of the first page) and CRC of every Ogg page. */
function recrc(ogg: Uint8Array): Uint8Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  const out = ogg.slice();
  const serial = out.subarray(14, 18).slice();
  for (let at = 0; at + 27 <= out.length;) {
    const segments = out[at + 26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += out[at + 27 + i]!;
    const length = 27 + segments + body;
    out.set(serial, at + 14);
    out.fill(0, at + 22, at + 26);
    let crc = 0;
    for (let i = at; i < at + length; i++)
      crc = ((crc << 8) ^ table[((crc >>> 24) ^ out[i]!) & 0xff]!) >>> 0;
    new DataView(out.buffer).setUint32(at + 22, crc, true);
    at += length;
  }
  return out;
}
