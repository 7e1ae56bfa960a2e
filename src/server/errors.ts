/**
 * The server's error answers: every failure is `{ error: { code, message } }` with a stable code
 * and an HTTP status, never a stack trace. Zhiyin's own codes (src/errors) map to 4xx; the server
 * adds its own (not found, unauthorised, rate limited, queue full …).
 */
import { isZhiyinError, type ErrorCode } from '../errors/index.js';

/** Codes only the server gives. Add new ones at the end; never rename one. */
export type ServerErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'RATE_LIMITED'
  | 'QUEUE_FULL'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CONFLICT'
  | 'INTERRUPTED'
  | 'INTERNAL'
  | 'FORBIDDEN';

export type ApiErrorCode = ErrorCode | ServerErrorCode;

const STATUS: Record<ApiErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  EMPTY_INPUT: 400,
  UNSUPPORTED_FORMAT: 415,
  CORRUPT_DATA: 422,
  TRUNCATED: 422,
  LIMIT_EXCEEDED: 413,
  MISSING_TOOL: 501,
  IO_ERROR: 500,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  QUEUE_FULL: 503,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFLICT: 409,
  INTERRUPTED: 500,
  INTERNAL: 500,
  FORBIDDEN: 403,
};

/** An error the server answers with: a code, a status and a one-line message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Extra headers, such as Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** The HTTP status for a code. */
export function statusOf(code: ApiErrorCode): number {
  return STATUS[code];
}

/** The answer's body for any error; unknown errors become INTERNAL without their details. */
export function errorBody(error: unknown): { status: number; code: ApiErrorCode; message: string } {
  if (error instanceof ApiError)
    return { status: error.status, code: error.code, message: error.message };
  if (isZhiyinError(error))
    return { status: STATUS[error.code], code: error.code, message: error.message };
  return {
    status: 500,
    code: 'INTERNAL',
    message: 'an internal error occurred; it has been logged on the server.',
  };
}
