/**
 * End-to-end tests of the built `zhiyin` CLI (npm test builds it first): help, output,
 * exit codes, and one clear line for every kind of bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import toneMidi from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { decodeAudio, encodeWav } from '../src/audio/index.js';
import { measureLoudness } from '../src/loudness/index.js';
import { repoRoot } from './shared-data.js';
import { cliHarness, expectOneLineError } from './cli-harness.js';
import { ffmpegAvailable } from './tools.js';
import { sine } from '../eval/signals.js';

const { dir, zhiyin } = cliHarness('zhiyin-cli');
const fixture = (name: string) => join(repoRoot, 'test/fixtures', name);

describe('zhiyin CLI', () => {
  it('prints help for the program and every command', () => {
    const top = zhiyin('--help');
    expect(top.code).toBe(0);
    for (const command of [
      'info',
      'loudness',
      'convert',
      'analyze',
      'compare',
      'transcribe',
      'mode',
      'demo',
    ]) {
      expect(top.stdout).toContain(command);
      const r = zhiyin(command, '--help');
      expect(r.code, command).toBe(0);
      expect(r.stdout).toMatch(/Usage: zhiyin/);
    }
  });

  it('info: reports format, codec, rate, channels and duration, as text and JSON', () => {
    const r = zhiyin('info', fixture('chord.flac'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/format\s+FLAC/);
    expect(r.stdout).toMatch(/sample rate\s+44100 Hz/);
    expect(r.stdout).toMatch(/duration\s+0:00\.500/);
    const j = JSON.parse(zhiyin('info', fixture('chord.mp3'), '--json').stdout) as Record<
      string,
      unknown
    >;
    expect(j).toMatchObject({
      container: 'mp3',
      codec: 'mp3',
      sampleRate: 44100,
      channelCount: 2,
      frames: 22050,
    });
  });

  it('loudness: measures a known level (−20 dBFS 1 kHz sine in stereo = −20.0 LUFS)', () => {
    const path = join(dir, 'sine.wav');
    const x = sine(1000, 48000, 10 * 48000, 0.1);
    writeFileSync(path, encodeWav({ sampleRate: 48000, channels: [x, x] }, { format: 'float32' }));
    const j = JSON.parse(zhiyin('loudness', path, '--json').stdout) as {
      integratedLufs: number;
      truePeakDbtp: number;
    };
    expect(j.integratedLufs).toBeCloseTo(-20.0, 1);
    expect(j.truePeakDbtp).toBeCloseTo(-20.0, 1);
    expect(zhiyin('loudness', path).stdout).toMatch(/integrated\s+-20\.0 LUFS/);
  });

  it('loudness --json writes null for the levels of silence', () => {
    const path = join(dir, 'silence.wav');
    writeFileSync(path, encodeWav({ sampleRate: 48000, channels: [new Float32Array(48000)] }));
    const j = JSON.parse(zhiyin('loudness', path, '--json').stdout) as { integratedLufs: unknown };
    expect(j.integratedLufs).toBeNull();
  });

  it('convert: resamples, changes channels and bit depth', async () => {
    const out = join(dir, 'converted.wav');
    const r = zhiyin(
      'convert',
      fixture('chord.wav'),
      out,
      '--rate',
      '48000',
      '--channels',
      '1',
      '--bits',
      '24',
    );
    expect(r.code, r.stderr).toBe(0);
    const a = await decodeAudio(readFileSync(out));
    expect(a.sampleRate).toBe(48000);
    expect(a.channels).toHaveLength(1);
    expect(a.info.bitDepth).toBe(24);
    expect(a.channels[0]!.length).toBe(24000);
  });

  it('convert --normalize -14 --true-peak -1 reaches the target or stops at the ceiling', async () => {
    const src = join(dir, 'quiet.wav'),
      out = join(dir, 'loud.wav');
    const x = sine(440, 48000, 10 * 48000, 0.05);
    writeFileSync(src, encodeWav({ sampleRate: 48000, channels: [x, x] }, { format: 'float32' }));
    const r = zhiyin('convert', src, out, '--normalize', '-14', '--true-peak', '-1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { normalization: { limitedBy: string } };
    const result = measureLoudness(await decodeAudio(readFileSync(out)));
    expect(result.truePeakDbtp).toBeLessThanOrEqual(-1 + 0.05); // 16-bit dither adds a hair
    if (report.normalization.limitedBy === 'target')
      expect(result.integratedLufs).toBeCloseTo(-14, 1);
    else expect(result.integratedLufs).toBeLessThan(-14);
  });

  it('convert refuses to overwrite without --overwrite and writes only WAV', () => {
    const out = join(dir, 'exists.wav');
    writeFileSync(out, 'keep me');
    expectOneLineError(zhiyin('convert', fixture('chord.wav'), out), /exists already.*--overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), join(dir, 'x.mp3')),
      /WAV files only/,
    );
    expect(zhiyin('convert', fixture('chord.wav'), out, '-y').code).toBe(0);
  });

  it('meets bad input with one clear line and exit code 2', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'these are not audio samples at all');
    const empty = join(dir, 'empty.wav');
    writeFileSync(empty, '');
    const truncated = join(dir, 'truncated.wav');
    const wav = readFileSync(fixture('chord.wav'));
    writeFileSync(truncated, wav.subarray(0, wav.length - 1001));
    mkdirSync(join(dir, 'folder.wav'), { recursive: true });
    expectOneLineError(zhiyin('info', join(dir, 'missing.wav')), /File not found: .*missing\.wav/);
    expectOneLineError(zhiyin('loudness', text), /Not an audio format.*looks like text/);
    expectOneLineError(zhiyin('loudness', empty), /empty \(0 bytes\)/);
    expectOneLineError(zhiyin('loudness', truncated), /truncated.*--tolerate-errors/);
    expectOneLineError(zhiyin('info', join(dir, 'folder.wav')), /is a directory/);
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), join(dir, 'o.wav'), '--rate', 'fast'),
      /--rate must be a number/,
    );
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), join(dir, 'o.wav'), '--channels', '0'),
      /channels/,
    );
    expectOneLineError(zhiyin('loudness'), /missing required argument/);
    expectOneLineError(zhiyin('frobnicate'), /unknown command/);
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), join(dir, 'no/such/folder/o.wav')),
      /folder does not exist/,
    );
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), join(dir, 'late.wav'), '--start', '9'),
      /beyond the end of the input \(0\.500 s\)/,
    );
  });

  it('checks convert options by their flag names and never leaves an empty file', async () => {
    const out = join(dir, 'never.wav');
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), out, '--rate', '0'),
      /--rate must be from 1000 to 1536000, got 0/,
    );
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), out, '--channels', '9999'),
      /--channels must be from 1 to 1024/,
    );
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), out, '--start', '-1'),
      /--start must be at least 0/,
    );
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), out, '--duration', '0'),
      /--duration must be at least/,
    );
    expectOneLineError(
      zhiyin('convert', fixture('chord.wav'), out, '--normalize', '5'),
      /--normalize must be from -70 to 0/,
    );
    // A WAV whose header does not state its length (as piped from another program):
    const streamed = join(dir, 'streamed.wav');
    const bytes = new Uint8Array(readFileSync(fixture('chord.wav')));
    new DataView(bytes.buffer).setUint32(40, 0xffffffff, true);
    writeFileSync(streamed, bytes);
    expectOneLineError(
      zhiyin('convert', streamed, out, '--start', '9'),
      /beyond the end of the input \(0\.500 s\)/,
    );
    expect(existsSync(out)).toBe(false);
    const emptyWav = join(dir, 'zero-frames.wav');
    writeFileSync(emptyWav, encodeWav({ sampleRate: 48000, channels: [new Float32Array(0)] }));
    expectOneLineError(zhiyin('loudness', emptyWav), /holds no audio samples/);
    expectOneLineError(zhiyin('convert', emptyWav, out), /holds no audio samples/);
    expect(existsSync(out)).toBe(false);
  });

  it('keeps the speaker layout and measures in it (a 4.0 file: L R C Cb)', async () => {
    const src = join(dir, 'four-oh.wav'),
      out = join(dir, 'four-oh-norm.wav');
    const n = 5 * 48000;
    const chans = [0.05, 0.05, 0.05, 0.05].map((a, c) => sine(300 + 100 * c, 48000, n, a));
    writeFileSync(
      src,
      encodeWav({ sampleRate: 48000, channels: chans }, { format: 'pcm24', channelMask: 0x107 }),
    );
    expect(zhiyin('convert', src, out, '--normalize', '-20', '--true-peak', '-1').code).toBe(0);
    const a = await decodeAudio(readFileSync(out));
    expect(a.info.channelMask).toBe(0x107);
    const j = JSON.parse(zhiyin('loudness', out, '--json').stdout) as {
      integratedLufs: number;
      channelWeights: number[];
    };
    expect(j.channelWeights).toEqual([1, 1, 1, 1]); // no surround pair in 4.0
    expect(j.integratedLufs).toBeCloseTo(-20, 1);
  });

  it('warns in info when a WAV is shorter than its header says', () => {
    const truncated = join(dir, 'short.wav');
    const wav = readFileSync(fixture('chord.wav'));
    writeFileSync(truncated, wav.subarray(0, 20_000));
    const r = zhiyin('info', truncated);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: the file is truncated/);
  });

  it('keeps what it can from a truncated file with --tolerate-errors', () => {
    const truncated = join(dir, 'truncated2.wav');
    const wav = readFileSync(fixture('chord.wav'));
    writeFileSync(truncated, wav.subarray(0, wav.length - 1001));
    const r = zhiyin('loudness', truncated, '--tolerate-errors');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*truncated/);
  });

  it('analyze: notes, events with Chinese names, and the plot, JSON and CSV it was asked for', () => {
    // Two seconds of a bowed-like A4 with 6 Hz, 100-cent vibrato from 0.5 s to 1.7 s.
    const n = 2 * 44_100;
    let phase = 0;
    const x = Float32Array.from({ length: n }, (_, i) => {
      const t = i / 44_100;
      const cents = t > 0.5 && t < 1.7 ? 50 * Math.sin(2 * Math.PI * 6 * (t - 0.5)) : 0;
      phase += (2 * Math.PI * 440 * 2 ** (cents / 1200)) / 44_100;
      return 0.3 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.3 * Math.sin(3 * phase));
    });
    writeFileSync(join(dir, 'take.wav'), encodeWav({ sampleRate: 44_100, channels: [x] }));
    const r = zhiyin(
      'analyze',
      'take.wav',
      '--plot',
      'take.svg',
      '--json',
      'take.json',
      '--csv',
      'take.csv',
      '--tonic',
      'A',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/notes\s+1 \(A4–A4\)/);
    expect(r.stdout).toMatch(/vibrato 揉弦\s+1, mean 6\.0 Hz/);
    const json = JSON.parse(readFileSync(join(dir, 'take.json'), 'utf8')) as {
      schemaVersion: number;
      events: { kind: string }[];
    };
    expect(json.schemaVersion).toBe(1);
    expect(json.events.map((e) => e.kind)).toEqual(['vibrato']);
    expect(readFileSync(join(dir, 'take.svg'), 'utf8')).toContain('A4 1');
    expect(readFileSync(join(dir, 'take.csv'), 'utf8').split('\n')[0]).toMatch(/^time_s,f0_hz/);
  });

  it('analyze: one clear line for a bad tonic, NaN samples or an empty file', () => {
    expectOneLineError(zhiyin('analyze', fixture('chord.flac'), '--tonic', 'H'), /--tonic/);
    const x = new Float32Array(44_100).fill(0.1);
    x[22_050] = NaN;
    writeFileSync(
      join(dir, 'nan.wav'),
      encodeWav({ sampleRate: 44_100, channels: [x] }, { format: 'float32' }),
    );
    expectOneLineError(zhiyin('analyze', 'nan.wav'), /non-finite.*0\.500 s/);
    writeFileSync(
      join(dir, 'empty.wav'),
      encodeWav({ sampleRate: 44_100, channels: [new Float32Array(0)] }),
    );
    expectOneLineError(zhiyin('analyze', 'empty.wav'), /no audio/);
  });

  it('compare: effect sizes and a summary for two sets, from audio and from analysis JSON', () => {
    // Six 0.8 s notes with vibrato at `rate` Hz, 0.1 s of silence between them.
    const notes = (rate: number) => {
      const x = new Float32Array(Math.round(6 * 0.9 * 44_100));
      let phase = 0;
      for (let i = 0; i < x.length; i++) {
        const t = i / 44_100,
          k = Math.floor(t / 0.9),
          local = t - 0.9 * k;
        if (local > 0.8) continue;
        const cents =
          200 * (k % 3) + (local > 0.15 ? 50 * Math.sin(2 * Math.PI * rate * local) : 0);
        phase += (2 * Math.PI * 440 * 2 ** (cents / 1200)) / 44_100;
        x[i] = 0.3 * (Math.sin(phase) + 0.4 * Math.sin(2 * phase));
      }
      return encodeWav({ sampleRate: 44_100, channels: [x] });
    };
    writeFileSync(join(dir, 'slow.wav'), notes(5));
    writeFileSync(join(dir, 'fast.wav'), notes(7));
    expect(zhiyin('analyze', 'slow.wav', '--json', 'slow.json').code).toBe(0);
    const r = zhiyin(
      'compare',
      '--set',
      'slow=slow.json',
      '--set',
      'fast=fast.wav',
      '--json',
      'c.json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/vibrato rate \(Hz\)\s+5\.\d\d \[.*\] n=6\s+7\.\d\d/);
    expect(r.stdout).toMatch(
      /fast's vibrato is faster than slow's .*large effect, Cliff's δ = 1\.00\)/,
    );
    const c = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as {
      pairs: { a: string; b: string }[];
    };
    expect(c.pairs[0]).toMatchObject({ a: 'slow', b: 'fast' });
  });

  it('compare: one clear line for too few groups, a bad --set or a JSON that is no analysis', () => {
    expectOneLineError(zhiyin('compare', fixture('chord.flac')), /at least two/);
    expectOneLineError(zhiyin('compare', '--set', 'nofiles', 'x.wav'), /--set must look like/);
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    expectOneLineError(
      zhiyin('compare', 'other.json', fixture('chord.flac')),
      /not a Zhiyin analysis/,
    );
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": 1, "notes": [');
    expectOneLineError(zhiyin('compare', 'broken.json', 'other.json'), /not valid JSON/);
  });

  it('transcribe: a chord to MIDI and JSON, with the note about slides', () => {
    const n = 44_100 * 1.5;
    const x = Float32Array.from({ length: n }, (_, i) => {
      const t = i / 44_100;
      const env = Math.min(1, t / 0.02, (1.5 - t) / 0.02);
      return (
        0.12 *
        env *
        [261.63, 329.63, 392].reduce(
          (a, f) => a + Math.sin(2 * Math.PI * f * t) + 0.4 * Math.sin(4 * Math.PI * f * t),
          0,
        )
      );
    });
    writeFileSync(join(dir, 'chord.wav'), encodeWav({ sampleRate: 44_100, channels: [x] }));
    const r = zhiyin('transcribe', 'chord.wav', '-o', 'chord.mid', '--json', 'chord.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/notes\s+3 \(C4–G4\), up to 3 at once/);
    expect(r.stdout).toMatch(/splits a slide/);
    const midi = new toneMidi.Midi(readFileSync(join(dir, 'chord.mid')));
    expect(midi.tracks.flatMap((t) => t.notes.map((n) => n.midi)).sort()).toEqual([60, 64, 67]);
    const json = JSON.parse(readFileSync(join(dir, 'chord.json'), 'utf8')) as {
      notes: { midi: number; bends: number[] }[];
    };
    expect(json.notes.map((n) => n.midi)).toEqual([60, 64, 67]);
  });

  it('transcribe: one clear line without an output or with a bad threshold', () => {
    expectOneLineError(zhiyin('transcribe', fixture('chord.flac')), /-o out\.mid/);
    expectOneLineError(
      zhiyin('transcribe', fixture('chord.flac'), '-o', 'x.mid', '--onset-threshold', '2'),
      /--onset-threshold must be from 0\.05 to 0\.95/,
    );
  });

  it('demo: the main job runs every tool and finds the ornaments written into its solo', () => {
    const r = zhiyin('demo', '--out', 'demo');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/integrated\s+-14\.\d LUFS/);
    // 3 3 5 6 1˙ 1˙ 6 5 5 6 5 with a grace note (6) before the first 5; repeated notes join.
    expect(r.stdout).toContain('F♯4 3  B4 6  A4 5  B4 6  D5 1˙  B4 6  A4 5  B4 6  A4 5');
    for (const label of ['上滑音', '揉弦', '倚音', '滑音', '颤音'])
      expect(r.stdout, label).toContain(label);
    expect(existsSync(join(dir, 'demo/jasmine-flower-erhu-phrase.svg'))).toBe(true);
  });

  it('mode: ranks the key and mode of a MIDI or ABC melody, and refuses anything else', () => {
    const m = new toneMidi.Midi();
    const track = m.addTrack();
    let beat = 0;
    // 茉莉花's close: 3 2 3 5 3 2 1 in D, legato with small gaps.
    for (const [midi, beats] of [
      [66, 1],
      [64, 0.5],
      [66, 0.5],
      [69, 1],
      [66, 0.5],
      [64, 0.5],
      [62, 3],
    ] as const) {
      track.addNote({
        midi,
        ticks: beat * m.header.ppq,
        durationTicks: beats * 0.9 * m.header.ppq,
      });
      beat += beats;
    }
    writeFileSync(join(dir, 'tune.mid'), m.toArray());
    const r = zhiyin('mode', 'tune.mid');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1\. D gong mode \(pentatonic\) \/ D宫调式（五声）/);
    expect(r.stdout).toMatch(/it ends on D, the tonic/);
    expect(JSON.parse(zhiyin('mode', 'tune.mid', '--json').stdout)[0].tonic).toBe('D');
    writeFileSync(join(dir, 'tune.abc'), 'X:1\nT:Jasmine close\nL:1/8\nK:D\nF2 EF A2 FE | D6 |]\n');
    expect(zhiyin('mode', 'tune.abc').stdout).toMatch(/^1\. D gong mode \(pentatonic\)/);
    expectOneLineError(
      zhiyin('mode', fixture('chord.flac')),
      /is not a melody file Zhiyin reads \(MusicXML, \.mxl, MIDI, ABC or \*\*kern\)/,
    );
    expectOneLineError(zhiyin('mode', 'tune.mid', '--system', 'klingon'), /--system must be/);
  });

  it('--debug adds the stack trace', () => {
    const r = zhiyin('info', join(dir, 'missing.wav'), '--debug');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

const ff = ffmpegAvailable();
describe.skipIf(!ff.ok)(`zhiyin CLI with ffmpeg${ff.why}`, () => {
  it('reads M4A (AAC) through ffmpeg', () => {
    const r = zhiyin('info', fixture('chord.m4a'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      container: 'mp4',
      codec: 'aac',
      sampleRate: 44100,
      channelCount: 2,
    });
    const l = JSON.parse(zhiyin('loudness', fixture('chord.m4a'), '--json').stdout) as {
      integratedLufs: number;
    };
    expect(Number.isFinite(l.integratedLufs)).toBe(true);
  });

  /** A one-second test video (Matroska, MPEG-4 video), with a 440 Hz Vorbis track if asked. */
  const makeVideo = (name: string, withAudio: boolean): string => {
    const video = join(dir, name);
    const audio = withAudio
      ? ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libvorbis', '-shortest']
      : [];
    spawnSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=5:duration=1',
      ...audio,
      '-c:v',
      'mpeg4',
      video,
    ]);
    return video;
  };

  it('reads the audio of a video file', () => {
    const video = makeVideo('clip.mkv', true);
    const r = zhiyin('info', video, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      container: 'matroska',
      codec: 'vorbis',
      channelCount: 1,
    });
  });

  it('finds AAC behind a large ID3 tag (cover art) and decodes ADPCM WAV through ffmpeg', () => {
    const adts = join(dir, 'tagged.aac');
    spawnSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      fixture('chord.wav'),
      '-c:a',
      'aac',
      '-f',
      'adts',
      adts,
    ]);
    const tagSize = 100_000;
    const tag = new Uint8Array(10 + tagSize);
    tag.set([
      0x49,
      0x44,
      0x33,
      4,
      0,
      0,
      (tagSize >> 21) & 0x7f,
      (tagSize >> 14) & 0x7f,
      (tagSize >> 7) & 0x7f,
      tagSize & 0x7f,
    ]);
    writeFileSync(adts, Buffer.concat([tag, readFileSync(adts)]));
    const r = zhiyin('info', adts, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      container: 'adts',
      codec: 'aac',
      channelCount: 2,
    });
    const adpcm = join(dir, 'adpcm.wav');
    spawnSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      fixture('chord.wav'),
      '-c:a',
      'adpcm_ima_wav',
      adpcm,
    ]);
    const l = zhiyin('loudness', adpcm, '--json');
    expect(l.code, l.stderr).toBe(0);
    expect(
      Number.isFinite((JSON.parse(l.stdout) as { integratedLufs: number }).integratedLufs),
    ).toBe(true);
  });

  it('says clearly when a video has no audio', () => {
    const video = makeVideo('silent-film.mkv', false);
    expectOneLineError(zhiyin('loudness', video), /no audio stream/);
  });
});
