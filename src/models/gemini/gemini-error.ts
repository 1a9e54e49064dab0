// Gemini errors are {error:{code,message,status,details}}. A 429 usually carries no retry-after
// header: the wait is a google.rpc.RetryInfo entry in `details`, as a protobuf duration ("37.5s").

import { isRecord, LakegateError, safeParseJson } from '../../core/index.js';
import { answerError, type HeaderMap, upstreamStatusError } from '../http/index.js';
import { geminiErrorBodySchema } from './gemini-response-schema.js';

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

// For in-stream errors that carry only the gRPC status name.
const STATUS_CODES: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

function errorOf(body: unknown) {
  // Without alt=sse, Gemini wraps errors in an array; accept both.
  const root = Array.isArray(body) ? body[0] : body;
  const parsed = geminiErrorBodySchema.safeParse(root);
  return parsed.success ? parsed.data.error : undefined;
}

export function geminiErrorMessage(body: unknown): string | undefined {
  const error = errorOf(body);
  if (!error?.message) return undefined;
  return error.status ? `${error.status}: ${error.message}` : error.message;
}

export function retryDelayMs(body: unknown): number | undefined {
  for (const detail of errorOf(body)?.details ?? []) {
    if (!isRecord(detail) || detail['@type'] !== RETRY_INFO_TYPE) continue;
    const delay = detail['retryDelay'];
    const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
    if (match?.[1]) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

function withRetryInfo(error: LakegateError, body: unknown): LakegateError {
  if (error.retryAfterMs !== undefined) return error;
  const retryAfterMs = retryDelayMs(body);
  if (retryAfterMs === undefined) return error;
  return new LakegateError(error.code, error.message, {
    details: error.details,
    retryable: error.retryable,
    retryAfterMs,
    ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
  });
}

/** The error a non-2xx answer means, with Gemini's own message and retry delay when its body has them. */
export function geminiAnswerError(
  provider: string,
  answer: { status: number; headers: HeaderMap; text: string },
): LakegateError {
  const error = answerError(provider, answer, geminiErrorMessage);
  const parsed = safeParseJson(answer.text);
  return withRetryInfo(error, parsed.ok ? parsed.value : undefined);
}

/** The error an in-stream `{error:{...}}` event means, or undefined when the event is not one. */
export function geminiStreamError(provider: string, body: unknown, text: string): LakegateError | undefined {
  const error = errorOf(body);
  if (!error) return undefined;
  const status = error.code ?? (error.status ? STATUS_CODES[error.status] : undefined) ?? 500;
  return withRetryInfo(upstreamStatusError(provider, status, {}, text, geminiErrorMessage), body);
}
