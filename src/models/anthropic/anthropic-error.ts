// Anthropic's own error shape, {type:'error', error:{type, message}}, both as an HTTP error body and as an
// `error` event in the middle of a stream (which arrives after a 200, so only its type says what failed).

import type { ErrorCode } from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import type { ErrorMessageOf } from '../http/index.js';
import { anthropicErrorBodySchema } from './anthropic-schemas.js';

export const anthropicErrorMessage: ErrorMessageOf = (body) => {
  const parsed = anthropicErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { type, message } = parsed.data.error;
  return message ? `${type}: ${message}` : type;
};

const STREAM_ERRORS: Record<string, { code: ErrorCode; retryable: boolean }> = {
  overloaded_error: { code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true },
  rate_limit_error: { code: 'MODEL_UPSTREAM_THROTTLED', retryable: true },
  api_error: { code: 'MODEL_UPSTREAM_ERROR', retryable: true },
  timeout_error: { code: 'MODEL_UPSTREAM_TIMEOUT', retryable: true },
  invalid_request_error: { code: 'MODEL_UPSTREAM_REJECTED', retryable: false },
  request_too_large: { code: 'MODEL_UPSTREAM_REJECTED', retryable: false },
  billing_error: { code: 'MODEL_UPSTREAM_REJECTED', retryable: false },
  authentication_error: { code: 'MODEL_UPSTREAM_AUTH', retryable: false },
  permission_error: { code: 'MODEL_UPSTREAM_AUTH', retryable: false },
  not_found_error: { code: 'MODEL_NOT_FOUND', retryable: false },
};

export function anthropicStreamError(
  provider: string,
  error: { type: string; message?: string | null | undefined },
): LakegateError {
  // An error type we do not know yet is most likely a transient server-side failure.
  const mapped = STREAM_ERRORS[error.type] ?? { code: 'MODEL_UPSTREAM_ERROR', retryable: true };
  return new LakegateError(
    mapped.code,
    `${provider} failed mid-stream: ${error.type}${error.message ? `: ${error.message}` : ''}`,
    { retryable: mapped.retryable, details: { provider, errorType: error.type } },
  );
}
