// Reranking on OpenAI-compatible servers: `POST {baseUrl}/rerank` with {model, query, documents, top_n},
// answered with {results: [{index, relevance_score}], usage}. vLLM, llama.cpp's server, Jina and Together
// speak it (Cohere's v2 API too); OpenAI itself has no reranking endpoint and answers 404.

import type { RerankRequest, RerankResponse } from '../../core/index.js';
import { bestFirstRerankResults } from '../rerank-results.js';
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
  const results = bestFirstRerankResults(
    provider,
    request.documents.length,
    body.results.map(({ index, relevance_score }) => ({ index, relevanceScore: relevance_score })),
  );
  return { results, usage: { inputTokens: body.usage?.total_tokens ?? body.usage?.prompt_tokens ?? 0 } };
}
