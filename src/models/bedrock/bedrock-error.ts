// Bedrock's error shapes, turned into LakegateErrors: HTTP error responses (type in `x-amzn-errortype` or
// `__type`, message in `{message}`) and the exception / error frames of an event stream.

import { isRecord, LakegateError, safeParseJson } from '../../core/index.js';
import { type HeaderMap, readBodyText, type UpstreamResponse, upstreamStatusError } from '../http/index.js';

function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The short exception name (`ThrottlingException`) from the `x-amzn-errortype` header
 * (`ThrottlingException:http://internal.amazon.com/...`) or the body's `__type` (`...#ThrottlingException`).
 */
export function bedrockErrorTypeOf(headers: HeaderMap, body: unknown): string | undefined {
  const fromHeader = headerValue(headers, 'x-amzn-errortype')?.split(':')[0]?.trim();
  if (fromHeader) return fromHeader;
  if (isRecord(body) && typeof body['__type'] === 'string') {
    const name = body['__type'].split('#').at(-1)?.split(':')[0]?.trim();
    if (name) return name;
  }
  return undefined;
}

export function bedrockMessageOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const message = body['message'] ?? body['Message'];
  return typeof message === 'string' ? message : undefined;
}

// Bedrock answers 424 for failures of the model itself; the generic mapping would call any 4xx a
// rejection of our request, but these are the model failing and a retry may well succeed.
const MODEL_FAILURES = new Set(['ModelErrorException', 'ModelStreamErrorException']);

/** The LakegateError for a non-2xx Bedrock answer read whole. */
export function bedrockAnswerError(
  provider: string,
  response: { status: number; headers: HeaderMap; text: string },
): LakegateError {
  const { text } = response;
  const parsed = safeParseJson(text);
  const errorType = bedrockErrorTypeOf(response.headers, parsed.ok ? parsed.value : undefined);
  const base = upstreamStatusError(provider, response.status, response.headers, text, bedrockMessageOf);
  const modelFailure = errorType !== undefined && MODEL_FAILURES.has(errorType);
  return new LakegateError(modelFailure ? 'MODEL_UPSTREAM_ERROR' : base.code, base.message, {
    details: errorType === undefined ? base.details : { ...base.details, errorType },
    retryable: modelFailure || base.retryable,
    ...(base.retryAfterMs === undefined ? {} : { retryAfterMs: base.retryAfterMs }),
    ...(base.upstreamStatus === undefined ? {} : { upstreamStatus: base.upstreamStatus }),
  });
}

/** The same for a response whose body is unread; consumes the body. */
export async function bedrockStatusError(
  provider: string,
  response: UpstreamResponse,
): Promise<LakegateError> {
  const text = await readBodyText(provider, response).catch(() => '');
  return bedrockAnswerError(provider, { status: response.status, headers: response.headers, text });
}

const STREAM_EXCEPTIONS = {
  throttlingException: { code: 'MODEL_UPSTREAM_THROTTLED', retryable: true },
  modelStreamErrorException: { code: 'MODEL_UPSTREAM_ERROR', retryable: true },
  validationException: { code: 'MODEL_UPSTREAM_REJECTED', retryable: false },
  serviceUnavailableException: { code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true },
  internalServerException: { code: 'MODEL_UPSTREAM_ERROR', retryable: true },
} as const;

/** A modeled exception frame (`:message-type exception`) in the middle of a stream. */
export function bedrockStreamException(
  provider: string,
  exceptionType: string,
  bodyText: string,
): LakegateError {
  const parsed = safeParseJson(bodyText);
  const upstreamMessage = parsed.ok ? bedrockMessageOf(parsed.value) : undefined;
  const known = Object.hasOwn(STREAM_EXCEPTIONS, exceptionType)
    ? STREAM_EXCEPTIONS[exceptionType as keyof typeof STREAM_EXCEPTIONS]
    : { code: 'MODEL_UPSTREAM_ERROR' as const, retryable: true };
  return new LakegateError(
    known.code,
    `${provider} stream failed with ${exceptionType}${upstreamMessage ? `: ${upstreamMessage}` : ''}`,
    { retryable: known.retryable, details: { provider, errorType: exceptionType } },
  );
}

/** An unmodeled error frame (`:message-type error` with `:error-code` / `:error-message`). */
export function bedrockStreamError(provider: string, errorCode: string, errorMessage: string): LakegateError {
  return new LakegateError(
    'MODEL_UPSTREAM_ERROR',
    `${provider} stream failed with ${errorCode}${errorMessage ? `: ${errorMessage}` : ''}`,
    { retryable: true, details: { provider, errorType: errorCode } },
  );
}

/** The error an exception or error frame stands for, or undefined for an ordinary event frame. */
export function failureOfFrame(
  provider: string,
  frame: { headers: Record<string, string>; body: Uint8Array },
): LakegateError | undefined {
  const messageType = frame.headers[':message-type'];
  if (messageType === 'exception') {
    const exceptionType = frame.headers[':exception-type'] ?? 'unknownException';
    return bedrockStreamException(provider, exceptionType, new TextDecoder().decode(frame.body));
  }
  if (messageType === 'error') {
    return bedrockStreamError(
      provider,
      frame.headers[':error-code'] ?? 'UnknownError',
      frame.headers[':error-message'] ?? '',
    );
  }
  return undefined;
}
