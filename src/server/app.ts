/**
 * The HTTP API (`/api/v1/...`) on Fastify: the routes, their JSON schemas (which validate the
 * requests and generate the OpenAPI document at /api/docs), the API token, rate limits, and the
 * one error shape `{ error: { code, message } }`. Quick work (atlas, mode, adaptation, the mix
 * profiles and words) is answered at once; long work (analysis, transcription, loudness,
 * conversion, mix, automix) becomes a job (queue.ts) whose progress streams as Server-Sent
 * Events. The web studio, when built, is served from the same origin.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  ADAPTATION_MEDIA_TYPES,
  adaptationBytes,
  adaptMelody,
  EXAMPLE_CATEGORIES,
  previewVoiceFor,
  renderPreview,
  techniqueExample,
  type AdaptationFormat,
  type AdaptOptions,
} from '../arrange/index.js';
import type { Instrument } from '../atlas/index.js';
import { encodeWav } from '../audio/index.js';
import { isZhiyinError, ZhiyinError } from '../errors/index.js';
import { readScore, scoreToMelody, type Score } from '../notation/index.js';
import { checkProject, ROLES } from '../mix/index.js';
import { detectMode, type ModeSystem } from '../theory/index.js';
import { loadAtlas, loadLexicon, loadProfiles, makeFolder } from '../node/index.js';
import { ApiError, errorBody, type ApiErrorCode } from './errors.js';
import { JOB_KINDS, uploadsOf, type JobKind } from './jobs.js';
import { JobEventStreams } from './events.js';
import { lockDataFolder } from './lock.js';
import { JobQueue } from './queue.js';
import { Store, type JobRow } from './store.js';
import { blobPath, receiveUpload, type UploadLimits } from './uploads.js';
import * as S from './schemas.js';

export interface ServerOptions {
  /** Folder for the database, uploads and job results (created if missing). */
  dataDir: string;
  /** API token; required when the server listens beyond loopback. */
  token?: string;
  /** Folder of the built web studio (served at /), if any. */
  webDir?: string;
  upload?: Partial<UploadLimits>;
  /** Requests per client per minute (default 6000; uploads and jobs: a tenth of it). */
  rateLimitPerMinute?: number;
  queue?: {
    concurrency?: number;
    maxActive?: number;
    maxAttempts?: number;
    jobTimeoutSeconds?: number;
    workerMemoryMb?: number;
  };
  /** Log requests (default false). */
  logger?: boolean;
}

export interface ZhiyinServer {
  app: FastifyInstance;
  store: Store;
  queue: JobQueue;
  /** Jobs found running at start and queued again or failed. */
  recovered: { requeued: string[]; failed: string[] };
}

const VERSION = '0.1.0';

/** The parts of an instrument a list shows. */
function instrumentSummary(i: Instrument) {
  return {
    id: i.id,
    tradition: i.tradition,
    names: i.names,
    summary: i.summary,
    family: i.family,
    pitched: i.pitched,
    ...(i.range && { range: i.range }),
    techniques: i.techniques.length,
  };
}

/** A 4xx from Fastify or a plugin (body parser, multipart, static files) in our codes. */
function frameworkError(
  status: number,
  code: string | undefined,
  message: string,
): { status: number; code: ApiErrorCode; message: string } {
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || status === 415)
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message };
  if (status === 403)
    return { status, code: 'FORBIDDEN', message: "that path lies outside the studio's files." };
  const codes: Record<number, ApiErrorCode> = {
    404: 'NOT_FOUND',
    413: 'PAYLOAD_TOO_LARGE',
    429: 'RATE_LIMITED',
  };
  return { status, code: codes[status] ?? 'INVALID_ARGUMENT', message };
}

/** Errors of a multipart body that the parser (busboy) found broken, as a 400. */
function malformedForm(e: unknown): unknown {
  if (e instanceof ApiError || isZhiyinError(e)) return e;
  const status = (e as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return e;
  return new ApiError(
    'INVALID_ARGUMENT',
    `the multipart body is malformed (${(e as Error).message?.split('\n')[0] ?? 'unreadable'}): send the file as multipart/form-data in a field named "file".`,
  );
}

/** A stored file as the answer, or 404 when it has gone (deleted while asked for). */
async function sendStored(
  reply: FastifyReply,
  path: string,
  type: string,
  disposition: string,
): Promise<FastifyReply> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) throw new ApiError('NOT_FOUND', 'the file is no longer there: it was deleted.');
  return reply
    .type(type)
    .header('content-disposition', disposition)
    .send(handle.createReadStream());
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Reads a score from a stored upload or from text in the request. */
async function scoreFrom(
  body: { upload?: string; score?: string },
  server: { store: Store; dataDir: string },
): Promise<Score> {
  if ((body.upload === undefined) === (body.score === undefined))
    throw new ApiError(
      'INVALID_ARGUMENT',
      'give either "upload" (an upload id) or "score" (the score as text), not both.',
    );
  if (body.score !== undefined) return readScore(new TextEncoder().encode(body.score), 'the score');
  const row = server.store.upload(body.upload!);
  if (!row) throw new ApiError('NOT_FOUND', `no upload ${body.upload}: upload the file first.`);
  if (row.kind !== 'score')
    throw new ApiError(
      'UNSUPPORTED_MEDIA_TYPE',
      `upload ${row.id.slice(0, 12)} is ${row.kind === 'audio' ? `${row.format} audio` : `a ${row.format} project`}, not a score.`,
    );
  return readScore(new Uint8Array(await readFile(blobPath(server.dataDir, row.id))), row.name);
}

/**
 * Mode and adaptation run on the request's thread (they are quick for a melody), so a melody
 * is bounded: 4,000 notes take about half a second to adapt for every instrument.
 */
const MAX_MELODY_NOTES = 4000;

function boundedMelody(score: Score): Score {
  if (score.notes.length > MAX_MELODY_NOTES)
    throw new ApiError(
      'PAYLOAD_TOO_LARGE',
      `the melody has ${score.notes.length} notes; the server adapts at most ${MAX_MELODY_NOTES}: send a section of it.`,
    );
  return score;
}

/**
 * Builds the server: opens the data folder, recovers interrupted jobs, registers the routes.
 * Call `app.listen` to serve, `closeServer` to stop.
 * @example const { app } = await createServer({ dataDir: 'data' }); await app.listen({ port: 8717 });
 */
export async function createServer(options: ServerOptions): Promise<ZhiyinServer> {
  const dataDir = options.dataDir;
  let unlock: (() => void) | undefined;
  let store: Store;
  try {
    await makeFolder(join(dataDir, 'blobs'));
    await makeFolder(join(dataDir, 'jobs'));
    unlock = lockDataFolder(dataDir);
    // Partial uploads of a previous run are never answered for: clear them.
    await rm(join(dataDir, 'tmp'), { recursive: true, force: true });
    store = new Store(join(dataDir, 'zhiyin.db'));
  } catch (e) {
    unlock?.();
    if (isZhiyinError(e)) throw e;
    throw new ZhiyinError(
      'IO_ERROR',
      `cannot use the data folder ${dataDir} (${(e as Error).message.split('\n')[0]}): give a folder this user may write to with --data.`,
    );
  }
  const queue = new JobQueue(store, { dataDir, ...options.queue });
  const limits: UploadLimits = {
    maxBytes: options.upload?.maxBytes ?? 200 * 2 ** 20,
    maxSeconds: options.upload?.maxSeconds ?? 20 * 60,
  };
  const events = new JobEventStreams(queue);
  const atlas = loadAtlas();
  const profiles = loadProfiles();
  const lexicon = loadLexicon();
  const perMinute = options.rateLimitPerMinute ?? 6000;

  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
    bodyLimit: 2 * 2 ** 20,
    // Ids only: no request reaches the file system through its own path text.
    routerOptions: { maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });

  app.setErrorHandler(
    (
      error: Error & { statusCode?: number; code?: string; validation?: unknown },
      request,
      reply,
    ) => {
      let body = errorBody(error);
      if (error.validation) {
        body = { status: 400, code: 'INVALID_ARGUMENT', message: `${error.message}.` };
      } else if (body.code === 'INTERNAL' && error.statusCode && error.statusCode < 500) {
        body = frameworkError(error.statusCode, error.code, error.message);
      } else if (body.code === 'INTERNAL') {
        request.log.error(error);
        console.error(error);
      }
      if (error instanceof ApiError)
        for (const [k, v] of Object.entries(error.headers)) void reply.header(k, v);
      void reply.status(body.status).send({ error: { code: body.code, message: body.message } });
    },
  );

  app.setNotFoundHandler((request, reply) => {
    if (
      !request.url.startsWith('/api/') &&
      options.webDir &&
      existsSync(join(options.webDir, 'index.html')) &&
      request.method === 'GET'
    )
      return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}: see /api/docs.`,
      },
    });
  });

  // Rate limits come first (so token guesses count too), keyed by the client's address: a
  // header the client chooses cannot make a new bucket. Uploads and new jobs share one smaller
  // bucket.
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: '1 minute',
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'RATE_LIMITED',
        `too many requests: at most ${context.max} a minute; try again in ${Math.ceil(context.ttl / 1000)} s.`,
        {
          'retry-after': String(Math.ceil(context.ttl / 1000)),
        },
      ),
  });
  const heavyLimit = {
    rateLimit: {
      max: Math.max(1, Math.floor(perMinute / 10)),
      timeWindow: '1 minute',
      groupId: 'heavy',
    },
  };

  // The token: every /api/v1 route checks it when one is set. The check is attached to the
  // matched route (after the rate limit), so no spelling of the path can step around it.
  if (options.token) {
    const expected = digest(options.token);
    const check = async (request: FastifyRequest) => {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!given || !timingSafeEqual(digest(given), expected))
        throw new ApiError(
          'UNAUTHORIZED',
          'a valid API token is needed: send "Authorization: Bearer <token>".',
        );
    };
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/v1/')) return;
      const hooks = route.onRequest;
      route.onRequest = [...(Array.isArray(hooks) ? hooks : hooks ? [hooks] : []), check];
    });
  }

  await app.register(multipart, {
    limits: {
      fileSize: limits.maxBytes,
      files: 1,
      fields: 4,
      fieldSize: 1024,
      parts: 6,
      headerPairs: 50,
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Zhiyin 知音 API',
        description:
          'Music AI across cultures: the instrument atlas, melody adaptation, performance analysis, loudness, mixing and automix.',
        version: VERSION,
      },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
      ...(options.token && { security: [{ token: [] }] }),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  if (options.webDir && existsSync(options.webDir))
    await app.register(fastifyStatic, {
      root: options.webDir,
      prefix: '/',
      index: ['index.html'],
      wildcard: true,
    });

  // Health
  app.get('/api/v1/health', { schema: S.health }, async () => ({
    status: 'ok',
    version: VERSION,
    jobs: { active: store.activeCount() },
  }));

  // Atlas
  app.get('/api/v1/atlas/instruments', { schema: S.atlasList }, async (request) => {
    const q = request.query as {
      q?: string;
      family?: string;
      technique?: string;
      tradition?: string;
      limit?: number;
    };
    let list = q.q ? atlas.find(q.q) : atlas.all();
    if (q.family) {
      const ids = new Set(atlas.byFamily(q.family).map((i) => i.id));
      list = list.filter((i) => ids.has(i.id));
    }
    if (q.technique) {
      const ids = new Set(atlas.byTechnique(q.technique).map((i) => i.id));
      list = list.filter((i) => ids.has(i.id));
    }
    if (q.tradition) list = list.filter((i) => i.tradition === q.tradition);
    const limit = q.limit ?? 200;
    return {
      total: list.length,
      instruments: list.slice(0, limit).map(instrumentSummary),
      ...(q.q && !list.length && { suggestions: atlas.nearest(q.q, 3).map((i) => i.id) }),
    };
  });
  app.get('/api/v1/atlas/instruments/:id', { schema: S.atlasOne }, async (request) => {
    const { id } = request.params as { id: string };
    const i = atlas.get(id);
    if (!i)
      throw new ApiError(
        'NOT_FOUND',
        `no instrument "${id}" in the atlas: GET /api/v1/atlas/instruments?q=… finds one.`,
      );
    return {
      ...i,
      techniques: i.techniques.map((t) => ({
        ...t,
        example: i.pitched && EXAMPLE_CATEGORIES.has(t.category),
      })),
    };
  });
  app.get(
    '/api/v1/atlas/instruments/:id/techniques/:technique/example',
    { schema: S.techniqueExample },
    async (request, reply) => {
      const { id, technique } = request.params as { id: string; technique: string };
      const i = atlas.get(id);
      const t = i?.techniques.find((x) => x.id === technique);
      if (!i || !t)
        throw new ApiError('NOT_FOUND', `no technique "${technique}" of "${id}" in the atlas.`);
      const samples = renderPreview(techniqueExample(i, t), {
        voice: previewVoiceFor(i.family.orchestral),
      });
      const wav = encodeWav({ sampleRate: 44_100, channels: [samples] }, { format: 'pcm16' });
      return reply
        .type('audio/wav')
        .header('cache-control', 'public, max-age=86400')
        .send(Buffer.from(wav));
    },
  );

  // Theory and adaptation
  app.post('/api/v1/mode', { schema: S.mode }, async (request) => {
    const body = request.body as { upload?: string; score?: string; system?: ModeSystem };
    const notes = scoreToMelody(boundedMelody(await scoreFrom(body, { store, dataDir })));
    return { candidates: detectMode(notes, body.system ? { systems: [body.system] } : {}) };
  });

  app.post('/api/v1/adapt', { schema: S.adapt, config: heavyLimit }, async (request, reply) => {
    const body = request.body as AdaptOptions & {
      upload?: string;
      score?: string;
      format?: AdaptationFormat;
    };
    const score = boundedMelody(await scoreFrom(body, { store, dataDir }));
    const a = adaptMelody(score, atlas.all(), {
      to: body.to ?? 'auto',
      ...(body.tradition && { tradition: body.tradition }),
      ...(body.pentatonic !== undefined && { pentatonic: body.pentatonic }),
      ...(body.ornaments !== undefined && { ornaments: body.ornaments }),
      ...(body.keepKey !== undefined && { keepKey: body.keepKey }),
      ...(body.tempo !== undefined && { tempo: body.tempo }),
    });
    const tempo = body.tempo ?? score.tempo ?? 90;
    if (body.format) {
      const data = adaptationBytes(a, body.format, tempo);
      return reply
        .type(ADAPTATION_MEDIA_TYPES[body.format])
        .send(typeof data === 'string' ? data : Buffer.from(data));
    }
    return {
      instrument: instrumentSummary(a.instrument),
      facts: { mode: a.facts.mode, notes: a.facts.notes.length },
      fit: a.fit,
      ranking: a.ranking.slice(0, 10).map((r) => ({
        id: r.instrument.id,
        names: r.instrument.names,
        suitability: r.fit.suitability,
      })),
      advice: a.advice,
      ornaments: a.ornaments.length,
      musicxml: adaptationBytes(a, 'musicxml', tempo),
      jianpu: {
        svg: adaptationBytes(a, 'jianpu-svg', tempo),
        text: adaptationBytes(a, 'jianpu-text', tempo),
      },
    };
  });

  // Mix data
  app.get(
    '/api/v1/mix/profiles',
    { schema: S.plain('The listener profiles (presets with their basis)') },
    async () => profiles,
  );
  app.get(
    '/api/v1/mix/words',
    { schema: S.plain('The bilingual lexicon of semantic controls') },
    async () => lexicon,
  );
  app.get(
    '/api/v1/mix/roles',
    { schema: S.plain('The roles a mix object may have') },
    async () => ({ roles: ROLES }),
  );

  // Uploads
  app.post(
    '/api/v1/uploads',
    { schema: S.uploadCreate, config: heavyLimit },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new ApiError(
          'UNSUPPORTED_MEDIA_TYPE',
          'send the file as multipart/form-data in a field named "file".',
        );
      try {
        const part = await request.file();
        if (!part)
          throw new ApiError(
            'INVALID_ARGUMENT',
            'the form holds no file: send it in a field named "file".',
          );
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new ApiError(
            'INVALID_ARGUMENT',
            `the file came in a field named "${part.fieldname.slice(0, 40)}": name the field "file".`,
          );
        }
        const { upload, created } = await receiveUpload(
          part.file,
          part.filename,
          () => part.file.truncated,
          dataDir,
          store,
          limits,
        );
        return reply
          .status(created ? 201 : 200)
          .header('location', `/api/v1/uploads/${upload.id}`)
          .send(upload);
      } catch (e) {
        throw malformedForm(e);
      }
    },
  );
  app.get('/api/v1/uploads', { schema: S.uploadList }, async () => ({ uploads: store.uploads() }));
  app.get('/api/v1/uploads/:id', { schema: S.uploadOne }, async (request) => {
    const { id } = request.params as { id: string };
    const row = store.upload(id);
    if (!row) throw new ApiError('NOT_FOUND', `no upload ${id}.`);
    return row;
  });
  app.get('/api/v1/uploads/:id/content', { schema: S.uploadContent }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const row = store.upload(id);
    if (!row) throw new ApiError('NOT_FOUND', `no upload ${id}.`);
    return sendStored(
      reply,
      blobPath(dataDir, id),
      'application/octet-stream',
      `attachment; filename*=UTF-8''${encodeURIComponent(row.name)}`,
    );
  });
  app.delete('/api/v1/uploads/:id', { schema: S.uploadDelete }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const row = store.upload(id);
    if (!row) throw new ApiError('NOT_FOUND', `no upload ${id}.`);
    const users = store
      .activeJobs()
      .filter((j) => uploadsOf(j.kind as JobKind, j.params).some((u) => u.id === id));
    if (users.length)
      throw new ApiError(
        'CONFLICT',
        `upload ${id.slice(0, 12)} is an input of ${users.length} unfinished job(s): wait for them or cancel them first.`,
      );
    store.deleteUpload(id);
    await rm(blobPath(dataDir, id), { force: true });
    return reply.status(204).send();
  });

  // Jobs
  for (const kind of JOB_KINDS) {
    app.post(
      `/api/v1/jobs/${kind}`,
      { schema: S.jobCreate(kind), config: heavyLimit },
      async (request, reply) => {
        const params = request.body as Record<string, unknown>;
        if (kind === 'mix' && !params.stems === !params.project)
          throw new ApiError(
            'INVALID_ARGUMENT',
            'give either "stems" or a "project" upload with its "files", not both.',
          );
        for (const want of uploadsOf(kind, params)) {
          const row = store.upload(want.id);
          if (!row) throw new ApiError('NOT_FOUND', `no upload ${want.id}: upload the file first.`);
          if (row.kind !== want.kind)
            throw new ApiError(
              'UNSUPPORTED_MEDIA_TYPE',
              `upload ${want.id.slice(0, 12)} is ${row.kind === 'audio' ? `${row.format} audio` : `a ${row.format} ${row.kind}`}; this job needs ${want.kind === 'audio' ? 'audio' : 'a mix project'} there.`,
            );
        }
        if (kind === 'mix' && typeof params.project === 'string') {
          const project = checkProject(
            JSON.parse(await readFile(blobPath(dataDir, params.project), 'utf8')),
            'the mix project',
          );
          const files = (params.files ?? {}) as Record<string, string>;
          const missing = project.objects.filter((o) => !o.mute && !files[o.file]);
          if (missing.length)
            throw new ApiError(
              'INVALID_ARGUMENT',
              `the project needs ${missing.map((o) => `"${o.file}"`).join(', ')}: upload each and name its upload in "files".`,
            );
        }
        const job = queue.submit(kind, params, request.ip);
        return reply.status(202).header('location', `/api/v1/jobs/${job.id}`).send(job);
      },
    );
  }
  app.get('/api/v1/jobs', { schema: S.jobList }, async (request) => {
    const q = request.query as { state?: JobRow['state']; limit?: number };
    return { jobs: store.jobs({ ...(q.state && { state: q.state }), limit: q.limit ?? 100 }) };
  });
  const jobOr404 = (id: string): JobRow => {
    const job = store.job(id);
    if (!job) throw new ApiError('NOT_FOUND', `no job ${id}.`);
    return job;
  };
  app.get('/api/v1/jobs/:id', { schema: S.jobOne }, async (request) =>
    jobOr404((request.params as { id: string }).id),
  );
  app.post('/api/v1/jobs/:id/cancel', { schema: S.jobOne }, async (request) => {
    const { id } = request.params as { id: string };
    const job = jobOr404(id);
    if (job.state !== 'queued' && job.state !== 'running')
      throw new ApiError('CONFLICT', `job ${id} has already ended (${job.state}).`);
    await queue.cancel(id);
    return jobOr404(id);
  });
  app.delete('/api/v1/jobs/:id', { schema: S.jobDelete }, async (request, reply) => {
    const { id } = request.params as { id: string };
    jobOr404(id);
    await queue.delete(id);
    return reply.status(204).send();
  });
  app.get('/api/v1/jobs/:id/files/:name', { schema: S.jobFile }, async (request, reply) => {
    const { id, name } = request.params as { id: string; name: string };
    const job = jobOr404(id);
    const files = (job.result as { files?: { name: string; type: string }[] } | null)?.files ?? [];
    // Only a name the job itself listed: the request's text never becomes a path on its own.
    const file = files.find((f) => f.name === name);
    if (job.state !== 'done' || !file)
      throw new ApiError('NOT_FOUND', `job ${id} has no file "${name}".`);
    return sendStored(
      reply,
      join(queue.folderOf(id), file.name),
      file.type,
      `attachment; filename="${file.name}"`,
    );
  });
  app.get('/api/v1/jobs/:id/events', { schema: S.jobEvents }, (request, reply) =>
    events.stream(request, reply, jobOr404((request.params as { id: string }).id)),
  );

  app.addHook('preClose', async () => events.closeAll());

  app.addHook('onClose', async () => unlock?.());

  const recovered = queue.start();
  return { app, store, queue, recovered };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Creates the server and listens. Listening beyond loopback needs a token.
 * @example const s = await startServer({ dataDir: 'data', host: '127.0.0.1', port: 8717 });
 */
export async function startServer(
  options: ServerOptions & { host?: string; port?: number },
): Promise<ZhiyinServer & { url: string }> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.token)
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `listening on ${host} lets other machines in, so it needs an API token: give --token (or set ZHIYIN_TOKEN), or listen on 127.0.0.1.`,
    );
  const server = await createServer(options);
  try {
    const address = await server.app.listen({ host, port: options.port ?? 8717 });
    return { ...server, url: address };
  } catch (e) {
    await closeServer(server);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new ZhiyinError(
        'IO_ERROR',
        `port ${options.port ?? 8717} is in use: choose another with --port.`,
      );
    if (code === 'EACCES')
      throw new ZhiyinError(
        'IO_ERROR',
        `port ${options.port ?? 8717} needs privileges: choose one above 1024 with --port.`,
      );
    throw e;
  }
}

/** Stops serving, ends running threads (their jobs resume at the next start) and closes the database. */
export async function closeServer(server: ZhiyinServer): Promise<void> {
  await server.queue.stop();
  await server.app.close();
  server.store.close();
}
