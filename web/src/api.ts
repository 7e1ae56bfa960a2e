/**
 * The studio's client of the Zhiyin API (/api/v1): JSON requests, uploads, jobs followed by
 * Server-Sent Events (read with fetch, so the API token can travel in a header), files as blobs.
 * Every failure becomes an ApiError carrying the server's code and readable message.
 */

export interface Upload {
  id: string;
  name: string;
  kind: 'audio' | 'score' | 'project';
  format: string;
  bytes: number;
  seconds: number | null;
  createdAt: string;
}

export interface Job {
  id: string;
  kind: string;
  params: unknown;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: number;
  stage: string;
  result: { summary: unknown; files: { name: string; type: string; bytes: number }[] } | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const tokenStore = {
  get: () => localStorage.getItem('zhiyin-token') ?? '',
  set: (t: string) => localStorage.setItem('zhiyin-token', t),
};

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = tokenStore.get();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function check(res: Response): Promise<Response> {
  if (res.ok) return res;
  let code = 'HTTP_' + res.status;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { code: string; message: string } };
    if (body.error) ({ code, message } = body.error);
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(code, message, res.status);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await check(await fetch(`/api/v1${path}`, { headers: headers() }));
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await check(
    await fetch(`/api/v1${path}`, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    }),
  );
  return (await res.json()) as T;
}

/** POSTs JSON and returns the answer's bytes (adaptations as files). */
export async function postForBlob(path: string, body: unknown): Promise<Blob> {
  const res = await check(
    await fetch(`/api/v1${path}`, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    }),
  );
  return res.blob();
}

export async function getBlob(path: string): Promise<Blob> {
  const res = await check(await fetch(`/api/v1${path}`, { headers: headers() }));
  return res.blob();
}

export async function del(path: string): Promise<void> {
  await check(await fetch(`/api/v1${path}`, { method: 'DELETE', headers: headers() }));
}

export async function uploadFile(file: File): Promise<Upload> {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await check(
    await fetch('/api/v1/uploads', { method: 'POST', headers: headers(), body: form }),
  );
  return (await res.json()) as Upload;
}

export const listUploads = async () => (await getJson<{ uploads: Upload[] }>('/uploads')).uploads;

/**
 * Submits a job and follows it to its end through Server-Sent Events; `onUpdate` sees each
 * state. Resolves with the ended job (done, failed or cancelled).
 */
export async function runJob(
  kind: string,
  params: unknown,
  onUpdate: (job: Job) => void,
): Promise<Job> {
  const job = await postJson<Job>(`/jobs/${kind}`, params);
  onUpdate(job);
  return followJob(job.id, onUpdate);
}

export async function followJob(id: string, onUpdate: (job: Job) => void): Promise<Job> {
  const res = await check(await fetch(`/api/v1/jobs/${id}/events`, { headers: headers() }));
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let last: Job | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (!data) continue;
      last = JSON.parse(data) as Job;
      onUpdate(last);
    }
  }
  return last ?? (await getJson<Job>(`/jobs/${id}`));
}

/** A blob URL of a finished job's file. */
export async function jobFileUrl(job: Job, name: string): Promise<string> {
  return URL.createObjectURL(await getBlob(`/jobs/${job.id}/files/${name}`));
}

export async function uploadUrl(id: string): Promise<string> {
  return URL.createObjectURL(await getBlob(`/uploads/${id}/content`));
}

/** A readable one-line message for any error. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}
