// Deterministic clustered vectors: `clusters` unit centres in `dimension` dimensions, each sample a centre
// plus gaussian noise of total norm ~0.6 — tight enough to be clusters, loose enough that the neighbours
// inside a cluster are not trivially ordered. Shared by the benches so that they measure the same data.

import { numberSetting } from '../common/settings.mjs';

/** A sampler returning { cluster, vector }; the same (dimension, clusters, seed) gives the same sequence. */
export function clusteredSampler(dimension, clusters, seed = 7) {
  // mulberry32: 32-bit integer arithmetic through Math.imul (a float LCG loses its low bits past 2^53 and
  // falls into a short cycle, which would fill the index with duplicate vectors).
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4_294_967_296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());

  const centers = new Float32Array(clusters * dimension);
  for (let c = 0; c < clusters; c++) {
    let norm = 0;
    for (let i = 0; i < dimension; i++) {
      const v = gaussian();
      centers[c * dimension + i] = v;
      norm += v * v;
    }
    for (let i = 0; i < dimension; i++) centers[c * dimension + i] /= Math.sqrt(norm);
  }
  // Noise of total norm ~0.6 against unit centres: tight enough to be clusters, loose enough that the
  // neighbours inside a cluster are not trivially ordered.
  const sigma = 0.6 / Math.sqrt(dimension);
  function sample() {
    const cluster = Math.floor(random() * clusters);
    const vector = new Float32Array(dimension);
    for (let i = 0; i < dimension; i++) vector[i] = centers[cluster * dimension + i] + sigma * gaussian();
    return { cluster, vector };
  }
  return sample;
}

/**
 * The settings that fix the data and the queries (BENCH_VECTORS, BENCH_DIMENSION, BENCH_CLUSTERS,
 * BENCH_QUERIES, BENCH_EXACT_QUERIES), read the same way by every retrieval bench. The ground-truth
 * queries are the first `exactQueries` of the `queries`, so there are never more of them.
 */
export function dataSettings() {
  const settings = {
    vectors: numberSetting('BENCH_VECTORS', 100_000, 1_000, 2_000_000),
    dimension: numberSetting('BENCH_DIMENSION', 384, 8, 4_096),
    clusters: numberSetting('BENCH_CLUSTERS', 1_000, 1, 100_000),
    queries: numberSetting('BENCH_QUERIES', 1_000, 10, 100_000),
    exactQueries: numberSetting('BENCH_EXACT_QUERIES', 300, 10, 100_000),
  };
  settings.exactQueries = Math.min(settings.exactQueries, settings.queries);
  return settings;
}
