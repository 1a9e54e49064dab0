import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import { type ConverseRequest, LakegateError } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createOpenAIProvider } from './index.js';

const fixtureText = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const JSON_TYPE = { 'content-type': 'application/json' };

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createOpenAIProvider({ name: 'openai', baseUrl: server.url, apiKey: 'sk-test' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const ask: ConverseRequest = {
  modelId: 'gpt-4o',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};

async function failure(call: Promise<unknown>): Promise<LakegateError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LakegateError);
  return error as LakegateError;
}

describe('OpenAI errors', () => {
  it('maps 429 with retry-after to a retryable MODEL_UPSTREAM_THROTTLED with the provider message', async () => {
    server.enqueue({
      status: 429,
      headers: { ...JSON_TYPE, 'retry-after': '2' },
      body: await fixtureText('error-rate-limit.json'),
    });
    const error = await failure(provider.converse(ask));
    expect(error).toMatchObject({
      code: 'MODEL_UPSTREAM_THROTTLED',
      retryable: true,
      retryAfterMs: 2000,
      upstreamStatus: 429,
    });
    expect(error.message).toContain('Rate limit reached for gpt-4o');
  });

  it('prefers OpenAI retry-after-ms', async () => {
    server.enqueue({
      status: 429,
      headers: { ...JSON_TYPE, 'retry-after': '3', 'retry-after-ms': '2024' },
      body: await fixtureText('error-rate-limit.json'),
    });
    expect(await failure(provider.converse(ask))).toMatchObject({ retryAfterMs: 2024 });
  });

  it('maps 500 and 503 to retryable upstream errors', async () => {
    server.enqueue({ status: 500, headers: JSON_TYPE, body: await fixtureText('error-server.json') });
    const error500 = await failure(provider.converse(ask));
    expect(error500).toMatchObject({ code: 'MODEL_UPSTREAM_ERROR', retryable: true, upstreamStatus: 500 });
    expect(error500.message).toContain('The server had an error while processing your request.');

    server.enqueue({
      status: 503,
      headers: JSON_TYPE,
      body: { error: { message: 'Service Unavailable', type: 'server_error' } },
    });
    expect(await failure(provider.converse(ask))).toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      retryable: true,
    });
  });

  it('maps 400 invalid_request_error, 401 and 404 with their messages', async () => {
    server.enqueue({
      status: 400,
      headers: JSON_TYPE,
      body: await fixtureText('error-invalid-request.json'),
    });
    const rejected = await failure(provider.converse(ask));
    expect(rejected).toMatchObject({ code: 'MODEL_UPSTREAM_REJECTED', retryable: false });
    expect(rejected.message).toContain("Invalid type for 'messages[1].content'");

    server.enqueue({
      status: 401,
      body: {
        error: {
          message: 'Incorrect API key provided: sk-test.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
    });
    expect(await failure(provider.converse(ask))).toMatchObject({ code: 'MODEL_UPSTREAM_AUTH' });

    server.enqueue({
      status: 404,
      body: {
        error: {
          message: 'The model `gpt-9` does not exist or you do not have access to it.',
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      },
    });
    const missing = await failure(provider.converse(ask));
    expect(missing).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(missing.message).toContain('The model `gpt-9` does not exist');
  });

  it('reads the flat vLLM error shape and a bare string error', async () => {
    server.enqueue({
      status: 400,
      body: {
        object: 'error',
        message: "This model's maximum context length is 8192 tokens.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
    });
    expect((await failure(provider.converse(ask))).message).toContain('maximum context length is 8192');

    server.enqueue({ status: 400, body: { error: 'model "llama3" not found, try pulling it first' } });
    expect((await failure(provider.converse(ask))).message).toContain('try pulling it first');
  });

  it('maps a 200 body that is not JSON to a bad response', async () => {
    server.enqueue({ status: 200, headers: JSON_TYPE, body: '{"id":"chatcmpl-1","choices":[' });
    expect(await failure(provider.converse(ask))).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('maps a 200 body of the wrong shape to a bad response', async () => {
    server.enqueue({ body: { id: 'chatcmpl-1', choices: [{ index: 0, message: { content: 42 } }] } });
    expect(await failure(provider.converse(ask))).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('maps a connection reset before the answer to a retryable unavailable error', async () => {
    server.enqueue({ reset: true });
    expect(await failure(provider.converse(ask))).toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      retryable: true,
    });
  });

  it('maps an aborted call to REQUEST_CANCELLED', async () => {
    server.enqueue({ hang: true });
    const controller = new AbortController();
    const call = provider.converse(ask, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect(await failure(call)).toMatchObject({ code: 'REQUEST_CANCELLED' });
  });
});
