import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ModelProvider } from '../spec.js';
import { createBedrockProvider } from './index.js';
import { bedrockErrorAnswer } from './test-support.js';

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFixture(new URL(`./fixtures/${name}`, import.meta.url)));
}

function bodyOf(request: RecordedRequest): Record<string, unknown> {
  return request.json as Record<string, unknown>;
}

let server: ScriptedServer;
let provider: ModelProvider;

function makeProvider(embedConcurrency?: number): ModelProvider {
  return createBedrockProvider({
    name: 'bedrock',
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    ...(embedConcurrency === undefined ? {} : { embedConcurrency }),
  });
}

beforeEach(async () => {
  server = await startScriptedServer();
  provider = makeProvider();
});

afterEach(async () => {
  await provider.close?.();
  await server.close();
});

describe('Titan embeddings', () => {
  it('sends one InvokeModel call per text with dimensions and normalize', async () => {
    const titan = await fixture('titan-embed-v2.json');
    server.enqueue({ body: titan }, { body: { ...titan, embedding: [1, 2, 3, 4], inputTextTokenCount: 3 } });

    const response = await provider.embed!({
      modelId: 'amazon.titan-embed-text-v2:0',
      inputs: ['flood damage claim', 'theft'],
      dimensions: 256,
    });

    expect(server.requests.map((r) => r.url)).toEqual([
      '/model/amazon.titan-embed-text-v2%3A0/invoke',
      '/model/amazon.titan-embed-text-v2%3A0/invoke',
    ]);
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
    expect(server.requests[0]!.headers['accept']).toBe('application/json');
    expect(
      server.requests
        .map(bodyOf)
        .sort((a, b) => String(a['inputText']).localeCompare(String(b['inputText']))),
    ).toEqual([
      { inputText: 'flood damage claim', dimensions: 256, normalize: true },
      { inputText: 'theft', dimensions: 256, normalize: true },
    ]);
    expect(response.embeddings.map((e) => e.constructor.name)).toEqual(['Float32Array', 'Float32Array']);
    expect(response.usage).toEqual({ inputTokens: 10 });
  });

  it('keeps at most embedConcurrency calls in flight and the results in input order', async () => {
    await provider.close?.();
    provider = makeProvider(3);
    let inFlight = 0;
    let peak = 0;
    server.fallback = async (request) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 15));
      inFlight--;
      const n = Number(String(bodyOf(request)['inputText']).slice('text-'.length));
      return {
        headers: { 'x-amzn-bedrock-input-token-count': '2' },
        body: { embedding: [n, n / 2], inputTextTokenCount: 2 },
      };
    };
    const inputs = Array.from({ length: 10 }, (_, i) => `text-${i}`);

    const response = await provider.embed!({ modelId: 'amazon.titan-embed-text-v2:0', inputs });

    expect(peak).toBe(3);
    expect(response.embeddings.map((e) => Array.from(e))).toEqual(inputs.map((_, n) => [n, n / 2]));
    expect(response.usage.inputTokens).toBe(20);
  });

  it('sends Titan Text v1 only inputText and refuses dimensions without calling', async () => {
    server.enqueue({ body: { embedding: [0.5], inputTextTokenCount: 4 } });
    await provider.embed!({ modelId: 'amazon.titan-embed-text-v1', inputs: ['hello'] });
    expect(server.lastRequest().json).toEqual({ inputText: 'hello' });

    await expect(
      provider.embed!({ modelId: 'amazon.titan-embed-text-v1', inputs: ['hello'], dimensions: 256 }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
    expect(server.requests).toHaveLength(1);
  });

  it('fails the whole request when one call fails', async () => {
    const titan = await fixture('titan-embed-v2.json');
    server.enqueue({ body: titan }, bedrockErrorAnswer(429, 'ThrottlingException', 'Too many requests'), {
      body: titan,
    });
    await expect(
      provider.embed!({ modelId: 'amazon.titan-embed-text-v2:0', inputs: ['a', 'b', 'c'] }),
    ).rejects.toMatchObject({ code: 'MODEL_UPSTREAM_THROTTLED', retryable: true });
  });
});

describe('Cohere embeddings', () => {
  it('batches texts by 96 with input_type and float embeddings, counting tokens from the header', async () => {
    server.fallback = (request) => {
      const texts = bodyOf(request)['texts'] as string[];
      return {
        headers: { 'x-amzn-bedrock-input-token-count': String(texts.length * 3) },
        body: {
          embeddings: { float: texts.map((t) => [Number(t.slice(4)), 1]) },
          id: 'e5c1',
          response_type: 'embeddings_by_type',
          texts,
        },
      };
    };
    const inputs = Array.from({ length: 200 }, (_, i) => `doc ${i}`);

    const response = await provider.embed!({
      modelId: 'cohere.embed-english-v3',
      inputs,
      inputType: 'search_query',
    });

    expect(server.requests.map((r) => r.url)).toEqual(Array(3).fill('/model/cohere.embed-english-v3/invoke'));
    const bodies = server.requests
      .map(bodyOf)
      .sort((a, b) => (b['texts'] as string[]).length - (a['texts'] as string[]).length);
    expect(bodies.map((b) => (b['texts'] as string[]).length)).toEqual([96, 96, 8]);
    expect(bodies.find((b) => (b['texts'] as string[])[0] === 'doc 192')).toEqual({
      texts: inputs.slice(192),
      input_type: 'search_query',
      embedding_types: ['float'],
    });
    expect(response.embeddings.map((e) => e[0])).toEqual(inputs.map((_, i) => i));
    expect(response.usage).toEqual({ inputTokens: 600 });
  });

  it('reads both response shapes and defaults input_type to search_document', async () => {
    server.enqueue(
      {
        headers: { 'x-amzn-bedrock-input-token-count': '9' },
        body: await fixture('cohere-embed-by-type.json'),
      },
      {
        headers: { 'x-amzn-bedrock-input-token-count': '5' },
        body: await fixture('cohere-embed-floats.json'),
      },
    );

    const byType = await provider.embed!({
      modelId: 'arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-multilingual-v3',
      inputs: ['flood damage claim', 'theft from vehicle'],
    });
    const floats = await provider.embed!({
      modelId: 'cohere.embed-english-v3',
      inputs: ['water leak in kitchen'],
    });

    expect(server.requests[0]!.url).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fcohere.embed-multilingual-v3/invoke',
    );
    expect(server.requests[0]!.json).toEqual({
      texts: ['flood damage claim', 'theft from vehicle'],
      input_type: 'search_document',
      embedding_types: ['float'],
    });
    expect(byType.embeddings).toEqual([
      Float32Array.of(0.5, -0.25, 0.125),
      Float32Array.of(0.0625, 0.75, -0.5),
    ]);
    expect(byType.usage).toEqual({ inputTokens: 9 });
    expect(floats.embeddings).toEqual([Float32Array.of(0.25, 0.5, 0.75)]);
    expect(floats.usage).toEqual({ inputTokens: 5 });
  });

  it('sends output_dimension to Embed v4 only', async () => {
    server.enqueue({ body: await fixture('cohere-embed-floats.json') });
    await provider.embed!({
      modelId: 'us.cohere.embed-v4:0',
      inputs: ['water leak in kitchen'],
      dimensions: 512,
    });
    expect(server.lastRequest().json).toEqual({
      texts: ['water leak in kitchen'],
      input_type: 'search_document',
      embedding_types: ['float'],
      output_dimension: 512,
    });
    await expect(
      provider.embed!({ modelId: 'cohere.embed-english-v3', inputs: ['x'], dimensions: 512 }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
  });

  it('treats a count of embeddings that does not match the texts as a bad response', async () => {
    server.enqueue({ body: await fixture('cohere-embed-floats.json') });
    await expect(
      provider.embed!({ modelId: 'cohere.embed-english-v3', inputs: ['one', 'two'] }),
    ).rejects.toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });
});

describe('other models', () => {
  it('refuses embedding families it does not know, without calling', async () => {
    await expect(
      provider.embed!({ modelId: 'meta.llama3-8b-instruct-v1:0', inputs: ['x'] }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
    expect(server.requests).toHaveLength(0);
  });

  it('makes no call for an empty input list', async () => {
    const response = await provider.embed!({ modelId: 'amazon.titan-embed-text-v2:0', inputs: [] });
    expect(response).toEqual({ embeddings: [], usage: { inputTokens: 0 } });
    expect(server.requests).toHaveLength(0);
  });
});
