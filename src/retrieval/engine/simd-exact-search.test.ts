// The sketch-ranked exact search must return exactly what the JS scan returns (same slots, same scores,
// same tie order), filtered or not, at any dimension; and the sketch kernel must compute the integer dot
// products of the quantised rows, within the stated bound of the true ones.

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/index.js';
import { dot } from './distance-kernels.js';
import { exactSearch, scanExactSearch } from './exact-search.js';
import { Int16Sketch, SKETCH_SCALE, sketchErrorBound } from './int16-sketch.js';
import { simdExactSearch } from './simd-exact-search.js';
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
    store.put(`r${i}`, Float32Array.from({ length: dimension }, next), { n: i }, undefined);
  return store;
}

function queryOf(dimension: number, next: () => number): Float32Array {
  const query = Float32Array.from({ length: dimension }, next);
  normalise(query, 0, dimension);
  return query;
}

/** Asks `queries` random queries; every SIMD answer must be the scan's. */
function compare(
  store: VectorStore,
  k: number,
  queries: number,
  seed: number,
  predicate?: (m: Readonly<Record<string, unknown>>) => boolean,
) {
  const next = random(seed);
  for (let q = 0; q < queries; q++) {
    const query = queryOf(store.dimension, next);
    const scan = scanExactSearch(store, query, k, predicate);
    expect(simdExactSearch(store, query, k, predicate)).toEqual(scan);
    expect(exactSearch(store, query, k, predicate)).toEqual(scan);
  }
}

describe('int16 sketch', () => {
  it('scores every row within the bound, at dimensions with and without a vector or scalar tail', () => {
    for (const dimension of [1, 3, 7, 8, 15, 31, 32, 33, 64, 101, 384, 1536]) {
      const next = random(dimension);
      const sketch = Int16Sketch.create(40, dimension);
      expect(sketch).toBeDefined();
      const rows = Array.from({ length: 40 }, () => queryOf(dimension, next));
      for (const [i, row] of rows.entries()) sketch!.set(i, row);
      const query = queryOf(dimension, next);
      const scores = sketch!.scoresOf(query, 37);
      for (let row = 0; row < 37; row++) {
        const exact = dot(rows[row]!, 0, query, dimension);
        // The integer sum of the quantised components, exactly.
        let integer = 0;
        for (let i = 0; i < dimension; i++)
          integer += Math.round(rows[row]![i]! * SKETCH_SCALE) * Math.round(query[i]! * SKETCH_SCALE);
        expect(scores[row]).toBe(integer);
        expect(Math.abs(scores[row]! / SKETCH_SCALE ** 2 - exact)).toBeLessThanOrEqual(
          sketchErrorBound(dimension),
        );
      }
      // Rows beyond `rows` are not touched.
      expect(scores[38]).toBe(0);
    }
  });

  it('holds the extremes without overflow: a unit axis against itself', () => {
    const sketch = Int16Sketch.create(2, 16)!;
    const axis = new Float32Array(16);
    axis[5] = 1;
    sketch.set(0, axis);
    const opposite = axis.map((x) => -x);
    sketch.set(1, opposite);
    expect([...sketch.scoresOf(axis, 2).subarray(0, 2)]).toEqual([SKETCH_SCALE ** 2, -(SKETCH_SCALE ** 2)]);
  });

  it('reads a query that is a view into a larger buffer', () => {
    const sketch = Int16Sketch.create(4, 8)!;
    sketch.set(0, Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0]));
    sketch.set(1, Float32Array.from([0, 1, 0, 0, 0, 0, 0, 0]));
    const buffer = new Float32Array(24);
    const query = buffer.subarray(8, 16);
    query.set([0.6, 0.8, 0, 0, 0, 0, 0, 0]);
    const scores = sketch.scoresOf(query, 2);
    expect([scores[0], scores[1]]).toEqual([
      SKETCH_SCALE * Math.round(0.6 * SKETCH_SCALE),
      SKETCH_SCALE * Math.round(0.8 * SKETCH_SCALE),
    ]);
  });
});

describe('sketch-ranked exact search', () => {
  it('answers with exactly the scan result, at several dimensions and k', () => {
    for (const [dimension, k] of [
      [384, 10],
      [384, 60],
      [7, 10],
      [101, 1],
      [16, 5],
    ] as const) {
      compare(storeOf(2000, dimension, dimension), k, 30, 7 + dimension);
    }
  });

  it('applies a metadata predicate during the scan and still returns k matching records', () => {
    const store = storeOf(3000, 48, 12);
    const everyFifth = (metadata: Readonly<Record<string, unknown>>) => (metadata.n as number) % 5 === 0;
    compare(store, 10, 30, 13, everyFifth);
    const next = random(14);
    const hits = exactSearch(store, queryOf(48, next), 25, everyFifth);
    expect(hits).toHaveLength(25);
    for (const { slot } of hits) expect((store.metadataAt(slot).n as number) % 5).toBe(0);
  });

  it('never returns a dead slot, and steps over deleted records', () => {
    const store = storeOf(3000, 64, 3);
    for (let i = 0; i < 3000; i += 3) store.remove(`r${i}`);
    expect(store.deadCount).toBe(1000);
    compare(store, 10, 30, 11);
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
      expect(simdExactSearch(store, query, k, undefined)).toEqual(scan);
    }
    expect(exactSearch(store, query, 5, undefined).map((h) => h.slot)).toEqual([0, 26, 52, 78, 104]);
  });

  it('returns every live record when fewer than k exist, and keeps working as the store grows', () => {
    const few = storeOf(600, 16, 3);
    for (let i = 0; i < 595; i++) few.remove(`r${i}`);
    const query = queryOf(16, random(8));
    expect(simdExactSearch(few, query, 10, undefined)).toEqual(scanExactSearch(few, query, 10, undefined));
    expect(exactSearch(few, query, 10, undefined)).toHaveLength(5);
    // 1,024 slots to start with: growing copies the sketch into a larger one.
    const growing = storeOf(5000, 24, 4);
    compare(growing, 10, 10, 9);
  });

  it('leaves other metrics to the scan', () => {
    const next = random(8);
    expect(simdExactSearch(storeOf(200, 16, 1, 'dot'), queryOf(16, next), 10, undefined)).toBeUndefined();
    expect(simdExactSearch(storeOf(200, 16, 1, 'l2'), queryOf(16, next), 10, undefined)).toBeUndefined();
  });
});
