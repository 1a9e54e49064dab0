// One base error for the whole project. Each HTTP surface maps `code` to its own wire shape in one place.

export type ErrorCategory = 'user' | 'policy' | 'upstream' | 'system';

/** Every stable error code, with its category and the HTTP status it means on any surface. */
export const ERROR_CODES = {
  VALIDATION_FAILED: { category: 'user', status: 400 },
  PAYLOAD_TOO_LARGE: { category: 'user', status: 413 },
  NOT_FOUND: { category: 'user', status: 404 },
  ALREADY_EXISTS: { category: 'user', status: 409 },
  METHOD_NOT_ALLOWED: { category: 'user', status: 405 },
  MODEL_NOT_FOUND: { category: 'user', status: 404 },
  UNSUPPORTED_OPERATION: { category: 'user', status: 400 },
  AUTH_UNAUTHENTICATED: { category: 'policy', status: 401 },
  AUTH_PERMISSION_DENIED: { category: 'policy', status: 403 },
  REQUEST_CANCELLED: { category: 'user', status: 499 },
  QUERY_TIMEOUT: { category: 'user', status: 408 },
  /** A query needed more memory than the data engine's limit allows (and could not spill). */
  QUERY_OUT_OF_MEMORY: { category: 'user', status: 400 },
  /** A gateway rate limit or provisioned-concurrency pool of ours is full; `retryAfterMs` says when to retry. */
  RATE_LIMITED: { category: 'policy', status: 429 },
  /** A blocking spend budget is used up until its period renews (429 like OpenAI's `insufficient_quota`). */
  BUDGET_EXCEEDED: { category: 'policy', status: 429 },
  /** The shared limits store (Redis) cannot be reached and limits are configured to fail closed. */
  LIMITS_UNAVAILABLE: { category: 'system', status: 503 },
  MODEL_UPSTREAM_THROTTLED: { category: 'upstream', status: 429 },
  MODEL_UPSTREAM_TIMEOUT: { category: 'upstream', status: 408 },
  MODEL_UPSTREAM_UNAVAILABLE: { category: 'upstream', status: 503 },
  MODEL_UPSTREAM_ERROR: { category: 'upstream', status: 424 },
  MODEL_UPSTREAM_REJECTED: { category: 'upstream', status: 400 },
  MODEL_UPSTREAM_AUTH: { category: 'upstream', status: 424 },
  MODEL_UPSTREAM_BAD_RESPONSE: { category: 'upstream', status: 424 },
  CONFIG_INVALID: { category: 'system', status: 500 },
  INTERNAL: { category: 'system', status: 500 },
} as const satisfies Record<string, { category: ErrorCategory; status: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface LakegateErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Whether repeating the same call may succeed (upstream throttling, 5xx, timeouts, resets). */
  retryable?: boolean;
  /** How long the upstream asked us to wait before retrying, from its `retry-after`. */
  retryAfterMs?: number;
  /** HTTP status the upstream answered with, when the error came from one. */
  upstreamStatus?: number;
}

export class LakegateError extends Error {
  override readonly name = 'LakegateError';
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(code: ErrorCode, message: string, options: LakegateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = ERROR_CODES[code].category;
    this.status = ERROR_CODES[code].status;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
  }
}

export function isLakegateError(error: unknown): error is LakegateError {
  return error instanceof LakegateError;
}

/** Any thrown value as a LakegateError; unknown errors become INTERNAL without leaking their message. */
export function toLakegateError(error: unknown): LakegateError {
  if (error instanceof LakegateError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new LakegateError('REQUEST_CANCELLED', 'The request was cancelled.', { cause: error });
  }
  return new LakegateError('INTERNAL', 'An internal error occurred.', { cause: error });
}

export function validationError(message: string, details?: Record<string, unknown>): LakegateError {
  return new LakegateError('VALIDATION_FAILED', message, details ? { details } : {});
}
