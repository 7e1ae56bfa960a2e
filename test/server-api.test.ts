/**
 * The HTTP API, route by route, through Fastify's inject (no socket): valid requests and their
 * answers checked against known values (a −23 dBFS 1 kHz tone measures −23 LUFS; the erhu is
 * found by 二胡, erhu and Èrhú; an upload's id is its SHA-256), and invalid ones (wrong types,
 * missing or unknown fields, oversized, wrong content type, path tricks, a forged token, a full
 * queue, too many requests) with their status and stable error code.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './shared-data.js';
import { cliHarness, expectOneLineError } from './cli-harness.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav, type PlanarAudio } from '../src/audio/index.js';
import { renderDemoPerformance, renderDemoTake, renderDemoMelody } from '../src/node/index.js';
import {
  closeServer,
  createServer,
  startServer,
  type JobRow,
  type ZhiyinServer,
} from '../src/server/index.js';

const GREENSLEEVES = `X:1
T:Greensleeves (fragment)
M:6/8
L:1/8
K:Am
A|c2d e>fe|d2B G>AB|c2A A>^GA|B2^G E2A|
c2d e>fe|d2B G>AB|c>BA ^G>FG|A3 A2|]
`;

const tone = (seconds: number, dbfs: number, sampleRate = 48_000): PlanarAudio => {
  const a = 10 ** (dbfs / 20);
  const x = new Float32Array(seconds * sampleRate);
  for (let i = 0; i < x.length; i++) x[i] = a * Math.sin((2 * Math.PI * 1000 * i) / sampleRate);
  return { sampleRate, channels: [x, x.slice()] };
};

/** A multipart body with one file field. */
function multipart(name: string, data: Uint8Array | string, field = 'file') {
  const boundary = `----zhiyin${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.from(data), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'zhiyin-api-'));

let server: ZhiyinServer;
let dataDir: string;

async function upload(s: ZhiyinServer, name: string, data: Uint8Array | string) {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    ...multipart(name, data),
  });
  return res;
}

async function waitForJob(s: ZhiyinServer, id: string, seconds = 60): Promise<JobRow> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const job = (await s.app.inject({ url: `/api/v1/jobs/${id}` })).json<JobRow>();
    if (!['queued', 'running'].includes(job.state)) return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectError(
  res: { statusCode: number; json: () => unknown; body: string },
  status: number,
  code: string,
) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(res.body).not.toMatch(/\n\s+at |node_modules|\/src\//);
}

beforeAll(async () => {
  dataDir = tmp();
  server = await createServer({ dataDir });
});
afterAll(async () => {
  await closeServer(server);
});

describe('server: atlas, theory and data routes', () => {
  it('answers health', async () => {
    const res = await server.app.inject({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('finds the erhu by its name in any script', async () => {
    for (const q of ['二胡', 'erhu', 'Èrhú']) {
      const res = await server.app.inject({
        url: `/api/v1/atlas/instruments?q=${encodeURIComponent(q)}`,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ instruments: { id: string }[] }>();
      expect(body.instruments[0]!.id, q).toBe('erhu');
    }
    const one = await server.app.inject({ url: '/api/v1/atlas/instruments/erhu' });
    expect(one.json<{ names: { zh: string } }>().names.zh).toBe('二胡');
  });

  it("plays a technique's example, and says which techniques have none", async () => {
    const erhu = await server.app.inject({ url: '/api/v1/atlas/instruments/erhu' });
    const techniques = erhu.json<{
      techniques: { id: string; category: string; example: boolean }[];
    }>().techniques;
    const vibrato = techniques.find((t) => t.category === 'vibrato')!;
    expect(vibrato.example).toBe(true);
    const wav = await server.app.inject({
      url: `/api/v1/atlas/instruments/erhu/techniques/${vibrato.id}/example`,
    });
    expect(wav.statusCode).toBe(200);
    expect(wav.headers['content-type']).toBe('audio/wav');
    expect(wav.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    const none = techniques.find((t) => !t.example);
    if (none)
      expectError(
        await server.app.inject({
          url: `/api/v1/atlas/instruments/erhu/techniques/${none.id}/example`,
        }),
        400,
        'INVALID_ARGUMENT',
      );
    expectError(
      await server.app.inject({ url: '/api/v1/atlas/instruments/erhu/techniques/no-such/example' }),
      404,
      'NOT_FOUND',
    );
  });

  it('filters by family and tradition, and suggests near names', async () => {
    const res = await server.app.inject({
      url: '/api/v1/atlas/instruments?family=%E4%B8%9D&tradition=chinese',
    });
    const ids = res.json<{ instruments: { id: string }[] }>().instruments.map((i) => i.id);
    // 丝 (silk): the bowed and plucked strings, not the bamboo flutes.
    expect(ids).toEqual(expect.arrayContaining(['guzheng', 'erhu']));
    expect(ids.some((id) => id.startsWith('dizi'))).toBe(false);
    const miss = await server.app.inject({ url: '/api/v1/atlas/instruments?q=erhoo' });
    expect(miss.json<{ total: number; suggestions: string[] }>()).toMatchObject({ total: 0 });
    expect(miss.json<{ suggestions: string[] }>().suggestions).toContain('erhu');
  });

  it('refuses bad atlas queries and unknown ids', async () => {
    expectError(
      await server.app.inject({ url: '/api/v1/atlas/instruments?limit=abc' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await server.app.inject({ url: '/api/v1/atlas/instruments?bogus=1' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await server.app.inject({ url: '/api/v1/atlas/instruments/no-such-thing' }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await server.app.inject({ url: '/api/v1/atlas/instruments/..%2F..%2Fetc%2Fpasswd' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await server.app.inject({ url: '/api/v1/nothing-here' }), 404, 'NOT_FOUND');
  });

  it('finds the mode of a melody given as text', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/mode',
      payload: { score: GREENSLEEVES },
    });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json<{ candidates: { name: { en: string } }[] }>().candidates[0]!;
    expect(c.name.en).toMatch(/^A (aeolian|minor|harmonic minor|dorian)$/i);
  });

  it('adapts a melody to the erhu, as JSON and as files', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/adapt',
      payload: { score: GREENSLEEVES, to: 'erhu', ornaments: 0.3 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json<{
      instrument: { id: string };
      musicxml: string;
      jianpu: { svg: string; text: string };
      advice: { en: string; zh: string }[];
    }>();
    expect(a.instrument.id).toBe('erhu');
    expect(a.musicxml).toContain('<score-partwise');
    expect(a.jianpu.svg).toContain('<svg');
    expect(a.advice.length).toBeGreaterThan(0);
    const midi = await server.app.inject({
      method: 'POST',
      url: '/api/v1/adapt',
      payload: { score: GREENSLEEVES, to: 'erhu', format: 'midi' },
    });
    expect(midi.headers['content-type']).toBe('audio/midi');
    expect(midi.rawPayload.subarray(0, 4).toString()).toBe('MThd');
    const wav = await server.app.inject({
      method: 'POST',
      url: '/api/v1/adapt',
      payload: { score: GREENSLEEVES, to: 'auto', format: 'wav' },
    });
    expect(wav.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
  });

  it('refuses bad adaptation requests with their codes', async () => {
    const post = (payload: unknown) =>
      server.app.inject({ method: 'POST', url: '/api/v1/adapt', payload: payload as object });
    expectError(await post({}), 400, 'INVALID_ARGUMENT'); // neither upload nor score
    expectError(
      await post({ score: GREENSLEEVES, upload: 'a'.repeat(64) }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await post({ score: GREENSLEEVES, ornaments: 'lots' }), 400, 'INVALID_ARGUMENT');
    expectError(await post({ score: GREENSLEEVES, ornaments: 2 }), 400, 'INVALID_ARGUMENT');
    expectError(await post({ score: GREENSLEEVES, to: 'theremin-x' }), 400, 'INVALID_ARGUMENT');
    expectError(await post({ score: GREENSLEEVES, format: 'pdf' }), 400, 'INVALID_ARGUMENT');
    expectError(await post({ score: 'not a score at all' }), 415, 'UNSUPPORTED_FORMAT');
    expectError(await post({ upload: 'b'.repeat(64) }), 404, 'NOT_FOUND');
    expectError(await post({ upload: '../../../etc/passwd' }), 400, 'INVALID_ARGUMENT');
    const wrongType = await server.app.inject({
      method: 'POST',
      url: '/api/v1/adapt',
      payload: 'score=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const broken = await server.app.inject({
      method: 'POST',
      url: '/api/v1/adapt',
      payload: '{"score": ',
      headers: { 'content-type': 'application/json' },
    });
    expectError(broken, 400, 'INVALID_ARGUMENT');
  });

  it('lists the listener profiles and the words', async () => {
    const p = await server.app.inject({ url: '/api/v1/mix/profiles' });
    expect(JSON.stringify(p.json())).toContain('zh-pop-mobile');
    const w = await server.app.inject({ url: '/api/v1/mix/words' });
    expect(JSON.stringify(w.json())).toContain('温暖');
    const r = await server.app.inject({ url: '/api/v1/mix/roles' });
    expect(r.json<{ roles: string[] }>().roles).toEqual(
      expect.arrayContaining(['lead-vocal', 'chinese-instrument']),
    );
  });

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const res = await server.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/atlas/instruments',
      '/api/v1/uploads',
      '/api/v1/jobs/automix',
      '/api/v1/jobs/{id}/events',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect((await server.app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
  });
});

describe('server: uploads', () => {
  it('stores a WAV under its SHA-256, sniffed from its bytes, once', async () => {
    const wav = encodeWav(tone(2, -23), { format: 'pcm16' });
    const res = await upload(server, 'tone.txt', wav); // the name lies; the bytes decide
    expect(res.statusCode, res.body).toBe(201);
    const row = res.json<{
      id: string;
      kind: string;
      format: string;
      seconds: number;
      bytes: number;
    }>();
    expect(row.id).toBe(createHash('sha256').update(wav).digest('hex'));
    expect(row).toMatchObject({ kind: 'audio', format: 'wav', bytes: wav.length });
    expect(row.seconds).toBeCloseTo(2, 6);
    const again = await upload(server, 'tone-again.wav', wav);
    expect(again.json<{ id: string }>().id).toBe(row.id);
    const content = await server.app.inject({ url: `/api/v1/uploads/${row.id}/content` });
    expect(Buffer.compare(content.rawPayload, Buffer.from(wav))).toBe(0);
  });

  it('sanitises names and recognises scores', async () => {
    const res = await upload(server, '../../etc/重要\u0001.abc', GREENSLEEVES);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'score', format: 'abc', name: '重要_.abc' });
    const mode = await server.app.inject({
      method: 'POST',
      url: '/api/v1/mode',
      payload: { upload: res.json<{ id: string }>().id },
    });
    expect(mode.statusCode).toBe(200);
  });

  it('refuses what is not a file Zhiyin reads, and says why', async () => {
    expectError(await upload(server, 'x.wav', new Uint8Array(0)), 400, 'EMPTY_INPUT');
    expectError(
      await upload(server, 'x.wav', new Uint8Array(5000).fill(7)),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const wav = encodeWav(tone(1, -20), { format: 'pcm16' });
    const corrupt = wav.slice(0, 44);
    corrupt[22] = 0; // zero channels
    expectError(await upload(server, 'bad.wav', corrupt), 422, 'CORRUPT_DATA');
    const json = await server.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      payload: { file: 'x' },
    });
    expectError(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const noFile = await server.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      payload: `--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--b--\r\n`,
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expectError(noFile, 400, 'INVALID_ARGUMENT');
    expectError(
      await server.app.inject({ url: '/api/v1/uploads/not-a-hash' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await server.app.inject({ url: `/api/v1/uploads/${'c'.repeat(64)}` }),
      404,
      'NOT_FOUND',
    );
  });

  it('refuses uploads over the size and duration limits, keeping nothing', async () => {
    const small = await createServer({
      dataDir: tmp(),
      upload: { maxBytes: 100_000, maxSeconds: 1 },
    });
    try {
      expectError(
        await upload(small, 'big.wav', encodeWav(tone(3, -20, 8000), { format: 'pcm16' })),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expectError(
        await upload(small, 'long.wav', encodeWav(tone(2, -20, 8000), { format: 'pcm16' })),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      const list = await small.app.inject({ url: '/api/v1/uploads' });
      expect(list.json<{ uploads: unknown[] }>().uploads).toHaveLength(0);
    } finally {
      await closeServer(small);
    }
  });
});

describe('server: jobs', () => {
  it('measures loudness as a job: a −23 dBFS 1 kHz tone is −23 LUFS', async () => {
    const id = (
      await upload(server, 'tone.wav', encodeWav(tone(3, -23), { format: 'float32' }))
    ).json<{ id: string }>().id;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/loudness',
      payload: { upload: id },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.location).toMatch(/^\/api\/v1\/jobs\//);
    const job = await waitForJob(server, res.json<JobRow>().id);
    expect(job.state, JSON.stringify(job)).toBe('done');
    const summary = (job.result as { summary: { integratedLufs: number } }).summary;
    expect(summary.integratedLufs).toBeCloseTo(-23, 1);
  });

  it("streams a job's progress as Server-Sent Events, ending with done", async () => {
    const id = (
      await upload(
        server,
        'perf.wav',
        encodeWav(renderDemoPerformance(44_100), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const job = (
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/analyse',
        payload: { upload: id },
      })
    ).json<JobRow>();
    const events = await server.app.inject({ url: `/api/v1/jobs/${job.id}/events` });
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    const names = [...events.body.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names.at(-1)).toBe('done');
    const done = await waitForJob(server, job.id);
    const summary = (done.result as { summary: { notes: number; events: Record<string, number> } })
      .summary;
    expect(summary.notes).toBeGreaterThan(3);
    expect(summary.events.vibrato ?? 0).toBeGreaterThan(0);
    const file = await server.app.inject({ url: `/api/v1/jobs/${job.id}/files/analysis.json` });
    expect(file.statusCode).toBe(200);
    expect(JSON.parse(file.body)).toHaveProperty('notes');
    expectError(
      await server.app.inject({ url: `/api/v1/jobs/${job.id}/files/..%2F..%2Fzhiyin.db` }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await server.app.inject({ url: `/api/v1/jobs/${job.id}/files/zhiyin.db` }),
      404,
      'NOT_FOUND',
    );
  });

  it('compares two recordings: vibrato and portamento effect sizes', async () => {
    const a = (
      await upload(
        server,
        'a.wav',
        encodeWav(renderDemoPerformance(44_100, 62, 56), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const b = (
      await upload(
        server,
        'b.wav',
        encodeWav(renderDemoPerformance(44_100, 67, 60), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/compare',
      payload: { uploads: [a, b], labels: ['slow', 'fast'] },
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(server, res.json<JobRow>().id);
    expect(job.state, JSON.stringify(job)).toBe('done');
    const summary = (
      job.result as {
        summary: { pairs: { a: string; b: string; distributions: { measure: string }[] }[] };
      }
    ).summary;
    expect(summary.pairs[0]).toMatchObject({ a: 'slow', b: 'fast' });
    expect(summary.pairs[0]!.distributions.map((d) => d.measure)).toContain('vibratoRateHz');
    const files = (job.result as { files: { name: string }[] }).files.map((f) => f.name);
    expect(files).toEqual(['analysis-1.json', 'analysis-2.json', 'comparison.json']);
    expectError(
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/compare',
        payload: { uploads: [a] },
      }),
      400,
      'INVALID_ARGUMENT',
    );
  });

  it('converts to WAV at a loudness, and transcribes to MIDI', async () => {
    const id = (
      await upload(server, 'tone48.wav', encodeWav(tone(3, -30), { format: 'float32' }))
    ).json<{ id: string }>().id;
    const conv = await server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/convert',
      payload: { upload: id, sampleRate: 44_100, format: 'pcm24', normalizeLufs: -16 },
    });
    expect(conv.statusCode, conv.body).toBe(202);
    const converted = await waitForJob(server, conv.json<JobRow>().id);
    expect(converted.state, JSON.stringify(converted)).toBe('done');
    const out = (
      converted.result as {
        summary: { output: { sampleRate: number }; outputLoudness: { integratedLufs: number } };
      }
    ).summary;
    expect(out.output.sampleRate).toBe(44_100);
    expect(out.outputLoudness.integratedLufs).toBeCloseTo(-16, 1);
    const wav = await server.app.inject({
      url: `/api/v1/jobs/${converted.id}/files/converted.wav`,
    });
    expect(wav.rawPayload.subarray(0, 4).toString()).toBe('RIFF');

    const perf = (
      await upload(
        server,
        'perf-t.wav',
        encodeWav(renderDemoPerformance(44_100, 65), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const tr = await server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/transcribe',
      payload: { upload: perf },
    });
    expect(tr.statusCode, tr.body).toBe(202);
    const transcribed = await waitForJob(server, tr.json<JobRow>().id, 120);
    expect(transcribed.state, JSON.stringify(transcribed)).toBe('done');
    expect((transcribed.result as { summary: { notes: number } }).summary.notes).toBeGreaterThan(3);
    const midi = await server.app.inject({ url: `/api/v1/jobs/${transcribed.id}/files/notes.mid` });
    expect(midi.rawPayload.subarray(0, 4).toString()).toBe('MThd');
  });

  it("turns a recording's melody into a score, which then adapts", async () => {
    const id = (
      await upload(
        server,
        'erhu-m.wav',
        encodeWav(renderDemoPerformance(44_100, 62), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/melody',
      payload: { upload: id, tempo: 56 },
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(server, res.json<JobRow>().id, 120);
    expect(job.state, JSON.stringify(job)).toBe('done');
    expect((job.result as { summary: { notes: number } }).summary.notes).toBeGreaterThan(4);
    const xml = (await server.app.inject({ url: `/api/v1/jobs/${job.id}/files/melody.musicxml` }))
      .body;
    expect(xml).toContain('<score-partwise');
    const adapted = await server.app.inject({
      method: 'POST',
      url: '/api/v1/adapt',
      payload: { score: xml, to: 'dizi' },
    });
    expect(adapted.statusCode, adapted.body).toBe(200);
    expect(adapted.json<{ instrument: { id: string } }>().instrument.id).toMatch(/^dizi-/);
  });

  it('runs automix on a phone take and finds its offset', async () => {
    const backing = renderDemoMelody(44_100);
    const take = renderDemoTake(renderDemoPerformance(44_100), backing, { delaySeconds: 0.08 });
    const b = (await upload(server, 'backing.wav', encodeWav(backing, { format: 'pcm16' }))).json<{
      id: string;
    }>().id;
    const t = (await upload(server, 'take.wav', encodeWav(take, { format: 'pcm16' }))).json<{
      id: string;
    }>().id;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/automix',
      payload: { vocal: t, backing: b, profile: 'zh-pop-mobile', words: ['warmer'] },
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(server, res.json<JobRow>().id, 120);
    expect(job.state, JSON.stringify(job)).toBe('done');
    const report = (job.result as { summary: { offset: { seconds: number; applied: boolean } } })
      .summary;
    expect(report.offset.applied).toBe(true);
    expect(report.offset.seconds).toBeCloseTo(0.08, 2);
    const mix = await server.app.inject({ url: `/api/v1/jobs/${job.id}/files/mix.wav` });
    expect(mix.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
  });

  it('mixes stems for a profile', async () => {
    const lead = (
      await upload(
        server,
        'lead.wav',
        encodeWav(renderDemoPerformance(44_100), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const acc = (
      await upload(server, 'acc.wav', encodeWav(renderDemoMelody(44_100), { format: 'pcm16' }))
    ).json<{ id: string }>().id;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/mix',
      payload: {
        stems: [
          {
            upload: lead,
            id: 'erhu',
            role: 'chinese-instrument',
            instrument: 'erhu',
            importance: 3,
          },
          { upload: acc, id: 'zheng', role: 'strings', pan: -0.3 },
        ],
        profile: 'earbuds',
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(server, res.json<JobRow>().id, 120);
    expect(job.state, JSON.stringify(job)).toBe('done');
    const report = (job.result as { summary: { loudness: { integratedLufs: number } } }).summary;
    expect(JSON.stringify(report)).toContain('earbuds');
  });

  it('mixes an uploaded mix project, its files named by upload', async () => {
    const project = {
      format: 'zhiyin-mix',
      version: 1,
      title: '茉莉花',
      objects: [
        {
          id: 'erhu',
          file: 'stems/erhu.wav',
          role: 'chinese-instrument',
          instrument: 'erhu',
          descriptors: ['更温暖'],
        },
        { id: 'zheng', file: 'stems/zheng.wav', role: 'strings', pan: 0.2 },
      ],
    };
    const up = await upload(server, 'song.json', JSON.stringify(project));
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({ kind: 'project', format: 'zhiyin-mix' });
    const erhu = (
      await upload(
        server,
        'erhu.wav',
        encodeWav(renderDemoPerformance(44_100, 64), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const zheng = (
      await upload(
        server,
        'zheng.wav',
        encodeWav(renderDemoMelody(44_100, 64), { format: 'pcm16' }),
      )
    ).json<{ id: string }>().id;
    const post = (payload: object) =>
      server.app.inject({ method: 'POST', url: '/api/v1/jobs/mix', payload });
    const id = up.json<{ id: string }>().id;
    expectError(
      await post({ project: id, files: { 'stems/erhu.wav': erhu } }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await post({ project: id, files: {}, stems: [{ upload: erhu, id: 'a', role: 'keys' }] }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await post({ project: erhu, files: {} }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const res = await post({
      project: id,
      files: { 'stems/erhu.wav': erhu, 'stems/zheng.wav': zheng },
      profile: 'car',
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(server, res.json<JobRow>().id, 120);
    expect(job.state, JSON.stringify(job)).toBe('done');
    expect(JSON.stringify(job.result)).toContain('"profile":"car"');
    // JSON that is not a mix project is refused, and a project with a path out of its folder too.
    expectError(await upload(server, 'x.json', '{"hello": 1}'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const escape = { ...project, objects: [{ ...project.objects[0], file: '../../etc/passwd' }] };
    expectError(await upload(server, 'bad.json', JSON.stringify(escape)), 400, 'INVALID_ARGUMENT');
  });

  it('refuses bad job requests with their codes', async () => {
    const post = (kind: string, payload: unknown) =>
      server.app.inject({
        method: 'POST',
        url: `/api/v1/jobs/${kind}`,
        payload: payload as object,
      });
    expectError(await post('loudness', {}), 400, 'INVALID_ARGUMENT');
    expectError(await post('loudness', { upload: 42 }), 400, 'INVALID_ARGUMENT');
    expectError(await post('loudness', { upload: 'd'.repeat(64) }), 404, 'NOT_FOUND');
    expectError(
      await post('loudness', { upload: 'd'.repeat(64), extra: true }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await post('teleport', { upload: 'd'.repeat(64) }), 404, 'NOT_FOUND');
    const score = (await upload(server, 'g.abc', GREENSLEEVES)).json<{ id: string }>().id;
    expectError(await post('analyse', { upload: score }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await post('mix', { stems: [] }), 400, 'INVALID_ARGUMENT');
    expectError(
      await post('mix', { stems: [{ upload: score, id: 'x', role: 'kazoo' }] }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(await post('automix', { vocal: score }), 400, 'INVALID_ARGUMENT');
    expectError(
      await server.app.inject({ url: '/api/v1/jobs/not-a-uuid' }),
      400,
      'INVALID_ARGUMENT',
    );
    expectError(
      await server.app.inject({ url: '/api/v1/jobs/00000000-0000-0000-0000-000000000000' }),
      404,
      'NOT_FOUND',
    );
  });

  it('lists jobs by state, and cancels only unfinished ones', async () => {
    const s = await createServer({ dataDir: tmp() });
    try {
      const id = (
        await upload(s, 'p.wav', encodeWav(renderDemoPerformance(44_100), { format: 'pcm16' }))
      ).json<{ id: string }>().id;
      const jobs: JobRow[] = [];
      for (let k = 0; k < 3; k++)
        jobs.push(
          (
            await s.app.inject({
              method: 'POST',
              url: '/api/v1/jobs/analyse',
              payload: { upload: id },
            })
          ).json<JobRow>(),
        );
      // One runs at a time: the last is still queued; cancel it.
      const cancel = await s.app.inject({
        method: 'POST',
        url: `/api/v1/jobs/${jobs[2]!.id}/cancel`,
      });
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.json<JobRow>().state).toBe('cancelled');
      expectError(
        await s.app.inject({ method: 'POST', url: `/api/v1/jobs/${jobs[2]!.id}/cancel` }),
        409,
        'CONFLICT',
      );
      // An upload an unfinished job reads cannot be deleted.
      const busy = await s.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${id}` });
      if (
        (await s.app.inject({ url: `/api/v1/jobs/${jobs[1]!.id}` })).json<JobRow>().state !== 'done'
      )
        expectError(busy, 409, 'CONFLICT');
      for (const j of jobs.slice(0, 2)) expect((await waitForJob(s, j.id)).state).toBe('done');
      const done = await s.app.inject({ url: '/api/v1/jobs?state=done' });
      expect(
        done
          .json<{ jobs: JobRow[] }>()
          .jobs.map((j) => j.id)
          .sort(),
      ).toEqual(
        jobs
          .slice(0, 2)
          .map((j) => j.id)
          .sort(),
      );
      const cancelled = await s.app.inject({ url: '/api/v1/jobs?state=cancelled&limit=5' });
      expect(cancelled.json<{ jobs: JobRow[] }>().jobs).toHaveLength(1);
      expectError(await s.app.inject({ url: '/api/v1/jobs?state=lost' }), 400, 'INVALID_ARGUMENT');
    } finally {
      await closeServer(s);
    }
  });

  it('refuses an oversized JSON body', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/mode',
      payload: JSON.stringify({ score: 'x'.repeat(3 * 2 ** 20) }),
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a cut-off upload, fails a job on a damaged file with the reason, and deletes', async () => {
    // A WAV whose header promises more than it holds: refused at the upload, nothing stored.
    const wav = encodeWav(tone(1, -20), { format: 'pcm16' });
    const before = (await server.app.inject({ url: '/api/v1/uploads' })).json<{
      uploads: unknown[];
    }>().uploads.length;
    expectError(await upload(server, 'cut.wav', wav.slice(0, 2000)), 422, 'TRUNCATED');
    expect(
      (await server.app.inject({ url: '/api/v1/uploads' })).json<{ uploads: unknown[] }>().uploads,
    ).toHaveLength(before);
    // A float WAV with a NaN sample: its header is sound, so it is stored; the job says why it fails.
    const audio = tone(1, -20);
    audio.channels[0]![1000] = Number.NaN;
    const id = (await upload(server, 'nan.wav', encodeWav(audio, { format: 'float32' }))).json<{
      id: string;
    }>().id;
    const job = (
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/loudness',
        payload: { upload: id },
      })
    ).json<JobRow>();
    const ended = await waitForJob(server, job.id);
    expect(ended.state).toBe('failed');
    expect(ended.errorCode).toBe('CORRUPT_DATA');
    expect(ended.errorMessage).not.toContain(dataDir);
    expect(
      (await server.app.inject({ method: 'DELETE', url: `/api/v1/jobs/${job.id}` })).statusCode,
    ).toBe(204);
    expectError(await server.app.inject({ url: `/api/v1/jobs/${job.id}` }), 404, 'NOT_FOUND');
    expect(
      (await server.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${id}` })).statusCode,
    ).toBe(204);
    expectError(await server.app.inject({ url: `/api/v1/uploads/${id}` }), 404, 'NOT_FOUND');
  });
});

describe('server: limits and security', () => {
  it('answers 503 with Retry-After when the queue is full', async () => {
    const s = await createServer({ dataDir: tmp(), queue: { maxActive: 1 } });
    try {
      const id = (
        await upload(s, 'p.wav', encodeWav(renderDemoPerformance(44_100), { format: 'pcm16' }))
      ).json<{ id: string }>().id;
      const first = await s.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/analyse',
        payload: { upload: id },
      });
      expect(first.statusCode).toBe(202);
      const second = await s.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/analyse',
        payload: { upload: id },
      });
      expectError(second, 503, 'QUEUE_FULL');
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
      await waitForJob(s, first.json<JobRow>().id);
    } finally {
      await closeServer(s);
    }
  });

  it('limits requests per client', async () => {
    const s = await createServer({ dataDir: tmp(), rateLimitPerMinute: 5 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++)
        codes.push((await s.app.inject({ url: '/api/v1/health' })).statusCode);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const last = await s.app.inject({ url: '/api/v1/health' });
      expectError(last, 429, 'RATE_LIMITED');
      expect(last.headers['retry-after']).toBeDefined();
    } finally {
      await closeServer(s);
    }
  });

  it('requires the token when one is set, and refuses a forged one', async () => {
    const s = await createServer({ dataDir: tmp(), token: 'correct horse battery staple' });
    try {
      expectError(await s.app.inject({ url: '/api/v1/health' }), 401, 'UNAUTHORIZED');
      expectError(
        await s.app.inject({
          url: '/api/v1/health',
          headers: { authorization: 'Bearer correct horse' },
        }),
        401,
        'UNAUTHORIZED',
      );
      expectError(
        await s.app.inject({ url: '/api/v1/health', headers: { authorization: 'Basic abc' } }),
        401,
        'UNAUTHORIZED',
      );
      const ok = await s.app.inject({
        url: '/api/v1/health',
        headers: { authorization: 'Bearer correct horse battery staple' },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await closeServer(s);
    }
  });

  it("serves the studio's files and nothing outside them", async () => {
    const webDir = join(repoRoot, 'dist', 'web');
    const s = await createServer({ dataDir: tmp(), webDir });
    try {
      const page = await s.app.inject({ url: '/' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<div id="root">');
      // Unknown pages fall back to the studio (its hash routes); unknown API routes do not.
      expect((await s.app.inject({ url: '/some/page' })).body).toContain('<div id="root">');
      for (const url of [
        '/../../etc/passwd',
        '/assets/..%2f..%2f..%2fpackage.json',
        '/%2e%2e/%2e%2e/etc/passwd',
      ]) {
        const res = await s.app.inject({ url });
        expect(res.body, url).not.toMatch(/root:x:0|"name": "zhiyin"/);
      }
    } finally {
      await closeServer(s);
    }
  });

  it('listens on loopback by default and refuses other addresses without a token', async () => {
    await expect(startServer({ dataDir: tmp(), host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /needs an API token/,
    );
    const s = await startServer({ dataDir: tmp(), port: 0 });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${s.url}/api/v1/health`);
      expect(res.status).toBe(200);
    } finally {
      await closeServer(s);
    }
  });
});

describe('server: hostile and unlucky requests', () => {
  it('checks the token however the path is spelt, and rate-limits guesses', async () => {
    const s = await createServer({ dataDir: tmp(), token: 's3cret', rateLimitPerMinute: 6 });
    try {
      for (const url of ['/api/%761/health', '/api/v%31/jobs', '/api/v1/%68ealth'])
        expect((await s.app.inject({ url })).statusCode, url).not.toBe(200);
      expect((await s.app.inject({ method: 'HEAD', url: '/api/v1/health' })).statusCode).toBe(401);
      const codes: number[] = [];
      for (let k = 0; k < 8; k++)
        codes.push(
          (
            await s.app.inject({
              url: '/api/v1/jobs',
              headers: { authorization: `Bearer guess${k}` },
            })
          ).statusCode,
        );
      // Every request counts, the four above too: two guesses are answered, then 429.
      expect(codes.slice(0, 2)).toEqual([401, 401]);
      expect(codes.slice(2).every((c) => c === 429)).toBe(true);
    } finally {
      await closeServer(s);
    }
  });

  it('keys the rate limit on the address, not on a header the client chooses', async () => {
    const s = await createServer({ dataDir: tmp(), rateLimitPerMinute: 5 });
    try {
      const codes: number[] = [];
      for (let k = 0; k < 8; k++)
        codes.push(
          (await s.app.inject({ url: '/api/v1/health', headers: { authorization: `x${k}` } }))
            .statusCode,
        );
      expect(codes.at(-1)).toBe(429);
    } finally {
      await closeServer(s);
    }
  });

  it('refuses a melody too long to adapt on the request thread', async () => {
    const bar = 'A|c2d e>fe|d2B G>AB|c2A A>^GA|B2^G E2A|\n';
    const score = `X:1\nT:long\nM:6/8\nL:1/8\nK:Am\n${bar.repeat(400)}`;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/adapt',
      payload: { score },
    });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a malformed multipart body, a wrong field and a repeated upload properly', async () => {
    const broken = await server.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      payload: '--b\r\nContent-Disposition: form-data; name="file"; filename="x.wav"\r\n\r\nRIFF',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect([400, 415, 422]).toContain(broken.statusCode);
    expect(broken.json<{ error: { code: string } }>().error.code).not.toBe('INTERNAL');
    const wav = encodeWav(tone(1, -26), { format: 'pcm16' });
    expectError(
      await upload(server, 'x.wav', wav).then(() =>
        server.app.inject({
          method: 'POST',
          url: '/api/v1/uploads',
          ...multipart('x.wav', wav, 'audio'),
        }),
      ),
      400,
      'INVALID_ARGUMENT',
    );
    expect((await upload(server, 'x.wav', wav)).statusCode).toBe(200); // stored already
  });

  it('answers 404 in its own shape when a stored file has gone', async () => {
    const s = await createServer({ dataDir: tmp() });
    try {
      const wav = encodeWav(tone(1, -26), { format: 'pcm16' });
      const id = (await upload(s, 'gone.wav', wav)).json<{ id: string }>().id;
      rmSync(join(s.queue.blobFolder, id.slice(0, 2), id));
      expectError(await s.app.inject({ url: `/api/v1/uploads/${id}/content` }), 404, 'NOT_FOUND');
    } finally {
      await closeServer(s);
    }
  });

  it("refuses a second server on the same data folder, and takes over a dead one's lock", async () => {
    const dir = tmp();
    const first = await createServer({ dataDir: dir });
    try {
      await expect(createServer({ dataDir: dir })).rejects.toThrow(
        /already serves|another Zhiyin server/,
      );
    } finally {
      await closeServer(first);
    }
    writeFileSync(join(dir, 'zhiyin.lock'), '999999'); // a process that is not running
    const again = await createServer({ dataDir: dir });
    await closeServer(again);
  });

  it('closes at once while a browser follows a running job', async () => {
    const s = await startServer({ dataDir: tmp(), port: 0 });
    const id = (
      await upload(s, 'p.wav', encodeWav(renderDemoPerformance(44_100, 57), { format: 'pcm16' }))
    ).json<{ id: string }>().id;
    const job = (
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/jobs/transcribe',
        payload: { upload: id },
      })
    ).json<JobRow>();
    const res = await fetch(`${s.url}/api/v1/jobs/${job.id}/events`);
    const reader = res.body!.getReader();
    await reader.read(); // the first event
    const t0 = Date.now();
    await closeServer(s);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(job).not.toHaveProperty('client');
  });
});

describe('zhiyin serve refuses in one line', () => {
  const { zhiyin } = cliHarness('zhiyin-serve');
  it('a data folder it cannot create, another address without a token, a busy folder', async () => {
    // /proc answers "no such file" about itself: Node's recursive mkdir would spin for ever there.
    expectOneLineError(
      zhiyin('serve', '--port', '0', '--data', '/proc/zhiyin-test'),
      /cannot create the folder/,
    );
    expectOneLineError(
      zhiyin('serve', '--port', '0', '--host', '0.0.0.0', '--no-demo'),
      /needs an API token/,
    );
    const s = await createServer({ dataDir: tmp() });
    try {
      const dir = s.queue.blobFolder.replace(/\/blobs$/, '');
      expectOneLineError(
        zhiyin('serve', '--port', '0', '--no-demo', '--data', dir),
        /another Zhiyin server|already serves/,
      );
    } finally {
      await closeServer(s);
    }
    expectOneLineError(zhiyin('demo', '--out', '/proc/zhiyin-demo'), /cannot create the folder/);
  });
});
