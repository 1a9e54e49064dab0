import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ModelProvider } from '../spec.js';
import { createOpenAIProvider } from './index.js';

const fixture = async (name: string): Promise<object> =>
  JSON.parse(await readFixture(new URL(`./fixtures/${name}`, import.meta.url)));

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createOpenAIProvider({ name: 'openai', baseUrl: `${server.url}/v1`, apiKey: 'sk-test' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

describe('OpenAI embeddings', () => {
  it('posts the batch with encoding_format float and returns float vectors and usage', async () => {
    server.enqueue({ body: await fixture('embeddings-float.json') });
    const response = await provider.embed!({
      modelId: 'text-embedding-3-small',
      inputs: ['claim approved', 'claim denied'],
      inputType: 'search_document',
    });
    const request = server.lastRequest();
    expect(request.url).toBe('/v1/embeddings');
    expect(request.headers['authorization']).toBe('Bearer sk-test');
    expect(request.json).toEqual({
      model: 'text-embedding-3-small',
      input: ['claim approved', 'claim denied'],
      encoding_format: 'float',
    });
    expect(response.usage).toEqual({ inputTokens: 13 });
    expect(response.embeddings).toHaveLength(2);
    expect(response.embeddings[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(response.embeddings[0]!)).toEqual(
      Array.from(Float32Array.from([0.0023064255, -0.009327292, 0.015797347, -0.0077780345])),
    );
    expect(Array.from(response.embeddings[1]!)).toEqual(
      Array.from(Float32Array.from([-0.012150184, 0.0054331017, 0.0267339, 0.0021183875])),
    );
  });

  it('sends dimensions and decodes base64 answers in index order', async () => {
    server.enqueue({ body: await fixture('embeddings-base64.json') });
    const response = await provider.embed!({
      modelId: 'text-embedding-3-large',
      inputs: ['a', 'b'],
      dimensions: 3,
    });
    expect(server.lastRequest().json).toEqual({
      model: 'text-embedding-3-large',
      input: ['a', 'b'],
      encoding_format: 'float',
      dimensions: 3,
    });
    expect(response.embeddings.map((e) => Array.from(e))).toEqual([
      [0.5, -0.25, 0.125],
      [1.5, -2, 0.0625],
    ]);
    expect(response.usage).toEqual({ inputTokens: 9 });
  });

  it('makes no call for an empty batch', async () => {
    expect(await provider.embed!({ modelId: 'text-embedding-3-small', inputs: [] })).toEqual({
      embeddings: [],
      usage: { inputTokens: 0 },
    });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a count mismatch or broken base64 as a bad response', async () => {
    server.enqueue({ body: await fixture('embeddings-float.json') });
    await expect(provider.embed!({ modelId: 'm', inputs: ['only one'] })).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_BAD_RESPONSE',
    });
    server.enqueue({
      body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: 'AAA=' }] },
    });
    await expect(provider.embed!({ modelId: 'm', inputs: ['x'] })).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_BAD_RESPONSE',
    });
  });

  it('maps error statuses like chat does', async () => {
    server.enqueue({
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        error: {
          message: 'Rate limit reached for text-embedding-3-small',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    });
    await expect(provider.embed!({ modelId: 'm', inputs: ['x'] })).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_THROTTLED',
      retryable: true,
      retryAfterMs: 1000,
    });
  });
});
