// Brute-force k-nearest-neighbour search: one pass over the store's contiguous Float32Array with a
// four-way unrolled inner loop (V8 keeps the four accumulators in registers and the loads sequential).
// Exact by definition, so it is both the small-index path and the ground truth ANN recall is measured
// against. The metadata predicate runs during the scan, so a filtered query always returns k hits when k
// matching records exist. A cosine index whose vectors live in WebAssembly memory is searched through the
// SIMD scores instead (simd-exact-search.ts), which return exactly the scan's answer.

import { dot, squaredL2 } from './distance-kernels.js';
import type { MetadataPredicate } from './metadata-filter.js';
import { simdExactSearch } from './simd-exact-search.js';
import { TopK } from './top-k.js';
import type { VectorMetric } from './vector-engine.js';
import type { VectorStore } from './vector-store.js';

/** The public score of an internal closeness value (for l2, closeness is the negated squared distance). */
export function publicScore(metric: VectorMetric, closenessValue: number): number {
  return metric === 'l2' ? 1 / (1 - closenessValue) : closenessValue;
}

/** The k closest live records that pass `predicate`, best first. `query` is already normalised for cosine. */
export function exactSearch(
  store: VectorStore,
  query: Float32Array,
  k: number,
  predicate: MetadataPredicate | undefined,
): Array<{ slot: number; score: number }> {
  return simdExactSearch(store, query, k, predicate) ?? scanExactSearch(store, query, k, predicate);
}

/** The JS scan itself (the reference the native search is tested against). */
export function scanExactSearch(
  store: VectorStore,
  query: Float32Array,
  k: number,
  predicate: MetadataPredicate | undefined,
): Array<{ slot: number; score: number }> {
  const top = new TopK(k);
  const { vectors, dimension, metric, slotCount } = store;
  const l2 = metric === 'l2';
  let threshold = Number.NEGATIVE_INFINITY; // top.threshold, re-read only after an offer
  for (let slot = 0, offset = 0; slot < slotCount; slot++, offset += dimension) {
    if (!store.isLive(slot)) continue;
    const value = l2 ? -squaredL2(vectors, offset, query, dimension) : dot(vectors, offset, query, dimension);
    if (value <= threshold) continue;
    if (predicate !== undefined && !predicate(store.metadataAt(slot))) continue;
    top.offer(slot, value);
    threshold = top.threshold;
  }
  return top.drain();
}
