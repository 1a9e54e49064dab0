// Brute-force k-nearest-neighbour search: one pass over the store's contiguous Float32Array with a
// four-way unrolled inner loop (V8 keeps the four accumulators in registers and the loads sequential).
// Exact by definition, so it is both the small-index path and the ground truth ANN recall is measured
// against. The metadata predicate runs during the scan, so a filtered query always returns k hits when k
// matching records exist.

import type { MetadataPredicate } from './metadata-filter.js';
import { TopK } from './top-k.js';
import type { VectorMetric } from './vector-engine.js';
import type { VectorStore } from './vector-store.js';

export function dot(a: Float32Array, aOffset: number, b: Float32Array, dimension: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dimension; i += 4) {
    s0 += a[aOffset + i]! * b[i]!;
    s1 += a[aOffset + i + 1]! * b[i + 1]!;
    s2 += a[aOffset + i + 2]! * b[i + 2]!;
    s3 += a[aOffset + i + 3]! * b[i + 3]!;
  }
  for (; i < dimension; i++) s0 += a[aOffset + i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

export function squaredL2(a: Float32Array, aOffset: number, b: Float32Array, dimension: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dimension; i += 4) {
    const d0 = a[aOffset + i]! - b[i]!;
    const d1 = a[aOffset + i + 1]! - b[i + 1]!;
    const d2 = a[aOffset + i + 2]! - b[i + 2]!;
    const d3 = a[aOffset + i + 3]! - b[i + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < dimension; i++) {
    const d = a[aOffset + i]! - b[i]!;
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

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
  const top = new TopK(k);
  const { vectors, dimension, metric, slotCount } = store;
  const l2 = metric === 'l2';
  for (let slot = 0, offset = 0; slot < slotCount; slot++, offset += dimension) {
    if (!store.isLive(slot)) continue;
    const value = l2 ? -squaredL2(vectors, offset, query, dimension) : dot(vectors, offset, query, dimension);
    if (value <= top.threshold) continue;
    if (predicate !== undefined && !predicate(store.metadataAt(slot))) continue;
    top.offer(slot, value);
  }
  return top.drain();
}
