// The native exact search must return exactly what the JS scan returns (same slots, same scores, same tie
// order) or nothing; and it must actually answer the ordinary case, or it is dead weight.

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/index.js';
import { exactSearch, scanExactSearch } from './exact-search.js';
import { nativeExactSearch } from './native-exact-search.js';
import type { VectorMetric } from './vector-engine.js';
import { normalise, VectorStore } from './vector-store.js';

/** Centred on zero, so that vectors point every way (cosine of random positive vectors is all ≈ 0.75). */
function random(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() - 0.5;
}

function storeOf(count: number, dimension: number, seed: number, metric: VectorMetric = 'cosine') {
  const next = random(seed);
  const store = new VectorStore(dimension, metric);
  for (let i = 0; i < count; i++)
    store.put(`r${i}`, Float32Array.from({ length: dimension }, next), undefined, undefined);
  return store;
}

function queryOf(dimension: number, next: () => number): Float32Array {
  const query = Float32Array.from({ length: dimension }, next);
  normalise(query, 0, dimension);
  return query;
}

/** Asks `queries` random queries; every native answer must equal the scan's. Returns how many it answered. */
function compare(store: VectorStore, k: number, queries: number, seed: number): number {
  const next = random(seed);
  let answered = 0;
  for (let q = 0; q < queries; q++) {
    const query = queryOf(store.dimension, next);
    const scan = scanExactSearch(store, query, k, undefined);
    const native = nativeExactSearch(store, query, k);
    if (native !== undefined) {
      answered++;
      expect(native).toEqual(scan);
    }
    expect(exactSearch(store, query, k, undefined)).toEqual(scan);
  }
  return answered;
}

describe('native exact search', () => {
  it('answers ordinary queries with exactly the scan result, at several dimensions and k', () => {
    for (const [dimension, k] of [
      [384, 10],
      [384, 60],
      [7, 10],
      [101, 1],
    ] as const) {
      const store = storeOf(2000, dimension, dimension);
      expect(compare(store, k, 40, 7 + dimension)).toBeGreaterThanOrEqual(36);
    }
  });

  it('never returns a dead slot, and steps over deleted records', () => {
    const store = storeOf(3000, 64, 3);
    for (let i = 0; i < 3000; i += 3) store.remove(`r${i}`);
    expect(store.deadCount).toBe(1000);
    expect(compare(store, 10, 40, 11)).toBeGreaterThanOrEqual(36);
    const next = random(5);
    for (let q = 0; q < 20; q++) {
      for (const { slot } of exactSearch(store, queryOf(64, next), 25, undefined))
        expect(store.isLive(slot)).toBe(true);
    }
  });

  it('breaks ties as the scan does: many identical vectors keep the lowest slots', () => {
    const store = new VectorStore(32, 'cosine');
    const next = random(9);
    const twin = Float32Array.from({ length: 32 }, next);
    // 40 copies of one vector among 1,000 others: a query on the twin ties 40 ways for first place.
    for (let i = 0; i < 1040; i++) {
      store.put(`r${i}`, i % 26 === 0 ? twin : Float32Array.from({ length: 32 }, next), undefined, undefined);
    }
    const query = twin.slice();
    normalise(query, 0, 32);
    for (const k of [5, 39, 40, 41]) {
      const scan = scanExactSearch(store, query, k, undefined);
      const native = nativeExactSearch(store, query, k);
      // With more tied records than candidates fetched, the native search cannot prove its cut and declines.
      if (native !== undefined) expect(native).toEqual(scan);
      expect(exactSearch(store, query, k, undefined)).toEqual(scan);
    }
    expect(scanExactSearch(store, query, 5, undefined).map((h) => h.slot)).toEqual([0, 26, 52, 78, 104]);
  });

  it('reads a query that is a view into a larger buffer correctly', () => {
    const store = storeOf(1000, 48, 4);
    const next = random(6);
    const buffer = new Float32Array(48 * 3);
    const query = buffer.subarray(48, 96);
    query.set(queryOf(48, next));
    const native = nativeExactSearch(store, query, 10);
    expect(native).toBeDefined();
    expect(native).toEqual(scanExactSearch(store, query, 10, undefined));
  });

  it('declines what it does not handle: other metrics, small stores, many dead slots, k beyond the live records', () => {
    const next = random(8);
    expect(nativeExactSearch(storeOf(2000, 16, 1, 'dot'), queryOf(16, next), 10)).toBeUndefined();
    expect(nativeExactSearch(storeOf(2000, 16, 1, 'l2'), queryOf(16, next), 10)).toBeUndefined();
    expect(nativeExactSearch(storeOf(100, 16, 1), queryOf(16, next), 10)).toBeUndefined();
    const churned = storeOf(5000, 16, 2);
    for (let i = 0; i < 3000; i++) churned.remove(`r${i}`);
    expect(nativeExactSearch(churned, queryOf(16, next), 10)).toBeUndefined();
    const few = storeOf(600, 16, 3);
    for (let i = 0; i < 595; i++) few.remove(`r${i}`);
    const query = queryOf(16, next);
    expect(nativeExactSearch(few, query, 10)).toBeUndefined();
    expect(exactSearch(few, query, 10, undefined)).toHaveLength(5);
  });

  it('leaves filtered queries to the scan', () => {
    const store = new VectorStore(16, 'cosine');
    const next = random(10);
    for (let i = 0; i < 1000; i++)
      store.put(
        `r${i}`,
        Float32Array.from({ length: 16 }, next),
        { team: i % 4 === 0 ? 'a' : 'b' },
        undefined,
      );
    const query = queryOf(16, next);
    const onlyA = (metadata: Readonly<Record<string, unknown>>) => metadata.team === 'a';
    const hits = exactSearch(store, query, 10, onlyA);
    expect(hits).toEqual(scanExactSearch(store, query, 10, onlyA));
    for (const { slot } of hits) expect(store.metadataAt(slot).team).toBe('a');
  });
});
