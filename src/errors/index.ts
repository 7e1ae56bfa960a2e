/**
 * The one error class of Zhiyin.
 *
 * Every failure a user can cause (a bad file, a wrong option, a missing tool) is a
 * `ZhiyinError` with a stable `code` and a one-line message that says what is wrong and
 * how to fix it. Surfaces map it: the CLI prints the message and exits with code 2, the
 * server answers 4xx with `{ error: { code, message } }`. Anything else that escapes is a
 * bug in Zhiyin and is reported as an internal error.
 */

/** Stable error codes. Add new ones at the end; never rename one. */
export type ErrorCode =
  /** An option or argument has a wrong value or type. */
  | 'INVALID_ARGUMENT'
  /** The input holds no data at all (zero bytes, no audio frames). */
  | 'EMPTY_INPUT'
  /** The input is not a format Zhiyin can read (or a variant of one it does not support). */
  | 'UNSUPPORTED_FORMAT'
  /** The input claims a known format but its contents are inconsistent or damaged. */
  | 'CORRUPT_DATA'
  /** The input ends before its own headers say it should. */
  | 'TRUNCATED'
  /** A configured bound (size, duration, channel count) would be exceeded. */
  | 'LIMIT_EXCEEDED'
  /** An external tool that this operation needs (e.g. ffmpeg) is not installed. */
  | 'MISSING_TOOL'
  /** Reading or writing a file failed (not found, permission, disk full). */
  | 'IO_ERROR';

/** An error caused by input or environment, with a stable code and an actionable message. */
export class ZhiyinError extends Error {
  override readonly name = 'ZhiyinError';
  readonly code: ErrorCode;

  /**
   * @param code stable machine-readable code
   * @param message one line: what is wrong, then how to fix it
   * @example throw new ZhiyinError('EMPTY_INPUT', 'song.wav is empty (0 bytes): check the upload.');
   */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * True when `error` is a {@link ZhiyinError}.
 * @example if (isZhiyinError(e) && e.code === 'MISSING_TOOL') suggestInstall();
 */
export function isZhiyinError(error: unknown): error is ZhiyinError {
  return error instanceof ZhiyinError;
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a finite number within [min, max].
 * @example requireInRange('sampleRate', 48000, 1, 4_000_000);
 */
export function requireInRange(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ZhiyinError(
      'INVALID_ARGUMENT',
      `${name} must be a number from ${min} to ${max}, got ${String(value)}.`,
    );
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is an integer within [min, max].
 * @example requireInteger('channels', 2, 1, 1024);
 */
export function requireInteger(name: string, value: number, min: number, max: number): void {
  requireInRange(name, value, min, max);
  if (!Number.isInteger(value)) {
    throw new ZhiyinError('INVALID_ARGUMENT', `${name} must be a whole number, got ${value}.`);
  }
}
