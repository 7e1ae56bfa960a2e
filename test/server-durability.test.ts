/**
 * Durability: the server (`zhiyin serve`, a real process) is killed with SIGKILL in the middle
 * of jobs, twice. After each restart every accepted job either completes or ends failed with a
 * reason (a job interrupted twice is not started a third time), and every upload is still there,
 * byte for byte.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav, type PlanarAudio } from '../src/audio/index.js';
import { renderDemoMelody, renderDemoPerformance, renderDemoTake } from '../src/node/index.js';
import type { JobRow } from '../src/server/index.js';
import { repoRoot } from './shared-data.js';

const cli = join(repoRoot, 'dist/src/cli/main.js');
const dataDir = mkdtempSync(join(tmpdir(), 'zhiyin-durable-'));
let child: ChildProcess | undefined;

/** Starts `zhiyin serve` on a free port; resolves with its URL and what it printed. */
function start(): Promise<{ url: string; out: () => string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [cli, 'serve', '--port', '0', '--no-demo', '--data', dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = p;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 30_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /studio: (http:\/\/[^/\s]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, out: () => out });
      }
    });
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function kill(): Promise<void> {
  const p = child!;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
  child = undefined;
}

const tile = (a: PlanarAudio, times: number): PlanarAudio => ({
  sampleRate: a.sampleRate,
  channels: a.channels.map((c) => {
    const y = new Float32Array(c.length * times);
    for (let k = 0; k < times; k++) y.set(c, k * c.length);
    return y;
  }),
});

async function upload(url: string, name: string, bytes: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(`${url}/api/v1/uploads`, { method: 'POST', body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const job = async (url: string, id: string) =>
  (await (await fetch(`${url}/api/v1/jobs/${id}`)).json()) as JobRow;

async function until(what: () => Promise<boolean>, seconds: number): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  if (child) await kill();
});

describe('server durability', () => {
  it('loses no accepted job and no upload when killed during jobs, twice', async () => {
    let server = await start();
    const backing = tile(renderDemoMelody(44_100), 3);
    const take = renderDemoTake(tile(renderDemoPerformance(44_100), 3), backing);
    const files: Record<string, Uint8Array> = {
      'backing.wav': encodeWav(backing, { format: 'pcm16' }),
      'take.wav': encodeWav(take, { format: 'pcm16' }),
    };
    const ids: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(files))
      ids[name] = await upload(server.url, name, bytes);
    const jobs: string[] = [];
    for (const profile of ['zh-pop-mobile', 'earbuds', 'uk-pop-hifi']) {
      const res = await fetch(`${server.url}/api/v1/jobs/automix`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vocal: ids['take.wav'], backing: ids['backing.wav'], profile }),
      });
      expect(res.status).toBe(202);
      jobs.push(((await res.json()) as JobRow).id);
    }
    const first = jobs[0]!;

    // Killed while the first job runs: it is queued again at the restart.
    await until(async () => (await job(server.url, first)).state === 'running', 30);
    await kill();
    server = await start();
    expect(server.out()).toMatch(/1 interrupted job\(s\) queued again, 0 failed/);

    // Killed again during its second start: now it fails with the reason.
    await until(async () => {
      const j = await job(server.url, first);
      return j.state === 'running' && j.attempts === 2;
    }, 30);
    await kill();
    server = await start();
    expect(server.out()).toMatch(/0 interrupted job\(s\) queued again, 1 failed/);

    // Every accepted job ends: the first failed with a reason, the others done.
    await until(async () => {
      const states = await Promise.all(jobs.map(async (id) => (await job(server.url, id)).state));
      return states.every((s) => s === 'done' || s === 'failed');
    }, 120);
    const ended = await Promise.all(jobs.map((id) => job(server.url, id)));
    expect(ended[0]!.state).toBe('failed');
    expect(ended[0]!.errorCode).toBe('INTERRUPTED');
    expect(ended[0]!.errorMessage).toMatch(/stopped during this job 2 times/);
    for (const j of ended.slice(1)) {
      expect(j.state, JSON.stringify(j)).toBe('done');
      const mix = await fetch(`${server.url}/api/v1/jobs/${j.id}/files/mix.wav`);
      expect(mix.status).toBe(200);
      expect(
        Buffer.from(await mix.arrayBuffer())
          .subarray(0, 4)
          .toString(),
      ).toBe('RIFF');
    }

    // No upload lost: each is listed and its bytes hash to its id.
    for (const [name, id] of Object.entries(ids)) {
      const res = await fetch(`${server.url}/api/v1/uploads/${id}/content`);
      expect(res.status, name).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(id);
      expect(bytes.length).toBe(files[name]!.length);
    }
  }, 240_000);
});
