/**
 * The server under load, on loopback: `zhiyin serve` in its own process, autocannon in this one.
 * (1) Atlas queries (names in 汉字, pinyin and English, family filters) beside /api/v1/health,
 * which does no work and so marks what the HTTP stack itself costs: requests per second and
 * latency percentiles, over three runs. (2) 50 clients at once each upload a different 3–6 s
 * recording and ask for its performance analysis, against a queue bounded at 20: every request
 * must be accepted or refused with 503, every accepted job must end done, and the server's peak
 * memory is read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { encodeWav } from '../src/audio/index.js';
import { renderDemoPerformance } from '../src/node/index.js';
import { fmt, markdownTable, median } from './harness.js';

const QUERIES = [
  '/api/v1/atlas/instruments?q=%E4%BA%8C%E8%83%A1',
  '/api/v1/atlas/instruments?q=erhu',
  '/api/v1/atlas/instruments?q=pipa',
  '/api/v1/atlas/instruments?q=%E7%90%B5%E7%90%B6',
  '/api/v1/atlas/instruments?q=guzheng&limit=5',
  '/api/v1/atlas/instruments?family=%E4%B8%9D',
  '/api/v1/atlas/instruments?technique=vibrato&tradition=chinese',
  '/api/v1/atlas/instruments/dizi-d',
];

interface Server {
  url: string;
  process: ChildProcess;
  dataDir: string;
}

function startServer(maxQueue: number): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhiyin-bench-server-'));
  const args = ['dist/src/cli/main.js', 'serve', '--port', '0', '--no-demo', '--data', dataDir];
  args.push('--max-queue', String(maxQueue), '--rate-limit', '100000000');
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /studio: (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve({ url: m[1]!, process: p, dataDir });
    });
    p.on('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
}

async function stopServer(s: Server): Promise<void> {
  const exited = new Promise((r) => s.process.once('exit', r));
  s.process.kill('SIGTERM');
  await exited;
  rmSync(s.dataDir, { recursive: true, force: true });
}

/** Peak and current resident memory of a process, MiB. */
function memoryOf(pid: number): { peakMib: number; nowMib: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { peakMib: kb('VmHWM') / 1024, nowMib: kb('VmRSS') / 1024 };
}

async function load(url: string, paths: string[], seconds: number, connections: number) {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    total: r.requests.total,
  };
}

async function burstOfAnalyses(server: Server, clients: number) {
  const wavs = Array.from({ length: clients }, (_, k) =>
    encodeWav(renderDemoPerformance(44_100, 55 + (k % 20), 50 + k), { format: 'pcm16' }),
  );
  const before = Date.now();
  const outcomes = await Promise.all(
    wavs.map(async (wav, k) => {
      const form = new FormData();
      form.append('file', new Blob([wav]), `take-${k}.wav`);
      const up = await fetch(`${server.url}/api/v1/uploads`, { method: 'POST', body: form });
      if (up.status === 503) return { status: 503, retryAfter: up.headers.get('retry-after') };
      if (up.status !== 201) return { status: up.status };
      const { id } = (await up.json()) as { id: string };
      const job = await fetch(`${server.url}/api/v1/jobs/analyse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ upload: id }),
      });
      const body = (await job.json()) as { id?: string };
      return { status: job.status, job: body.id, retryAfter: job.headers.get('retry-after') };
    }),
  );
  const accepted = outcomes.filter((o) => o.status === 202).map((o) => o.job!);
  const refused = outcomes.filter((o) => o.status === 503 && o.retryAfter);
  const other = outcomes.filter((o) => o.status !== 202 && !(o.status === 503 && o.retryAfter));
  // Every accepted job must end done: none lost.
  const states = new Map<string, string>();
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    for (const id of accepted) {
      if (states.get(id) === 'done' || states.get(id) === 'failed') continue;
      const j = (await (await fetch(`${server.url}/api/v1/jobs/${id}`)).json()) as {
        state: string;
      };
      states.set(id, j.state);
    }
    if (accepted.every((id) => ['done', 'failed', 'cancelled'].includes(states.get(id) ?? '')))
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const done = accepted.filter((id) => states.get(id) === 'done').length;
  return {
    clients,
    accepted: accepted.length,
    refused: refused.length,
    other: other.length,
    done,
    seconds: (Date.now() - before) / 1000,
    memory: memoryOf(server.process.pid!),
  };
}

export async function benchServer(smoke: boolean): Promise<string> {
  const seconds = smoke ? 2 : 10;
  const runs = smoke ? 1 : 3;
  const server = await startServer(20);
  try {
    await load(server.url, QUERIES, 1, 10); // warm-up
    const atlas: Awaited<ReturnType<typeof load>>[] = [];
    const health: Awaited<ReturnType<typeof load>>[] = [];
    for (let r = 0; r < runs; r++) {
      atlas.push(await load(server.url, QUERIES, seconds, 10));
      health.push(await load(server.url, ['/api/v1/health'], seconds, 10));
    }
    const row = (name: string, xs: typeof atlas, goal: string) => [
      name,
      fmt(median(xs.map((x) => x.rps)), 4),
      `${fmt(Math.min(...xs.map((x) => x.rps)), 4)}–${fmt(Math.max(...xs.map((x) => x.rps)), 4)}`,
      fmt(median(xs.map((x) => x.p50)), 2),
      fmt(median(xs.map((x) => x.p99)), 2),
      `${Math.max(...xs.map((x) => x.p99))}`,
      String(xs.reduce((s, x) => s + x.errors, 0)),
      goal,
    ];
    const table = markdownTable(
      [
        'requests',
        'req/s (median)',
        'req/s (range)',
        'p50 ms',
        'p99 ms (median)',
        'p99 ms (worst)',
        'errors',
        'goal',
      ],
      [
        row(
          `atlas queries (${QUERIES.length} kinds, in turn)`,
          atlas,
          '≥ 1,000 req/s, p99 < 50 ms',
        ),
        row('/api/v1/health (no work: the HTTP stack alone)', health, ''),
      ],
    );
    const burst = await burstOfAnalyses(server, 50);
    const burstTable = markdownTable(
      [
        'clients',
        'accepted (202)',
        'refused (503 + Retry-After)',
        'other answers',
        'accepted jobs done',
        'until all ended',
        'server peak RSS',
      ],
      [
        [
          burst.clients,
          burst.accepted,
          burst.refused,
          burst.other,
          `${burst.done}/${burst.accepted}`,
          `${fmt(burst.seconds, 3)} s`,
          `${burst.memory.peakMib.toFixed(0)} MiB`,
        ],
      ],
    );
    return `\`zhiyin serve\` in its own process on loopback (one job at a time, queue bound 20, rate limit lifted for the test: by default a client may make 6,000 requests a minute); autocannon in the benchmark's process, 10 connections, ${seconds} s per run, ${runs} run(s) each, after a 1 s warm-up. Both share the machine's two cores.\n\n${table}\n\nA burst of analysis uploads: 50 clients at once each upload a different 3–6 s WAV (16-bit, 44.1 kHz) and ask for its performance analysis.\n\n${burstTable}`;
  } finally {
    await stopServer(server);
  }
}
