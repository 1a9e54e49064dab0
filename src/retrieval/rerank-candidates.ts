// Candidates reordered by a reranking model (through the governed model-call port, as the caller):
// vector-index queries and knowledge-base retrieval both rerank what their first stage found this way.

import type { Actor } from '../catalog/index.js';
import type { ModelCallOptions, RetrievalModels } from './model-calls.js';

/**
 * The best `keep` candidates by the model's relevance to `query`, each with that relevance; ties keep the
 * first stage's order.
 */
export async function rerankCandidates<T>(
  models: RetrievalModels,
  actor: Actor,
  modelId: string,
  query: string,
  candidates: readonly T[],
  textOf: (candidate: T) => string,
  keep: number,
  options: ModelCallOptions = {},
): Promise<Array<{ candidate: T; score: number }>> {
  if (candidates.length === 0) return [];
  const scores = await models.rerank(actor, modelId, query, candidates.map(textOf), options);
  return candidates
    .map((candidate, i) => ({ candidate, score: scores[i] ?? Number.NEGATIVE_INFINITY, i }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, keep)
    .map(({ candidate, score }) => ({ candidate, score }));
}
