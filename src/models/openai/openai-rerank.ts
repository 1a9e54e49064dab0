// Reranking on OpenAI-compatible servers: `POST {baseUrl}/rerank` with {model, query, documents, top_n},
// answered with {results: [{index, relevance_score}], usage}. vLLM, llama.cpp's server, Jina and Together
// speak it (Cohere's v2 API too); OpenAI itself has no reranking endpoint and answers 404.

import { LakegateError, type RerankRequest, type RerankResponse } from '../../core/index.js';
import type { RerankResponseBody } from './openai-schemas.js';

export function buildRerankBody(request: RerankRequest): Record<string, unknown> {
  return {
    model: request.modelId,
    query: request.query,
    documents: request.documents,
    ...(request.topN === undefined ? {} : { top_n: request.topN }),
  };
}

export function parseRerank(
  provider: string,
  request: RerankRequest,
  body: RerankResponseBody,
): RerankResponse {
  const seen = new Set<number>();
  for (const { index } of body.results) {
    if (index < 0 || index >= request.documents.length || seen.has(index)) {
      throw new LakegateError(
        'MODEL_UPSTREAM_BAD_RESPONSE',
        `${provider} returned unusable rerank results: index ${index} for ${request.documents.length} documents.`,
        { details: { provider } },
      );
    }
    seen.add(index);
  }
  // Best first, whatever order the server answered in.
  const results = body.results
    .map(({ index, relevance_score }) => ({ index, relevanceScore: relevance_score }))
    .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
  const inputTokens = body.usage?.total_tokens ?? body.usage?.prompt_tokens ?? 0;
  return { results, usage: { inputTokens } };
}
