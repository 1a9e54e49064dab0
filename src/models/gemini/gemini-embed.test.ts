import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ModelProvider } from '../spec.js';
import { createGeminiProvider } from './index.js';

const fixture = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createGeminiProvider({ name: 'gemini', baseUrl: server.url, apiVersion: 'v1', apiKey: 'k' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

describe('gemini embed', () => {
  it('sends one batchEmbedContents request with task type and dimensions', async () => {
    server.enqueue({ body: await fixture('batch-embed-contents.json') });
    const response = await provider.embed?.({
      modelId: 'gemini-embedding-001',
      inputs: ['Claim CLM-42 was approved.', 'Water damage in the kitchen'],
      inputType: 'search_document',
      dimensions: 4,
    });
    const request = server.lastRequest();
    expect(request.url).toBe('/v1/models/gemini-embedding-001:batchEmbedContents');
    expect(request.headers['x-goog-api-key']).toBe('k');
    expect(request.json).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'Claim CLM-42 was approved.' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          outputDimensionality: 4,
        },
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'Water damage in the kitchen' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          outputDimensionality: 4,
        },
      ],
    });
    expect(response?.embeddings).toEqual([
      Float32Array.from([0.0123, -0.0456, 0.0789, 0.1011]),
      Float32Array.from([-0.0213, 0.0335, 0.0057, -0.0992]),
    ]);
    // Gemini reports no tokens here: ceil((26 + 27) chars / 4).
    expect(response?.usage).toEqual({ inputTokens: 14 });
  });

  it.each([
    ['search_query', 'RETRIEVAL_QUERY'],
    ['classification', 'CLASSIFICATION'],
    ['clustering', 'CLUSTERING'],
  ] as const)('maps input type %s to %s', async (inputType, taskType) => {
    server.enqueue({ body: { embeddings: [{ values: [1, 0] }] } });
    await provider.embed?.({ modelId: 'models/text-embedding-004', inputs: ['q'], inputType });
    expect(server.lastRequest().url).toBe('/v1/models/text-embedding-004:batchEmbedContents');
    expect(server.lastRequest().json).toEqual({
      requests: [{ model: 'models/text-embedding-004', content: { parts: [{ text: 'q' }] }, taskType }],
    });
  });

  it('rejects an answer with the wrong number of embeddings', async () => {
    server.enqueue({ body: { embeddings: [{ values: [1, 0] }] } });
    await expect(
      provider.embed?.({ modelId: 'gemini-embedding-001', inputs: ['a', 'b'] }),
    ).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_BAD_RESPONSE',
    });
  });

  it('maps an embedding error body', async () => {
    server.enqueue({
      status: 400,
      body: {
        error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' },
      },
    });
    await expect(provider.embed?.({ modelId: 'gemini-embedding-001', inputs: ['a'] })).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_REJECTED',
      upstreamStatus: 400,
    });
  });
});

describe('gemini countTokens', () => {
  it('counts bare contents', async () => {
    server.enqueue({ body: await fixture('count-tokens.json') });
    const response = await provider.countTokens?.({
      modelId: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'How many tokens is this?' }] }],
    });
    expect(server.lastRequest().url).toBe('/v1/models/gemini-2.5-flash:countTokens');
    expect(server.lastRequest().json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'How many tokens is this?' }] }],
    });
    expect(response).toEqual({ inputTokens: 31 });
  });

  it('counts the system instruction and tools inside a generateContentRequest', async () => {
    server.enqueue({ body: await fixture('count-tokens.json') });
    await provider.countTokens?.({
      modelId: 'gemini-2.5-flash',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      toolConfig: {
        tools: [
          { type: 'tool', name: 'f', inputSchema: { type: 'object', properties: { a: { type: 'string' } } } },
        ],
        toolChoice: { type: 'auto' },
      },
    });
    expect(server.lastRequest().json).toEqual({
      generateContentRequest: {
        model: 'models/gemini-2.5-flash',
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        tools: [
          {
            functionDeclarations: [
              { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } },
            ],
          },
        ],
      },
    });
  });
});
