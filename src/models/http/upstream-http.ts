// The one way adapters talk HTTP to a provider: pooled keep-alive connections (undici), bodies read
// once, and every failure — connection, status, malformed body — turned into a LakegateError with
// `retryable` set the way the router needs it.

import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { LakegateError, safeParseJson, withProperty } from '../../core/index.js';
import type { CallOptions, Cancellation } from '../spec.js';
import type { PoolSettings } from './http1-connection-pool.js';
import { parseRetryAfterMs } from './retry-after.js';
import { undiciErrors, undiciRequest } from './undici-parts.js';
import { UpstreamAgent } from './upstream-agent.js';

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface UpstreamRequest {
  url: string;
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal | undefined;
  /** Followed instead of `signal` by the buffered and streamed calls (see Cancellation). */
  cancellation?: Cancellation | undefined;
}

export interface UpstreamResponse {
  status: number;
  headers: HeaderMap;
  body: Dispatcher.ResponseData['body'];
}

/** A request as an adapter builds it, without its cancellation: the call adds the caller's. */
export type ProviderRequest = Omit<UpstreamRequest, 'signal' | 'cancellation'>;

/**
 * The request with the caller's cancellation: its Cancellation when it has one (followed without an
 * AbortSignal), else its signal.
 */
export function withCancellation(request: ProviderRequest, call: CallOptions | undefined): UpstreamRequest {
  return call?.cancellation
    ? withProperty(request, 'cancellation', call.cancellation)
    : withProperty(request, 'signal', call?.signal);
}

/** Extracts the provider's own error message from its error body, if it has the provider's shape. */
export type ErrorMessageOf = (body: unknown) => string | undefined;

export const UPSTREAM_AGENT_SETTINGS: Readonly<PoolSettings> = {
  connectionsPerOrigin: 256,
  connectTimeoutMs: 10_000,
  keepAliveSeconds: 30,
  keepAliveMaxSeconds: 600,
  // undici's default headers and body timeouts; the router's attempt timeout is usually shorter.
  responseIdleSeconds: 300,
};

export function createUpstreamAgent(): UpstreamAgent {
  return new UpstreamAgent(UPSTREAM_AGENT_SETTINGS);
}

/** Whether an HTTP status is a success (2xx). */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The error a non-2xx answer read whole means (see upstreamStatusError). */
export function answerError(
  provider: string,
  answer: { status: number; headers: HeaderMap; text: string },
  messageOf: ErrorMessageOf,
): LakegateError {
  return upstreamStatusError(provider, answer.status, answer.headers, answer.text, messageOf);
}

export function connectionError(provider: string, error: unknown): LakegateError {
  if (
    error instanceof Error &&
    (error.name === 'AbortError' || error instanceof undiciErrors.RequestAbortedError)
  ) {
    return new LakegateError('REQUEST_CANCELLED', `The call to ${provider} was cancelled.`, { cause: error });
  }
  const timeout =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError;
  return new LakegateError(
    timeout ? 'MODEL_UPSTREAM_TIMEOUT' : 'MODEL_UPSTREAM_UNAVAILABLE',
    `Could not reach ${provider}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error, retryable: true, details: { provider } },
  );
}

/** Where a URL sends a request: parsed once per URL, since adapters call the same few URLs again and again. */
export interface UpstreamTarget {
  origin: string;
  path: string;
}

const targets = new Map<string, UpstreamTarget>();
const MAX_TARGETS = 256;

export function upstreamTarget(url: string): UpstreamTarget {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

export async function sendUpstream(
  agent: Dispatcher,
  provider: string,
  request: UpstreamRequest,
): Promise<UpstreamResponse> {
  try {
    const { origin, path } = upstreamTarget(request.url);
    const response = await undiciRequest(agent, {
      origin,
      path,
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal ?? null,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  } catch (error) {
    throw connectionError(provider, error);
  }
}

export async function readBodyText(provider: string, response: UpstreamResponse): Promise<string> {
  try {
    return await response.body.text();
  } catch (error) {
    throw connectionError(provider, error);
  }
}

export async function readBodyBytes(provider: string, response: UpstreamResponse): Promise<Uint8Array> {
  try {
    return new Uint8Array(await response.body.arrayBuffer());
  } catch (error) {
    throw connectionError(provider, error);
  }
}

/**
 * Parses and validates a JSON body already read. `isCommon`, when given, recognises the usual shape of
 * the body without running the schema; it must only accept what the schema accepts unchanged.
 */
export function parseJsonText<T>(
  provider: string,
  text: string,
  schema: z.ZodType<T>,
  isCommon?: (value: unknown) => value is T,
): T {
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    throw new LakegateError('MODEL_UPSTREAM_BAD_RESPONSE', `${provider} returned a body that is not JSON.`, {
      details: { provider, parseError: parsed.error },
      retryable: true,
    });
  }
  if (isCommon?.(parsed.value)) return parsed.value;
  const result = schema.safeParse(parsed.value);
  if (!result.success) {
    throw new LakegateError(
      'MODEL_UPSTREAM_BAD_RESPONSE',
      `${provider} returned a response of unexpected shape.`,
      {
        details: {
          provider,
          issues: result.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
        },
      },
    );
  }
  return result.data;
}

/** The error a non-2xx upstream status means, with the provider's own message when its body has one. */
export function upstreamStatusError(
  provider: string,
  status: number,
  headers: HeaderMap,
  bodyText: string,
  messageOf: ErrorMessageOf,
): LakegateError {
  const parsed = safeParseJson(bodyText);
  const upstreamMessage = parsed.ok ? messageOf(parsed.value) : undefined;
  const message = `${provider} answered ${status}${upstreamMessage ? `: ${upstreamMessage}` : ''}`;
  const retryAfterMs = parseRetryAfterMs(headers);
  const common = {
    upstreamStatus: status,
    details: { provider, status },
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  if (status === 429)
    return new LakegateError('MODEL_UPSTREAM_THROTTLED', message, { ...common, retryable: true });
  if (status === 408)
    return new LakegateError('MODEL_UPSTREAM_TIMEOUT', message, { ...common, retryable: true });
  if (status === 401 || status === 403) return new LakegateError('MODEL_UPSTREAM_AUTH', message, common);
  if (status === 503 || status === 529)
    return new LakegateError('MODEL_UPSTREAM_UNAVAILABLE', message, { ...common, retryable: true });
  if (status >= 500)
    return new LakegateError('MODEL_UPSTREAM_ERROR', message, { ...common, retryable: true });
  if (status === 404) return new LakegateError('MODEL_NOT_FOUND', message, common);
  return new LakegateError('MODEL_UPSTREAM_REJECTED', message, common);
}

/** Wraps a failure while reading a streamed body (connection reset mid-stream) as a LakegateError. */
export function streamReadError(provider: string, error: unknown): LakegateError {
  if (error instanceof LakegateError) return error;
  return connectionError(provider, error);
}
