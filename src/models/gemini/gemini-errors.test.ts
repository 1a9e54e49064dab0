import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import { LakegateError } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createGeminiProvider } from './index.js';

const fixture = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const JSON_TYPE = { 'content-type': 'application/json; charset=UTF-8' };

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createGeminiProvider({ name: 'gemini', baseUrl: server.url, apiKey: 'secret-key' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const call = () =>
  provider
    .converse({
      modelId: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    })
    .then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(LakegateError);
        return error as LakegateError;
      },
    );

describe('gemini errors', () => {
  it('maps 429 RESOURCE_EXHAUSTED to a retryable throttle, waiting as RetryInfo says', async () => {
    server.enqueue({ status: 429, headers: JSON_TYPE, body: await fixture('error-429.json') });
    const error = await call();
    expect(error.code).toBe('MODEL_UPSTREAM_THROTTLED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(37512);
    expect(error.upstreamStatus).toBe(429);
    expect(error.message).toContain('RESOURCE_EXHAUSTED: You exceeded your current quota');
    expect(error.message).not.toContain('secret-key');
  });

  it('prefers a retry-after header when Gemini sends one', async () => {
    server.enqueue({
      status: 429,
      headers: { ...JSON_TYPE, 'retry-after': '3' },
      body: await fixture('error-429.json'),
    });
    const error = await call();
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_THROTTLED', retryable: true, retryAfterMs: 3000 });
  });

  it.each([
    [
      'error-400.json',
      400,
      'MODEL_UPSTREAM_REJECTED',
      false,
      'INVALID_ARGUMENT: * GenerateContentRequest.contents',
    ],
    ['error-403.json', 403, 'MODEL_UPSTREAM_AUTH', false, 'PERMISSION_DENIED: Method'],
    ['error-500.json', 500, 'MODEL_UPSTREAM_ERROR', true, 'INTERNAL: An internal error'],
    ['error-503.json', 503, 'MODEL_UPSTREAM_UNAVAILABLE', true, 'UNAVAILABLE: The model is overloaded'],
  ])('maps %s (%i) to %s', async (file, status, code, retryable, message) => {
    server.enqueue({ status, headers: JSON_TYPE, body: await fixture(file) });
    const error = await call();
    expect(error).toMatchObject({ code, retryable, upstreamStatus: status });
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain(message);
  });

  it('maps an unknown model (404) to MODEL_NOT_FOUND', async () => {
    server.enqueue({
      status: 404,
      body: {
        error: {
          code: 404,
          message:
            'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.',
          status: 'NOT_FOUND',
        },
      },
    });
    expect((await call()).code).toBe('MODEL_NOT_FOUND');
  });

  it('maps a 200 body that is not JSON to MODEL_UPSTREAM_BAD_RESPONSE', async () => {
    server.enqueue({ headers: JSON_TYPE, body: '{"candidates": [{"content": ' });
    expect((await call()).code).toBe('MODEL_UPSTREAM_BAD_RESPONSE');
  });

  it('maps a 200 body of the wrong shape to MODEL_UPSTREAM_BAD_RESPONSE', async () => {
    server.enqueue({ body: { candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] } });
    expect((await call()).code).toBe('MODEL_UPSTREAM_BAD_RESPONSE');
  });

  it('maps a reset connection to a retryable MODEL_UPSTREAM_UNAVAILABLE', async () => {
    server.enqueue({ reset: true });
    expect(await call()).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('cancels the upstream call when the caller aborts', async () => {
    server.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = provider.converse(
      { modelId: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
  });
});
