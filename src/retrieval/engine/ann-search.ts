// A k-NN query through the HNSW graph, with a metadata filter the graph cannot evaluate (usearch's Node
// binding has no filtered search). Strategy, in order:
//   1. estimate the share s of records that pass, on a random sample of 256 (none passes: go exact);
//   2. ask the graph for 1.5·k/s candidates (k without a filter), keep live ones that pass;
//   3. while fewer than k pass, ask again for 4× as many, up to 64·k or the whole index;
//   4. still short: an exact filtered scan.
// So a query returns k hits whenever k matching records exist; a very selective filter costs an exact scan.

import { exactSearch } from './exact-search.js';
import type { MetadataPredicate } from './metadata-filter.js';
import type { UsearchAnn } from './usearch-ann.js';
import type { VectorStore } from './vector-store.js';

const GROWTH = 4;
const MAX_OVERFETCH = 64;
const SELECTIVITY_SAMPLE = 256;
const SAFETY = 1.5;

export function annSearch(
  store: VectorStore,
  ann: UsearchAnn,
  query: Float32Array,
  k: number,
  predicate: MetadataPredicate | undefined,
): Array<{ slot: number; score: number }> {
  const live = store.liveCount;
  // Inner product is not a metric, so HNSW's greedy walk misses true top hits more often under `dot` (with
  // unnormalised vectors): widen the search for it. Candidates come back best first, so the first k that
  // pass are the best k found.
  let fetch = Math.min(live, store.metric === 'dot' ? k * GROWTH : k);
  if (predicate !== undefined) {
    const passing = passingShare(store, predicate);
    if (passing === 0) return exactSearch(store, query, k, predicate);
    fetch = Math.min(live, k * MAX_OVERFETCH, Math.ceil((k * SAFETY) / passing));
  }
  for (;;) {
    const hits: Array<{ slot: number; score: number }> = [];
    for (const { slot, closeness } of ann.search(query, Math.max(1, fetch))) {
      if (!store.isLive(slot)) continue;
      if (predicate !== undefined && !predicate(store.metadataAt(slot))) continue;
      hits.push({ slot, score: closeness });
      if (hits.length === k) return hits;
    }
    if (fetch >= live || fetch >= k * MAX_OVERFETCH) return exactSearch(store, query, k, predicate);
    fetch = Math.min(live, fetch * GROWTH);
  }
}

/**
 * The share of a sample of live records that pass `predicate`. The sample is pseudo-random (fixed seed, so
 * a query plans the same way twice): a strided sample aliases with periodic data — every 390th record of a
 * table whose `shard` is `id % 10` has the same shard — and would estimate 0 or 1 for a 10% filter.
 */
function passingShare(store: VectorStore, predicate: MetadataPredicate): number {
  const slots = store.slotCount;
  let state = 0x9e3779b9;
  let sampled = 0;
  let passed = 0;
  for (let draw = 0; draw < SELECTIVITY_SAMPLE * 2 && sampled < SELECTIVITY_SAMPLE; draw++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const slot = Math.floor((state / 4_294_967_296) * slots);
    if (!store.isLive(slot)) continue;
    sampled++;
    if (predicate(store.metadataAt(slot))) passed++;
  }
  return sampled === 0 ? 1 : passed / sampled;
}
