import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import { LakegateError } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createAnthropicProvider } from './index.js';

const fixture = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const json = { 'content-type': 'application/json' };
const request = {
  modelId: 'claude-sonnet-4-5-20250929',
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] }],
};

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createAnthropicProvider({ name: 'anthropic', baseUrl: server.url, apiKey: 'sk-ant-test-key' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});

async function failure(): Promise<LakegateError> {
  const error = await provider.converse(request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LakegateError);
  return error as LakegateError;
}

describe('anthropic upstream errors', () => {
  it('429 is MODEL_UPSTREAM_THROTTLED, retryable, with retryAfterMs and the provider message', async () => {
    server.enqueue({
      status: 429,
      headers: { ...json, 'retry-after': '7' },
      body: await fixture('error-rate-limit.json'),
    });
    const error = await failure();
    expect(error).toMatchObject({
      code: 'MODEL_UPSTREAM_THROTTLED',
      retryable: true,
      retryAfterMs: 7000,
      upstreamStatus: 429,
    });
    expect(error.message).toContain('rate_limit_error: This request would exceed the rate limit');
  });

  it('500 api_error is MODEL_UPSTREAM_ERROR and retryable', async () => {
    server.enqueue({ status: 500, headers: json, body: await fixture('error-api.json') });
    expect(await failure()).toMatchObject({
      code: 'MODEL_UPSTREAM_ERROR',
      retryable: true,
      upstreamStatus: 500,
    });
  });

  it('503 is MODEL_UPSTREAM_UNAVAILABLE and retryable', async () => {
    server.enqueue({
      status: 503,
      headers: { 'content-type': 'text/html' },
      body: '<html>Service Unavailable</html>',
    });
    expect(await failure()).toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      retryable: true,
      upstreamStatus: 503,
    });
  });

  it('529 overloaded_error is MODEL_UPSTREAM_UNAVAILABLE and retryable', async () => {
    server.enqueue({ status: 529, headers: json, body: await fixture('error-overloaded.json') });
    const error = await failure();
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true, upstreamStatus: 529 });
    expect(error.message).toContain('overloaded_error: Overloaded');
  });

  it('400 invalid_request_error is MODEL_UPSTREAM_REJECTED, not retryable, with the provider message', async () => {
    server.enqueue({ status: 400, headers: json, body: await fixture('error-invalid-request.json') });
    const error = await failure();
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_REJECTED', retryable: false, upstreamStatus: 400 });
    expect(error.message).toContain('text content blocks must be non-empty');
  });

  it('401 authentication_error is MODEL_UPSTREAM_AUTH', async () => {
    server.enqueue({
      status: 401,
      headers: json,
      body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
    });
    expect(await failure()).toMatchObject({ code: 'MODEL_UPSTREAM_AUTH', retryable: false });
  });

  it('a 200 body that is not JSON is MODEL_UPSTREAM_BAD_RESPONSE', async () => {
    server.enqueue({ headers: json, body: '{"id":"msg_01","type":"message","content":[' });
    expect(await failure()).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('a 200 body of the wrong shape is MODEL_UPSTREAM_BAD_RESPONSE', async () => {
    server.enqueue({ headers: json, body: { type: 'message', role: 'assistant', stop_reason: 'end_turn' } });
    expect(await failure()).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('a malformed tool_use block is MODEL_UPSTREAM_BAD_RESPONSE rather than a silently dropped call', async () => {
    const body = JSON.parse(await fixture('message-tool-use.json')) as {
      content: Array<Record<string, unknown>>;
    };
    delete body.content[1]?.['id'];
    server.enqueue({ headers: json, body });
    expect(await failure()).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('a connection reset before any response is MODEL_UPSTREAM_UNAVAILABLE and retryable', async () => {
    server.enqueue({ reset: true });
    expect(await failure()).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('an aborted call is REQUEST_CANCELLED', async () => {
    server.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = provider.converse(request, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
  });
});
