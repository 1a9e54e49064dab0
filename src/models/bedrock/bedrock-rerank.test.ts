// Rerank through the Bedrock Agent Runtime's wire format, against a scripted server: the exact request
// (path, SigV4 for service bedrock, body with inline documents and the model's ARN), results best first,
// and the errors.

import { describe, expect, it } from 'vitest';
import { bedrockErrorAnswer, scriptedBedrock } from './test-support.js';

const bedrock = scriptedBedrock((url) => ({
  region: 'us-west-2',
  endpoint: 'https://bedrock-runtime.invalid',
  agentRuntimeEndpoint: url,
}));

describe('Bedrock rerank', () => {
  it('posts the Agent Runtime Rerank request, signed, and returns the results best first', async () => {
    bedrock.server.enqueue({
      body: {
        results: [
          { index: 2, relevanceScore: 0.2 },
          { index: 0, relevanceScore: 0.91 },
        ],
      },
      headers: { 'content-type': 'application/json' },
    });
    const response = await bedrock.provider.rerank!({
      modelId: 'amazon.rerank-v1:0',
      query: 'flooded basement',
      documents: ['basement flooded twice', 'kitchen fire', 'flooded road'],
      topN: 2,
    });
    const request = bedrock.server.lastRequest();
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
    bedrock.server.enqueue({ body: { results: [] } });
    await bedrock.provider.rerank!({ modelId: arn, query: 'q', documents: ['a'] });
    expect(
      (
        bedrock.server.lastRequest().json as {
          rerankingConfiguration: { bedrockRerankingConfiguration: unknown };
        }
      ).rerankingConfiguration.bedrockRerankingConfiguration,
    ).toMatchObject({ modelConfiguration: { modelArn: arn } });
    bedrock.server.enqueue(
      bedrockErrorAnswer(400, 'ValidationException', 'The provided model identifier is invalid.'),
    );
    await expect(
      bedrock.provider.rerank!({ modelId: 'nope', query: 'q', documents: ['a'] }),
    ).rejects.toMatchObject({
      name: 'LakegateError',
      message: expect.stringContaining('model identifier is invalid'),
    });
    bedrock.server.enqueue({ body: { results: [{ index: 3, relevanceScore: 1 }] } });
    await expect(
      bedrock.provider.rerank!({ modelId: 'm', query: 'q', documents: ['a'] }),
    ).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_BAD_RESPONSE',
    });
    // Nothing to rerank is no call at all.
    const before = bedrock.server.requests.length;
    expect(await bedrock.provider.rerank!({ modelId: 'm', query: 'q', documents: [] })).toEqual({
      results: [],
      usage: { inputTokens: 0 },
    });
    expect(bedrock.server.requests.length).toBe(before);
  });
});
