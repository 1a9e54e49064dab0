// Reranking on Bedrock: the Agent Runtime's Rerank operation (`POST /rerank` on
// bedrock-agent-runtime.<region>.amazonaws.com, signed for service `bedrock`), with the documents inline.
// A model id that is not an ARN names a foundation model of the provider's region
// (`amazon.rerank-v1:0`, `cohere.rerank-v3-5:0`). Rerank reports no token usage; Bedrock bills it per query.

import { z } from 'zod';
import type { RerankRequest, RerankResponse } from '../../core/index.js';
import { bestFirstRerankResults } from '../rerank-results.js';

export function rerankModelArn(modelId: string, region: string): string {
  return modelId.startsWith('arn:') ? modelId : `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

export function toBedrockRerankBody(request: RerankRequest, region: string): Record<string, unknown> {
  return {
    queries: [{ type: 'TEXT', textQuery: { text: request.query } }],
    sources: request.documents.map((text) => ({
      type: 'INLINE',
      inlineDocumentSource: { type: 'TEXT', textDocument: { text } },
    })),
    rerankingConfiguration: {
      type: 'BEDROCK_RERANKING_MODEL',
      bedrockRerankingConfiguration: {
        modelConfiguration: { modelArn: rerankModelArn(request.modelId, region) },
        numberOfResults: request.topN ?? request.documents.length,
      },
    },
  };
}

export const bedrockRerankResponseSchema = z.object({
  results: z.array(z.object({ index: z.number().int(), relevanceScore: z.number() })),
});

export function fromBedrockRerank(
  provider: string,
  request: RerankRequest,
  body: z.infer<typeof bedrockRerankResponseSchema>,
): RerankResponse {
  return {
    results: bestFirstRerankResults(provider, request.documents.length, body.results),
    usage: { inputTokens: 0 },
  };
}
