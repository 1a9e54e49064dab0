// Rerank through the Bedrock Agent Runtime's wire format, against a scripted server: the exact request
// (path, SigV4 for service bedrock, body with inline documents and the model's ARN), results best first,
// and the errors.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ScriptedServer, startScriptedServer } from '../../../test/support/scripted-server.js';
import type { ModelProvider } from '../spec.js';
import { createBedrockProvider } from './index.js';

let server: ScriptedServer;
let provider: ModelProvider;

beforeEach(async () => {
  server = await startScriptedServer();
  provider = createBedrockProvider({
    name: 'bedrock',
    region: 'us-west-2',
    endpoint: 'https://bedrock-runtime.invalid',
    agentRuntimeEndpoint: server.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
});

afterEach(async () => {
  await provider.close?.();
  await server.close();
});

describe('Bedrock rerank', () => {
  it('posts the Agent Runtime Rerank request, signed, and returns the results best first', async () => {
    server.enqueue({
      body: {
        results: [
          { index: 2, relevanceScore: 0.2 },
          { index: 0, relevanceScore: 0.91 },
        ],
      },
      headers: { 'content-type': 'application/json' },
    });
    const response = await provider.rerank!({
      modelId: 'amazon.rerank-v1:0',
      query: 'flooded basement',
      documents: ['basement flooded twice', 'kitchen fire', 'flooded road'],
      topN: 2,
    });
    const request = server.lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/rerank');
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/bedrock\/aws4_request/,
    );
    expect(request.json).toEqual({
      queries: [{ type: 'TEXT', textQuery: { text: 'flooded basement' } }],
      sources: ['basement flooded twice', 'kitchen fire', 'flooded road'].map((text) => ({
        type: 'INLINE',
        inlineDocumentSource: { type: 'TEXT', textDocument: { text } },
      })),
      rerankingConfiguration: {
        type: 'BEDROCK_RERANKING_MODEL',
        bedrockRerankingConfiguration: {
          modelConfiguration: { modelArn: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0' },
          numberOfResults: 2,
        },
      },
    });
    expect(response).toEqual({
      results: [
        { index: 0, relevanceScore: 0.91 },
        { index: 2, relevanceScore: 0.2 },
      ],
      usage: { inputTokens: 0 },
    });
  });

  it('keeps an ARN as it is, maps Bedrock errors, and refuses an impossible index', async () => {
    const arn = 'arn:aws:bedrock:eu-central-1::foundation-model/cohere.rerank-v3-5:0';
    server.enqueue({ body: { results: [] } });
    await provider.rerank!({ modelId: arn, query: 'q', documents: ['a'] });
    expect(
      (server.lastRequest().json as { rerankingConfiguration: { bedrockRerankingConfiguration: unknown } })
        .rerankingConfiguration.bedrockRerankingConfiguration,
    ).toMatchObject({ modelConfiguration: { modelArn: arn } });
    server.enqueue({
      status: 400,
      headers: {
        'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      },
      body: { message: 'The provided model identifier is invalid.' },
    });
    await expect(provider.rerank!({ modelId: 'nope', query: 'q', documents: ['a'] })).rejects.toMatchObject({
      name: 'LakegateError',
      message: expect.stringContaining('model identifier is invalid'),
    });
    server.enqueue({ body: { results: [{ index: 3, relevanceScore: 1 }] } });
    await expect(provider.rerank!({ modelId: 'm', query: 'q', documents: ['a'] })).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_BAD_RESPONSE',
    });
    // Nothing to rerank is no call at all.
    const before = server.requests.length;
    expect(await provider.rerank!({ modelId: 'm', query: 'q', documents: [] })).toEqual({
      results: [],
      usage: { inputTokens: 0 },
    });
    expect(server.requests.length).toBe(before);
  });
});
