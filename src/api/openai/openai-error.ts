// Errors as OpenAI sends them: `{error:{message,type,param,code}}` with the matching status, so the
// openai package raises its own classes (BadRequestError, AuthenticationError, RateLimitError, ...).

import type { ErrorCode, LakegateError } from '../../core/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Surface } from '../http/route.js';

const TYPES: Record<ErrorCode, { type: string; code: string | null }> = {
  VALIDATION_FAILED: { type: 'invalid_request_error', code: null },
  PAYLOAD_TOO_LARGE: { type: 'invalid_request_error', code: 'request_too_large' },
  UNSUPPORTED_OPERATION: { type: 'invalid_request_error', code: 'unsupported_operation' },
  NOT_FOUND: { type: 'invalid_request_error', code: 'not_found' },
  ALREADY_EXISTS: { type: 'invalid_request_error', code: 'already_exists' },
  METHOD_NOT_ALLOWED: { type: 'invalid_request_error', code: 'method_not_allowed' },
  MODEL_NOT_FOUND: { type: 'invalid_request_error', code: 'model_not_found' },
  AUTH_UNAUTHENTICATED: { type: 'invalid_request_error', code: 'invalid_api_key' },
  AUTH_PERMISSION_DENIED: { type: 'permission_error', code: 'permission_denied' },
  REQUEST_CANCELLED: { type: 'invalid_request_error', code: 'request_cancelled' },
  QUERY_TIMEOUT: { type: 'timeout_error', code: 'query_timeout' },
  QUERY_OUT_OF_MEMORY: { type: 'invalid_request_error', code: 'query_out_of_memory' },
  MODEL_UPSTREAM_THROTTLED: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  RATE_LIMITED: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  BUDGET_EXCEEDED: { type: 'insufficient_quota', code: 'insufficient_quota' },
  LIMITS_UNAVAILABLE: { type: 'server_error', code: 'limits_unavailable' },
  MODEL_UPSTREAM_TIMEOUT: { type: 'server_error', code: 'upstream_timeout' },
  MODEL_UPSTREAM_UNAVAILABLE: { type: 'server_error', code: 'upstream_unavailable' },
  MODEL_UPSTREAM_ERROR: { type: 'server_error', code: 'upstream_error' },
  MODEL_UPSTREAM_AUTH: { type: 'server_error', code: 'upstream_auth_failed' },
  MODEL_UPSTREAM_BAD_RESPONSE: { type: 'server_error', code: 'upstream_bad_response' },
  MODEL_UPSTREAM_REJECTED: { type: 'invalid_request_error', code: 'upstream_rejected' },
  CONFIG_INVALID: { type: 'server_error', code: 'config_invalid' },
  INTERNAL: { type: 'server_error', code: 'internal_error' },
};

export function openaiErrorBody(error: LakegateError): { error: Record<string, unknown> } {
  const { type, code } = TYPES[error.code];
  const param = typeof error.details.param === 'string' ? error.details.param : null;
  return { error: { message: error.message, type, param, code } };
}

export const openaiSurface: Surface = {
  name: 'openai',
  writeError(ctx: RequestContext, error: LakegateError) {
    const headers: Record<string, string> = { 'x-request-id': ctx.requestId };
    if (error.retryAfterMs !== undefined)
      headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    // Upstream 424 means nothing to OpenAI clients; they expect 5xx for a failed dependency.
    const status = error.status === 424 ? 502 : error.status;
    sendJson(ctx.res, status, openaiErrorBody(error), headers);
  },
};
