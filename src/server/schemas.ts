/**
 * JSON Schemas of the API's requests: Fastify validates every request against them (wrong
 * types, missing or unknown fields are refused with 400 INVALID_ARGUMENT) and @fastify/swagger
 * turns the same schemas into the OpenAPI document.
 */
import { ROLES } from '../mix/index.js';
import type { JobKind } from './jobs.js';

const UPLOAD_ID = {
  type: 'string',
  pattern: '^[0-9a-f]{64}$',
  description: 'an upload id (SHA-256 of its bytes)',
};
const JOB_ID = {
  type: 'string',
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  description: 'a job id',
};
const SCORE_TEXT = {
  type: 'string',
  minLength: 1,
  maxLength: 1_000_000,
  description: 'a score as text: MusicXML, ABC or Humdrum **kern',
};
const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: 'error', ...ERROR }]));
const ANY = { type: 'object', additionalProperties: true };
const OVERRIDES = {
  type: 'object',
  additionalProperties: false,
  properties: {
    leadVocalLu: { type: 'number', minimum: -20, maximum: 20 },
    targetLufs: { type: 'number', minimum: -40, maximum: -5 },
    truePeakDbtp: { type: 'number', minimum: -12, maximum: 0 },
    width: { type: 'number', minimum: 0, maximum: 2 },
    gainDb: {
      type: 'object',
      maxProperties: 32,
      propertyNames: { pattern: '^[A-Za-z0-9_-]{1,40}$' },
      additionalProperties: { type: 'number', minimum: -60, maximum: 24 },
    },
  },
};

export const health = {
  tags: ['server'],
  summary: 'Is the server up',
  response: { 200: ANY },
};

export const atlasList = {
  tags: ['atlas'],
  summary: 'Search the instrument atlas (names in 汉字, pinyin or English; family; technique)',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      q: { type: 'string', maxLength: 100 },
      family: { type: 'string', maxLength: 100 },
      technique: { type: 'string', maxLength: 100 },
      tradition: { type: 'string', enum: ['chinese', 'western'] },
      limit: { type: 'integer', minimum: 1, maximum: 500 },
    },
  },
  response: { 200: ANY, ...errors(400) },
};

export const atlasOne = {
  tags: ['atlas'],
  summary: 'One instrument: names, range, tuning, techniques, sources',
  params: {
    type: 'object',
    properties: { id: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } },
    required: ['id'],
  },
  response: { 200: ANY, ...errors(400, 404) },
};

export const techniqueExample = {
  tags: ['atlas'],
  summary: "A technique's audio example: a short phrase in the instrument's tessitura, WAV",
  params: {
    type: 'object',
    properties: {
      id: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
      technique: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
    },
    required: ['id', 'technique'],
  },
};

const scoreInput = {
  upload: UPLOAD_ID,
  score: SCORE_TEXT,
};

export const mode = {
  tags: ['theory'],
  summary: "A melody's key and mode (宫商角徵羽 and Western modes), ranked with reasons",
  body: {
    type: 'object',
    additionalProperties: false,
    properties: { ...scoreInput, system: { type: 'string', enum: ['chinese', 'western'] } },
  },
  response: { 200: ANY, ...errors(400, 404, 415, 422) },
};

export const adapt = {
  tags: ['theory'],
  summary:
    'Adapt a melody to an instrument ("auto" for the best fit): fit report, advice, MusicXML and jianpu; with "format", the file itself',
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...scoreInput,
      to: { type: 'string', minLength: 1, maxLength: 64 },
      tradition: { type: 'string', enum: ['chinese', 'western', 'all'] },
      pentatonic: { type: 'boolean' },
      ornaments: { type: 'number', minimum: 0, maximum: 1 },
      keepKey: { type: 'boolean' },
      tempo: { type: 'number', minimum: 10, maximum: 400 },
      format: {
        type: 'string',
        enum: ['musicxml', 'mxl', 'midi', 'jianpu-svg', 'jianpu-text', 'wav'],
      },
    },
  },
  response: { 200: ANY, ...errors(400, 404, 415, 422) },
};

export const plain = (summary: string) => ({ tags: ['mix'], summary, response: { 200: ANY } });

export const uploadCreate = {
  tags: ['uploads'],
  summary:
    'Upload a file (multipart/form-data, field "file"): audio, a score or a mix project, sniffed from its bytes (201; 200 when the same bytes are stored already)',
  consumes: ['multipart/form-data'],
  response: { 200: ANY, 201: ANY, ...errors(400, 413, 415, 422, 429) },
};

export const uploadList = {
  tags: ['uploads'],
  summary: 'The latest uploads',
  response: { 200: ANY },
};

const uploadParams = {
  type: 'object',
  properties: { id: UPLOAD_ID },
  required: ['id'],
};

export const uploadOne = {
  tags: ['uploads'],
  summary: 'One upload',
  params: uploadParams,
  response: { 200: ANY, ...errors(400, 404, 409) },
};

export const uploadContent = {
  tags: ['uploads'],
  summary: "An upload's bytes",
  params: uploadParams,
};

const JOB_BODIES: Record<JobKind, object> = {
  analyse: {
    type: 'object',
    additionalProperties: false,
    required: ['upload'],
    properties: { upload: UPLOAD_ID },
  },
  compare: {
    type: 'object',
    additionalProperties: false,
    required: ['uploads'],
    properties: {
      uploads: { type: 'array', minItems: 2, maxItems: 8, items: UPLOAD_ID },
      labels: {
        type: 'array',
        maxItems: 8,
        items: { type: 'string', minLength: 1, maxLength: 60 },
      },
    },
  },
  melody: {
    type: 'object',
    additionalProperties: false,
    required: ['upload'],
    properties: { upload: UPLOAD_ID, tempo: { type: 'number', minimum: 30, maximum: 300 } },
  },
  transcribe: {
    type: 'object',
    additionalProperties: false,
    required: ['upload'],
    properties: { upload: UPLOAD_ID },
  },
  loudness: {
    type: 'object',
    additionalProperties: false,
    required: ['upload'],
    properties: { upload: UPLOAD_ID },
  },
  convert: {
    type: 'object',
    additionalProperties: false,
    required: ['upload'],
    properties: {
      upload: UPLOAD_ID,
      sampleRate: { type: 'integer', minimum: 8000, maximum: 384000 },
      channels: { type: 'integer', minimum: 1, maximum: 8 },
      format: { type: 'string', enum: ['pcm16', 'pcm24', 'float32'] },
      normalizeLufs: { type: 'number', minimum: -40, maximum: -5 },
    },
  },
  mix: {
    type: 'object',
    additionalProperties: false,
    description:
      'either "stems", or a "project" upload with "files" naming the upload for each of its files',
    properties: {
      project: UPLOAD_ID,
      files: {
        type: 'object',
        maxProperties: 64,
        propertyNames: { minLength: 1, maxLength: 300 },
        additionalProperties: UPLOAD_ID,
      },
      stems: {
        type: 'array',
        minItems: 1,
        maxItems: 32,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['upload', 'id', 'role'],
          properties: {
            upload: UPLOAD_ID,
            id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
            role: { type: 'string', enum: [...ROLES] },
            instrument: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
            importance: { type: 'integer', minimum: 0, maximum: 3 },
            gainDb: { type: 'number', minimum: -60, maximum: 24 },
            pan: { type: 'number', minimum: -1, maximum: 1 },
            descriptors: {
              type: 'array',
              maxItems: 8,
              items: { type: 'string', minLength: 1, maxLength: 40 },
            },
          },
        },
      },
      profile: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
      overrides: OVERRIDES,
    },
  },
  automix: {
    type: 'object',
    additionalProperties: false,
    required: ['vocal', 'backing'],
    properties: {
      vocal: UPLOAD_ID,
      backing: UPLOAD_ID,
      profile: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
      words: { type: 'array', maxItems: 8, items: { type: 'string', minLength: 1, maxLength: 40 } },
      dereverb: { type: 'boolean' },
      offsetMs: { type: 'number', minimum: -5000, maximum: 5000 },
      overrides: OVERRIDES,
    },
  },
};

const JOB_SUMMARY: Record<JobKind, string> = {
  analyse: 'Performance analysis of a recording: pitch contour, notes, vibrato, slides, ornaments',
  compare: 'Compare recordings: vibrato and portamento distributions with effect sizes',
  melody: "A recording's melody as a score (MusicXML), to adapt",
  transcribe: 'Transcribe a recording into notes (MIDI)',
  loudness: "A recording's loudness (BS.1770-4 / EBU R128): integrated, range, true peak",
  convert: 'Convert audio to WAV (rate, channels, sample format, loudness normalisation)',
  mix: 'Mix stems as objects for a listener profile',
  automix: 'One-click vocal mix: a vocal take over a backing track',
};

export const jobCreate = (kind: JobKind) => ({
  tags: ['jobs'],
  summary: `${JOB_SUMMARY[kind]} (a job: 202, then follow /api/v1/jobs/{id}/events)`,
  body: JOB_BODIES[kind],
  response: { 202: ANY, ...errors(400, 404, 415, 429, 503) },
});

export const jobList = {
  tags: ['jobs'],
  summary: 'The latest jobs',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
      limit: { type: 'integer', minimum: 1, maximum: 1000 },
    },
  },
  response: { 200: ANY, ...errors(400) },
};

const jobParams = { type: 'object', properties: { id: JOB_ID }, required: ['id'] };

export const jobOne = {
  tags: ['jobs'],
  summary: 'One job: state, progress, result or error',
  params: jobParams,
  response: { 200: ANY, ...errors(400, 404, 409) },
};

export const jobFile = {
  tags: ['jobs'],
  summary: 'A file a finished job wrote',
  params: {
    type: 'object',
    properties: {
      id: JOB_ID,
      name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,40}\\.[a-z0-9]{1,8}$' },
    },
    required: ['id', 'name'],
  },
};

export const jobEvents = {
  tags: ['jobs'],
  summary: "A job's progress as Server-Sent Events: progress, then done, failed or cancelled",
  params: jobParams,
};

const DELETED = { 204: { description: 'deleted', type: 'null' } };

export const uploadDelete = {
  tags: ['uploads'],
  summary: 'Delete an upload (refused while an unfinished job uses it)',
  params: uploadParams,
  response: { ...DELETED, ...errors(400, 404, 409) },
};

export const jobDelete = {
  tags: ['jobs'],
  summary: 'Delete a job and its files (cancelling it if it still runs)',
  params: jobParams,
  response: { ...DELETED, ...errors(400, 404) },
};
