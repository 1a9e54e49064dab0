// Errors as Databricks Vector Search sends them: an HTTP status and `{error_code, message}` with
// Databricks' codes, mapped from ours in one place. A code with no mapping is our own bug or a system
// fault and says nothing about itself.

import type { ErrorCode, LakegateError } from '../../core/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Surface } from '../http/route.js';

const BY_CODE: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'INVALID_PARAMETER_VALUE',
  UNSUPPORTED_OPERATION: 'INVALID_PARAMETER_VALUE',
  PAYLOAD_TOO_LARGE: 'INVALID_PARAMETER_VALUE',
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  MODEL_NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  METHOD_NOT_ALLOWED: 'BAD_REQUEST',
  AUTH_UNAUTHENTICATED: 'UNAUTHENTICATED',
  AUTH_PERMISSION_DENIED: 'PERMISSION_DENIED',
  REQUEST_CANCELLED: 'CANCELLED',
  QUERY_TIMEOUT: 'DEADLINE_EXCEEDED',
  QUERY_OUT_OF_MEMORY: 'RESOURCE_EXHAUSTED',
  RATE_LIMITED: 'REQUEST_LIMIT_EXCEEDED',
  BUDGET_EXCEEDED: 'REQUEST_LIMIT_EXCEEDED',
  LIMITS_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  MODEL_UPSTREAM_THROTTLED: 'REQUEST_LIMIT_EXCEEDED',
  MODEL_UPSTREAM_TIMEOUT: 'DEADLINE_EXCEEDED',
  MODEL_UPSTREAM_UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  MODEL_UPSTREAM_ERROR: 'TEMPORARILY_UNAVAILABLE',
  MODEL_UPSTREAM_REJECTED: 'INVALID_PARAMETER_VALUE',
  MODEL_UPSTREAM_AUTH: 'TEMPORARILY_UNAVAILABLE',
  MODEL_UPSTREAM_BAD_RESPONSE: 'TEMPORARILY_UNAVAILABLE',
};

export function vectorSearchError(error: LakegateError): {
  status: number;
  body: { error_code: string; message: string };
} {
  const code = BY_CODE[error.code];
  if (!code)
    return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'An internal error occurred.' } };
  return { status: error.status, body: { error_code: code, message: error.message } };
}

export const vectorSearchSurface: Surface = {
  name: 'vector-search',
  writeError(ctx: RequestContext, error: LakegateError) {
    const { status, body } = vectorSearchError(error);
    sendJson(ctx.res, status, body, { 'x-request-id': ctx.requestId });
  },
};
