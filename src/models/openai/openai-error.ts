// The error shapes OpenAI and the compatible servers use, read in one place: OpenAI's
// `{error:{message,type,param,code}}`, vLLM's flat `{object:'error',message,type,code}`, and the bare
// `{error:'text'}` some small servers send.

import { isRecord, type LakegateError } from '../../core/index.js';
import { upstreamStatusError } from '../http/index.js';
import type { OpenAIErrorBody } from './openai-schemas.js';

export function openAIErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body['error'];
  if (typeof error === 'string') return error;
  if (isRecord(error) && typeof error['message'] === 'string') return error['message'];
  if (typeof body['message'] === 'string') return body['message'];
  return undefined;
}

const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_exceeded: 429,
  rate_limit_error: 429,
  insufficient_quota: 429,
  tokens: 429,
  requests: 429,
  server_error: 500,
  internal_error: 500,
  overloaded_error: 503,
  service_unavailable: 503,
  service_unavailable_error: 503,
};

/**
 * An error event inside a 2xx stream carries no HTTP status, so the status it would have had is read
 * from its code or type; the shared status mapping then decides the code and whether it is retryable.
 */
export function openAIStreamError(provider: string, error: OpenAIErrorBody): LakegateError {
  const status =
    (typeof error.code === 'number' && error.code >= 400 && error.code < 600 ? error.code : undefined) ??
    (typeof error.code === 'string' ? STATUS_BY_TYPE[error.code] : undefined) ??
    (error.type ? STATUS_BY_TYPE[error.type] : undefined) ??
    500;
  return upstreamStatusError(provider, status, {}, JSON.stringify({ error }), openAIErrorMessage);
}
