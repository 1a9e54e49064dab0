// The algorithm behind `local/rerank`: a lexical reranker, not a learned cross-encoder. It orders the
// candidates a first-stage search found by how well each one covers the query's words: BM25 with the
// statistics of the candidate set itself (a word most candidates share tells little), the share of the
// query's distinct terms the document contains, and how close together it has them (the smallest run of
// its words holding every matched query term). Synonyms with no shared letters do not meet: that is what
// a model-based reranker behind the same API is for.

import { Bm25Index } from './bm25.js';
import { contentTerms } from './tokenize.js';

const BM25_WEIGHT = 0.5;
const COVERAGE_WEIGHT = 0.3;
const PROXIMITY_WEIGHT = 0.2;

/**
 * The smallest window of `terms` holding every one of `wanted` that occurs in it, as matched / window
 * length (1 when they stand side by side; 0 when fewer than two are there to be close).
 */
function proximity(terms: readonly string[], wanted: ReadonlySet<string>): number {
  const present = new Set(terms.filter((term) => wanted.has(term)));
  if (present.size < 2) return 0;
  const counts = new Map<string, number>();
  let covered = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let right = 0, left = 0; right < terms.length; right++) {
    const term = terms[right]!;
    if (!present.has(term)) continue;
    counts.set(term, (counts.get(term) ?? 0) + 1);
    if (counts.get(term) === 1) covered++;
    while (covered === present.size) {
      best = Math.min(best, right - left + 1);
      const leaving = terms[left++]!;
      if (!present.has(leaving)) continue;
      counts.set(leaving, counts.get(leaving)! - 1);
      if (counts.get(leaving) === 0) covered--;
    }
  }
  return present.size / best;
}

/** Each document's relevance to the query, in [0, 1), in document order. */
export function lexicalRelevance(query: string, documents: readonly string[]): number[] {
  const queryTerms = new Set(contentTerms(query));
  if (queryTerms.size === 0) return documents.map(() => 0);
  const documentTerms = documents.map((document) => contentTerms(document));
  const bm25 = new Bm25Index(documentTerms).scores([...queryTerms]);
  return documentTerms.map((terms, i) => {
    const score = bm25[i] ?? 0;
    const coverage = new Set(terms.filter((term) => queryTerms.has(term))).size / queryTerms.size;
    return (
      BM25_WEIGHT * (score / (score + 1)) +
      COVERAGE_WEIGHT * coverage +
      PROXIMITY_WEIGHT * proximity(terms, queryTerms)
    );
  });
}
