// Exact k-NN for cosine indexes, ranked by the store's int16 sketch (int16-sketch.ts) and decided by the
// float32 rows: every candidate is scored again with the JS kernel, so results, scores and tie order are
// exactly the JS scan's. Two passes over the sketch scores:
//   1. the k best rows by sketch score (live, passing the predicate); let t be the k-th of them;
//   2. every live passing row with a sketch score ≥ t − 2·bound, re-scored and cut to k.
// Why that is exact: the k rows of pass 1 have exact scores ≥ t − bound, so the true k-th exact score is at
// least that, and any row that belongs in the answer (or ties with it) has a sketch score ≥ t − 2·bound.
// Near-equal rows only make pass 2 collect more candidates; the full JS scan is never needed.

import { dot } from './distance-kernels.js';
import { SKETCH_SCALE, sketchErrorBound } from './int16-sketch.js';
import type { MetadataPredicate } from './metadata-filter.js';
import { TopK } from './top-k.js';
import type { VectorStore } from './vector-store.js';

/**
 * The k closest live records of a cosine store that pass `predicate`, best first; undefined when the store
 * has no sketch (the caller then scans). `query` is normalised.
 */
export function simdExactSearch(
  store: VectorStore,
  query: Float32Array,
  k: number,
  predicate: MetadataPredicate | undefined,
): Array<{ slot: number; score: number }> | undefined {
  if (k < 1) return undefined;
  const scores = store.sketchScores(query);
  if (scores === undefined) return undefined;
  const { slotCount, dimension, vectors } = store;
  const first = new TopK(k);
  // The entry threshold only moves when something is offered: kept in a local between offers.
  let threshold = Number.NEGATIVE_INFINITY;
  for (let slot = 0; slot < slotCount; slot++) {
    const score = scores[slot]!;
    if (score <= threshold || !store.isLive(slot)) continue;
    if (predicate === undefined || predicate(store.metadataAt(slot))) {
      first.offer(slot, score);
      threshold = first.threshold;
    }
  }
  const best = first.drain();
  const candidates: Array<{ slot: number; score: number }> = [];
  const rescore = (slot: number) => ({ slot, score: dot(vectors, slot * dimension, query, dimension) });
  if (best.length < k) {
    // Fewer than k rows pass at all: pass 1 holds every one of them.
    for (const { slot } of best) candidates.push(rescore(slot));
  } else {
    const cut = best[k - 1]!.score - Math.ceil(2 * sketchErrorBound(dimension) * SKETCH_SCALE ** 2);
    for (let slot = 0; slot < slotCount; slot++) {
      if (scores[slot]! < cut || !store.isLive(slot)) continue;
      if (predicate === undefined || predicate(store.metadataAt(slot))) candidates.push(rescore(slot));
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.slot - b.slot);
  return candidates.slice(0, k);
}
