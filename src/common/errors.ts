/**
 * The one error type of Kanary. Every failure that reaches a user carries a code from this closed set, so the
 * HTTP API and the CLI map it to a status and an exit code through one table (see `httpStatusOf`, `exitCodeOf`).
 * Messages name the object, the field, the value, and what to do next.
 */
export const ERROR_CODES = {
  /** A manifest or request body does not satisfy the schema or Argo's validation rules. HTTP 400. */
  INVALID_SPEC: 400,
  /** The command line or request is malformed (unknown flag, missing argument). HTTP 400. */
  BAD_USAGE: 400,
  /** A condition expression does not parse or type-check. HTTP 400. */
  EXPRESSION_ERROR: 400,
  /** The caller gave no or a wrong bearer token. HTTP 401. */
  UNAUTHORIZED: 401,
  /** The named object does not exist. HTTP 404. */
  NOT_FOUND: 404,
  /** The object already exists (create) . HTTP 409. */
  ALREADY_EXISTS: 409,
  /** Optimistic concurrency: the object changed since it was read. HTTP 409. */
  CONFLICT: 409,
  /** A watch asked to resume from a version the store no longer keeps; list again and watch from there. HTTP 410. */
  GONE: 410,
  /** The feature is declared by Argo but Kanary does not run it yet. HTTP 422. */
  NOT_SUPPORTED: 422,
  /** A metric provider could not be reached or answered with an error. HTTP 502. */
  PROVIDER_UNAVAILABLE: 502,
  /** A wait ran out of time. HTTP 504. */
  TIMEOUT: 504,
  /** A bug or an unexpected failure. HTTP 500. */
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class KanaryError extends Error {
  override readonly name = 'KanaryError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Normalises anything thrown into a KanaryError; used at every boundary (API handlers, CLI actions). */
export function toKanaryError(err: unknown): KanaryError {
  if (err instanceof KanaryError) return err;
  if (err instanceof Error) return new KanaryError('INTERNAL', err.message, { cause: err });
  return new KanaryError('INTERNAL', String(err));
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** CLI exit codes: 1 for a failed check or operation, 2 for bad usage, as most Unix tools do. */
export function exitCodeOf(code: ErrorCode): number {
  return code === 'BAD_USAGE' ? 2 : 1;
}
