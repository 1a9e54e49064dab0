// The approximate nearest-neighbour graph: usearch's HNSW (prebuilt native addon, SIMD kernels), keyed by
// store slot. usearch has no metadata filtering in its Node binding, so filtering happens in the engine by
// over-fetching (see embedded-vector-index.ts). Loaded through require because its ESM entry locates the
// native build by walking up from a stack-trace file name, which fails under `node -e` and bundlers; the
// CommonJS entry uses __dirname.

import { createRequire } from 'node:module';
import type * as UsearchTypes from 'usearch';
import type { VectorMetric } from './vector-engine.js';

type UsearchModule = typeof UsearchTypes;

let loaded: UsearchModule | undefined;
function usearch(): UsearchModule {
  loaded ??= createRequire(import.meta.url)('usearch') as UsearchModule;
  return loaded;
}

export interface AnnParameters {
  /** HNSW M: edges per node. */
  connectivity: number;
  /** ef at build time. */
  expansionAdd: number;
  /** ef at query time; a query for k > expansionSearch searches with ef = k. */
  expansionSearch: number;
  /**
   * Threads that insert vectors. Default: all cores for inserts on the event loop (it waits for them), all
   * cores but one for a build on a worker (the event loop keeps one). usearch's parallel insertion is not
   * deterministic and now and then leaves a node that no search reaches (measured: 0–5 of 4,000 random
   * 16-d vectors not found by their own vector; none with 1 thread), so tests that compare against exact
   * search use 1.
   */
  buildThreads?: number;
}

export const DEFAULT_ANN: AnnParameters = { connectivity: 16, expansionAdd: 128, expansionSearch: 24 };

export class UsearchAnn {
  private readonly index: UsearchTypes.Index;

  constructor(
    readonly dimension: number,
    readonly metric: VectorMetric,
    readonly parameters: AnnParameters,
  ) {
    const { Index, MetricKind, ScalarKind } = usearch();
    // Cosine vectors are stored normalised, so inner product ranks them identically and skips the norms.
    this.index = new Index({
      dimensions: dimension,
      metric: metric === 'l2' ? MetricKind.L2sq : MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: parameters.connectivity,
      expansion_add: parameters.expansionAdd,
      expansion_search: parameters.expansionSearch,
      multi: false,
    });
  }

  get size(): number {
    return this.index.size();
  }

  /** `vectors` holds `slots.length` rows; `threads` 0 means all cores. */
  add(slots: ArrayLike<number>, vectors: Float32Array, threads = this.parameters.buildThreads ?? 0): void {
    if (slots.length === 0) return;
    this.index.add(
      BigUint64Array.from(slots, (slot) => BigInt(slot)),
      vectors,
      threads,
    );
  }

  remove(slots: ArrayLike<number>): void {
    if (slots.length === 0) return;
    this.index.remove(BigUint64Array.from(slots, (slot) => BigInt(slot)));
  }

  /** Up to `count` nearest slots with their internal closeness (higher is closer), best first. */
  search(query: Float32Array, count: number): Array<{ slot: number; closeness: number }> {
    if (this.index.size() === 0) return [];
    const { keys, distances } = this.index.search(query, count, 1);
    const out: Array<{ slot: number; closeness: number }> = [];
    for (let i = 0; i < keys.length; i++) {
      const distance = distances[i]!;
      // usearch's IP distance is 1 − dot; L2sq is the squared distance.
      out.push({ slot: Number(keys[i]!), closeness: this.metric === 'l2' ? -distance : 1 - distance });
    }
    return out;
  }

  save(path: string): void {
    this.index.save(path);
  }

  load(path: string): void {
    this.index.load(path);
  }
}
