import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAudio, encodeWav, openAudioStream, WavEncoder } from './index.js';
import { ZhiyinError } from '../errors/index.js';
import { buildWav, chunk, concat } from '../../test/wav-builder.js';
import { ffmpegAvailable } from '../../test/tools.js';
import { sine } from '../../eval/signals.js';

/** Little-endian integer samples of `bytes` each, interleaved. */
function ints(values: number[], bytes: number): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  values.forEach((v, i) => {
    for (let b = 0; b < bytes; b++) out[i * bytes + b] = (v >> (8 * b)) & 0xff;
  });
  return out;
}

async function decodeError(bytes: Uint8Array, options = {}): Promise<ZhiyinError> {
  try {
    await decodeAudio(bytes, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ZhiyinError);
    return e as ZhiyinError;
  }
  throw new Error('expected a ZhiyinError');
}

describe('WAV decoding', () => {
  it('reads 8-bit unsigned PCM', async () => {
    const a = await decodeAudio(
      buildWav({
        formatTag: 1,
        channels: 1,
        sampleRate: 8000,
        bits: 8,
        data: Uint8Array.from([0, 64, 128, 192, 255]),
      }),
    );
    expect(Array.from(a.channels[0]!)).toEqual([-1, -0.5, 0, 0.5, 127 / 128]);
    expect(a.info.codec).toBe('pcm_u8');
  });

  it('reads 16-bit PCM stereo, deinterleaved', async () => {
    const a = await decodeAudio(
      buildWav({
        formatTag: 1,
        channels: 2,
        sampleRate: 44100,
        bits: 16,
        data: ints([-32768, 32767, 16384, -1], 2),
      }),
    );
    expect(Array.from(a.channels[0]!)).toEqual([-1, 0.5]);
    expect(Array.from(a.channels[1]!)).toEqual([32767 / 32768, -1 / 32768]);
  });

  it('reads 24-bit PCM with sign extension', async () => {
    const a = await decodeAudio(
      buildWav({
        formatTag: 1,
        channels: 1,
        sampleRate: 96000,
        bits: 24,
        data: ints([-8388608, 8388607, 1, -1], 3),
      }),
    );
    expect(Array.from(a.channels[0]!)).toEqual([
      -1,
      Math.fround(8388607 / 8388608),
      Math.fround(1 / 8388608),
      Math.fround(-1 / 8388608),
    ]);
    expect(a.info).toMatchObject({ sampleRate: 96000, bitDepth: 24, frames: 4 });
  });

  it('reads 32-bit PCM and 32/64-bit float', async () => {
    const i32 = await decodeAudio(
      buildWav({
        formatTag: 1,
        channels: 1,
        sampleRate: 48000,
        bits: 32,
        data: ints([-2147483648, 1073741824], 4),
      }),
    );
    expect(Array.from(i32.channels[0]!)).toEqual([-1, 0.5]);
    const f32 = await decodeAudio(
      buildWav({
        formatTag: 3,
        channels: 1,
        sampleRate: 48000,
        bits: 32,
        data: new Uint8Array(Float32Array.from([0.25, -1.5]).buffer),
      }),
    );
    expect(Array.from(f32.channels[0]!)).toEqual([0.25, -1.5]); // beyond full scale kept, not clipped
    const f64 = await decodeAudio(
      buildWav({
        formatTag: 3,
        channels: 1,
        sampleRate: 48000,
        bits: 64,
        data: new Uint8Array(Float64Array.from([0.125, -0.75]).buffer),
      }),
    );
    expect(Array.from(f64.channels[0]!)).toEqual([0.125, -0.75]);
    expect(f64.info.codec).toBe('pcm_f64le');
  });

  it('reads WAVE_FORMAT_EXTENSIBLE (24-bit 5.1 with a speaker mask, float sub-format)', async () => {
    const data = ints(
      [1, 2, 3, 4, 5, 6].map((v) => v * 65536),
      3,
    );
    const a = await decodeAudio(
      buildWav({
        formatTag: 0xfffe,
        subFormat: 1,
        channels: 6,
        sampleRate: 48000,
        bits: 24,
        channelMask: 0x3f,
        data,
      }),
    );
    expect(a.channels).toHaveLength(6);
    expect(a.channels.map((c) => c[0]! * 128)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.info.channelMask).toBe(0x3f);
    const f = await decodeAudio(
      buildWav({
        formatTag: 0xfffe,
        subFormat: 3,
        channels: 1,
        sampleRate: 48000,
        bits: 32,
        data: new Uint8Array(Float32Array.from([0.5]).buffer),
      }),
    );
    expect(f.channels[0]![0]).toBe(0.5);
  });

  it('reads 20-bit samples in 24-bit containers and reports 20 valid bits', async () => {
    const a = await decodeAudio(
      buildWav({
        formatTag: 0xfffe,
        subFormat: 1,
        channels: 1,
        sampleRate: 48000,
        bits: 24,
        validBits: 20,
        data: ints([0x400000], 3),
      }),
    );
    expect(a.channels[0]![0]).toBe(0.5);
    expect(a.info.bitDepth).toBe(20);
  });

  it('reads G.711 A-law and µ-law', async () => {
    const alaw = await decodeAudio(
      buildWav({
        formatTag: 6,
        channels: 1,
        sampleRate: 8000,
        bits: 8,
        data: Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a]),
      }),
    );
    expect(Array.from(alaw.channels[0]!, (v) => Math.round(v * 32768))).toEqual([
      8, -8, 32256, -32256,
    ]);
    const ulaw = await decodeAudio(
      buildWav({
        formatTag: 7,
        channels: 1,
        sampleRate: 8000,
        bits: 8,
        data: Uint8Array.from([0xff, 0x7f, 0x80, 0x00]),
      }),
    );
    expect(Array.from(ulaw.channels[0]!, (v) => Math.round(v * 32768) + 0)).toEqual([
      0, 0, 32124, -32124,
    ]);
  });

  it('skips unknown and odd-sized chunks, honours padding, and ignores trailing chunks', async () => {
    const bytes = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bits: 16,
      data: ints([100, 200, 300], 2),
      extraChunks: [
        { id: 'LIST', body: new Uint8Array(7) },
        { id: 'bext', body: new Uint8Array(602) },
      ],
    });
    const withTrailer = concat([bytes, chunk('id3 ', new Uint8Array(11))]);
    const a = await decodeAudio(withTrailer);
    expect(Array.from(a.channels[0]!, (v) => v * 32768)).toEqual([100, 200, 300]);
  });

  it('reads until the end when the data size is 0xFFFFFFFF (a WAV streamed by ffmpeg)', async () => {
    const a = await decodeAudio(
      buildWav({
        formatTag: 1,
        channels: 1,
        sampleRate: 8000,
        bits: 16,
        data: ints([1, 2, 3, 4, 5], 2),
        dataSizeField: 0xffffffff,
      }),
    );
    expect(a.channels[0]!.length).toBe(5);
    expect(a.info.frames).toBeUndefined();
  });

  it('reads to the end when the data size is 0 (a recording whose header was never finished)', async () => {
    const a = await decodeAudio(
      buildWav({
        formatTag: 1,
        channels: 1,
        sampleRate: 8000,
        bits: 16,
        data: ints([4, 5, 6], 2),
        dataSizeField: 0,
      }),
    );
    expect(Array.from(a.channels[0]!, (v) => v * 32768)).toEqual([4, 5, 6]);
  });

  it('reads RF64 with a ds64 chunk', async () => {
    const ds64 = new Uint8Array(28);
    new DataView(ds64.buffer).setUint32(8, 6, true); // data size 6 bytes (low 32 bits)
    const fmt = buildWav({
      formatTag: 1,
      channels: 1,
      sampleRate: 8000,
      bits: 16,
      data: new Uint8Array(0),
    }).subarray(12, 12 + 24);
    const body = concat([chunk('ds64', ds64), fmt, chunk('data', ints([7, 8, 9], 2), 0xffffffff)]);
    const head = new Uint8Array(12);
    head.set([0x52, 0x46, 0x36, 0x34, 0xff, 0xff, 0xff, 0xff, 0x57, 0x41, 0x56, 0x45]);
    const a = await decodeAudio(concat([head, body]));
    expect(a.info.container).toBe('rf64');
    expect(Array.from(a.channels[0]!, (v) => v * 32768)).toEqual([7, 8, 9]);
  });

  it('fails on a truncated data chunk, or keeps what is there when asked', async () => {
    const full = buildWav({
      formatTag: 1,
      channels: 2,
      sampleRate: 8000,
      bits: 16,
      data: ints(new Array(200).fill(5), 2),
    });
    const cut = full.subarray(0, full.length - 101);
    const e = await decodeError(cut);
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/ends 101 bytes short.*tolerate-errors/);
    const warnings: string[] = [];
    const a = await decodeAudio(cut, { tolerateErrors: true, onWarning: (w) => warnings.push(w) });
    expect(a.channels[0]!.length).toBe(74); // 299 of 400 bytes: 74 whole stereo frames
    expect(warnings).toHaveLength(1);
  });

  it('explains what is wrong with a broken header in one line', async () => {
    const cases: [Uint8Array, string, RegExp][] = [
      [
        buildWav({
          formatTag: 1,
          channels: 0,
          sampleRate: 8000,
          bits: 16,
          data: new Uint8Array(4),
        }),
        'CORRUPT_DATA',
        /0 channels/,
      ],
      [
        buildWav({
          formatTag: 1,
          channels: 2000,
          sampleRate: 8000,
          bits: 16,
          data: new Uint8Array(4),
        }),
        'LIMIT_EXCEEDED',
        /2000 channels/,
      ],
      [
        buildWav({ formatTag: 1, channels: 1, sampleRate: 0, bits: 16, data: new Uint8Array(4) }),
        'CORRUPT_DATA',
        /0 Hz/,
      ],
      [
        buildWav({ formatTag: 2, channels: 1, sampleRate: 8000, bits: 4, data: new Uint8Array(4) }),
        'UNSUPPORTED_FORMAT',
        /MS ADPCM.*ffmpeg/,
      ],
      [
        buildWav({
          formatTag: 1,
          channels: 2,
          sampleRate: 8000,
          bits: 16,
          blockAlign: 3,
          data: new Uint8Array(4),
        }),
        'CORRUPT_DATA',
        /block size/,
      ],
      [
        buildWav({
          formatTag: 3,
          channels: 1,
          sampleRate: 8000,
          bits: 16,
          data: new Uint8Array(4),
        }),
        'CORRUPT_DATA',
        /16-bit floating point/,
      ],
      [
        buildWav({
          formatTag: 1,
          channels: 1,
          sampleRate: 8000,
          bits: 16,
          data: new Uint8Array(4),
          riffId: 'RIFX',
        }),
        'UNSUPPORTED_FORMAT',
        /RIFX/,
      ],
      [
        concat([
          Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]),
          chunk('LIST', new Uint8Array(8), 0x7ffffff0),
        ]),
        'TRUNCATED',
        /LIST.*claims/,
      ],
      [
        Uint8Array.from([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]),
        'TRUNCATED',
        /before its format chunk/,
      ],
    ];
    for (const [bytes, code, message] of cases) {
      const e = await decodeError(bytes);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
    }
  });

  it('streams in bounded chunks and gives the same samples as a whole decode', async () => {
    const x = sine(440, 48000, 300_000, 0.5);
    const bytes = encodeWav({ sampleRate: 48000, channels: [x, x] }, { format: 'pcm24' });
    const whole = await decodeAudio(bytes);
    const { chunks } = await openAudioStream(bytes);
    let total = 0,
      maxChunk = 0;
    for await (const c of chunks) {
      expect(Array.from(c.channels[0]!.subarray(0, 8))).toEqual(
        Array.from(whole.channels[0]!.subarray(total, total + 8)),
      );
      total += c.channels[0]!.length;
      maxChunk = Math.max(maxChunk, c.channels[0]!.length);
    }
    expect(total).toBe(300_000);
    expect(maxChunk).toBeLessThanOrEqual(65_536);
  });
});

describe('WAV encoding', () => {
  it('round-trips 16-bit, 24-bit and float bit-exactly (decode → encode → decode)', async () => {
    for (const format of ['pcm16', 'pcm24', 'float32'] as const) {
      const x = sine(1000, 44100, 10_000, 0.8);
      const first = encodeWav({ sampleRate: 44100, channels: [x, x.map((v) => -v)] }, { format });
      const decoded = await decodeAudio(first);
      const second = encodeWav(decoded, { format }); // dither on (default) — skipped: already on the grid
      expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
      const again = await decodeAudio(second);
      expect(again.channels).toEqual(decoded.channels);
    }
  });

  it('writes WAVE_FORMAT_EXTENSIBLE for 24-bit and multichannel, plain PCM for 16-bit stereo', () => {
    const tag = (b: Uint8Array) => b[20]! | (b[21]! << 8);
    const mono = [new Float32Array(4)];
    expect(tag(encodeWav({ sampleRate: 8000, channels: mono }, { format: 'pcm16' }))).toBe(1);
    expect(tag(encodeWav({ sampleRate: 8000, channels: mono }, { format: 'pcm24' }))).toBe(0xfffe);
    expect(tag(encodeWav({ sampleRate: 8000, channels: mono }, { format: 'float32' }))).toBe(3);
    expect(
      tag(
        encodeWav({
          sampleRate: 8000,
          channels: Array.from({ length: 6 }, () => new Float32Array(4)),
        }),
      ),
    ).toBe(0xfffe);
  });

  it('dithers with TPDF: a signal below one step survives, at 0.5 LSB RMS error', async () => {
    const lsb = 1 / 32768;
    const x = sine(1000, 48000, 48000, 0.4 * lsb);
    const plain = await decodeAudio(
      encodeWav({ sampleRate: 48000, channels: [x] }, { format: 'pcm16', dither: 'none' }),
    );
    expect(plain.channels[0]!.every((v) => v === 0)).toBe(true);
    const dithered = await decodeAudio(
      encodeWav({ sampleRate: 48000, channels: [x] }, { format: 'pcm16' }),
    );
    const y = dithered.channels[0]!;
    let corr = 0,
      err2 = 0;
    for (let i = 0; i < y.length; i++) {
      corr += y[i]! * x[i]!;
      err2 += (y[i]! - x[i]!) ** 2;
    }
    // The sine is still there (correlation ≈ its energy), with ~0.5 LSB of error (TPDF + rounding).
    const energy = x.reduce((s, v) => s + v * v, 0);
    expect(corr / energy).toBeGreaterThan(0.9);
    expect(corr / energy).toBeLessThan(1.1);
    expect(Math.sqrt(err2 / y.length) / lsb).toBeGreaterThan(0.45);
    expect(Math.sqrt(err2 / y.length) / lsb).toBeLessThan(0.55);
  });

  it('clips integer output at full scale and writes NaN as silence', async () => {
    const a = await decodeAudio(
      encodeWav(
        { sampleRate: 8000, channels: [Float32Array.from([2, -2, NaN])] },
        { format: 'pcm16', dither: 'none' },
      ),
    );
    expect(Array.from(a.channels[0]!)).toEqual([32767 / 32768, -1, 0]);
  });

  it('rejects what a WAV cannot hold', () => {
    expect(() => new WavEncoder({ sampleRate: 0, channelCount: 2 })).toThrow(/0 Hz/);
    expect(
      () => new WavEncoder({ sampleRate: 48000, channelCount: 2, format: 'pcm12' as never }),
    ).toThrow(/pcm16, pcm24 or float32/);
    expect(() => new WavEncoder({ sampleRate: 48000, channelCount: 2 }).header(2 ** 31)).toThrow(
      /4 GiB/,
    );
  });
});

const ff = ffmpegAvailable();
describe.skipIf(!ff.ok)(`WAV flavours against ffmpeg${ff.why}`, () => {
  it('decodes every PCM flavour sample-exactly like ffmpeg', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhiyin-wav-'));
    const x = sine(997, 48000, 4800, 0.9),
      y = sine(331, 48000, 4800, 0.7);
    for (const codec of [
      'pcm_u8',
      'pcm_s16le',
      'pcm_s24le',
      'pcm_s32le',
      'pcm_f32le',
      'pcm_f64le',
      'pcm_alaw',
      'pcm_mulaw',
    ]) {
      const src = join(dir, 'src.wav'),
        out = join(dir, `${codec}.wav`);
      writeFileSync(src, encodeWav({ sampleRate: 48000, channels: [x, y] }, { format: 'float32' }));
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-c:a', codec, out]);
      const ours = await decodeAudio(new Uint8Array(execFileSync('cat', [out])));
      const theirs = new Float32Array(
        new Uint8Array(
          execFileSync('ffmpeg', [
            '-v',
            'error',
            '-i',
            out,
            '-f',
            'f32le',
            '-c:a',
            'pcm_f32le',
            '-',
          ]),
        ).buffer,
      );
      expect(ours.channels[0]!.length, codec).toBe(theirs.length / 2);
      for (let i = 0; i < theirs.length / 2; i++) {
        if (ours.channels[0]![i] !== theirs[2 * i] || ours.channels[1]![i] !== theirs[2 * i + 1]) {
          throw new Error(
            `${codec}: sample ${i} differs: ${ours.channels[0]![i]} vs ${theirs[2 * i]}`,
          );
        }
      }
    }
  });
});
