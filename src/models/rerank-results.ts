// What every reranking adapter does with a server's answer: each result must name a distinct document of
// the request, and they come back best first (ties in document order), whatever order the server used.

import { LakegateError } from '../core/index.js';

export interface RerankResult {
  index: number;
  relevanceScore: number;
}

export function bestFirstRerankResults(
  provider: string,
  documentCount: number,
  results: readonly RerankResult[],
): RerankResult[] {
  const seen = new Set<number>();
  for (const { index } of results) {
    if (!Number.isInteger(index) || index < 0 || index >= documentCount || seen.has(index)) {
      throw new LakegateError(
        'MODEL_UPSTREAM_BAD_RESPONSE',
        `${provider} returned unusable rerank results: index ${index} for ${documentCount} documents.`,
        { details: { provider } },
      );
    }
    seen.add(index);
  }
  return results
    .map(({ index, relevanceScore }) => ({ index, relevanceScore }))
    .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
}
