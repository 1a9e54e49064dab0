// `npm run bench:retrieval`: the vector engine on 100k × 384 CLUSTERED vectors (1,000 gaussian clusters;
// uniform random vectors have no near neighbours worth finding and make every ANN index look broken).
// Everything goes through the VectorEngine interface (dist/retrieval), single client, one query at a time:
//   1. exact: an index with ANN disabled — ingest time, brute-force QPS, and the ground truth;
//   2. usearch HNSW: the same folder reopened with ANN on (graph built at open, on a worker thread; the
//      bench waits for it and reports the longest event-loop stall meanwhile), for several
//      expansionSearch (ef) values — recall@10 against exact, QPS, build time, memory;
//   3. a filtered query (10% of records pass) through both, which exercises ANN over-fetching.
// Runs in-process on dist/ (build first: npx tsc -p tsconfig.build.json).
//
// Settings (environment): BENCH_VECTORS (default 100000), BENCH_DIMENSION (384), BENCH_CLUSTERS (1000),
// BENCH_QUERIES (ANN queries, default 1000; the first BENCH_EXACT_QUERIES, default 300, also get exact
// ground truth), BENCH_EF (comma list, default 24,32,64), BENCH_EF_CONSTRUCTION (128), BENCH_M (16).

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEmbeddedVectorEngine } from '../../dist/retrieval/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { listSetting, numberSetting } from '../common/settings.mjs';
import { clusteredSampler, dataSettings } from './clustered-vectors.mjs';
import { recallAt } from './recall.mjs';

const settings = {
  ...dataSettings(),
  ef: listSetting('BENCH_EF', ['24', '32', '64']).map(Number),
  efConstruction: numberSetting('BENCH_EF_CONSTRUCTION', 128, 8, 1_024),
  connectivity: numberSetting('BENCH_M', 16, 4, 128),
  k: 10,
  batch: 1_000,
};
const log = (line) => process.stdout.write(`${line}\n`);
const startedAt = new Date();
const loadAverageBefore = loadavg()[0];

const root = mkdtempSync(join(tmpdir(), 'lakegate-bench-retrieval-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => process.exit(code));
}

// ---- data: deterministic clustered vectors --------------------------------------------------------------

const { dimension, clusters } = settings;
const sample = clusteredSampler(dimension, clusters);
const queries = Array.from({ length: settings.queries }, () => sample().vector);
const filter = { equals: { key: 'shard', value: 3 } };

// ---- measuring ------------------------------------------------------------------------------------------

// RSS after a full collection when the bench runs with --expose-gc (npm run bench:retrieval does), so the
// memory column is what the index holds rather than garbage from generating the data.
const rssMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss / 1_048_576;
};

async function timeQueries(index, count, makeQuery) {
  const results = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) results.push(await index.queryVector(makeQuery(i)));
  const seconds = (performance.now() - started) / 1000;
  return { results, qps: count / seconds };
}

const rows = [];

// 1. exact
log(`retrieval bench: ${settings.vectors} × ${dimension} vectors in ${clusters} clusters, k=${settings.k}`);
const exactEngine = createEmbeddedVectorEngine({ root, annThreshold: Number.POSITIVE_INFINITY });
const batches = [];
for (let start = 0; start < settings.vectors; start += settings.batch) {
  const records = [];
  for (let i = start; i < Math.min(settings.vectors, start + settings.batch); i++) {
    const { cluster, vector } = sample();
    records.push({ id: `v${i}`, vector, metadata: { cluster, shard: i % 10 } });
  }
  batches.push(records);
}
const rssBeforeIngest = rssMb();
const ingestStarted = performance.now();
let index = await exactEngine.createIndex('bench', { dimension, metric: 'cosine' });
for (const records of batches) await index.upsert(records);
batches.length = 0;
const ingestSeconds = (performance.now() - ingestStarted) / 1000;
const exactMemory = rssMb() - rssBeforeIngest;
log(`ingested in ${ingestSeconds.toFixed(1)} s (write-ahead log, fsync per ${settings.batch}-record batch)`);

const exact = await timeQueries(index, settings.exactQueries, (i) => ({ vector: queries[i], k: settings.k }));
const exactFiltered = await timeQueries(index, settings.exactQueries, (i) => ({
  vector: queries[i],
  k: settings.k,
  filter,
}));
rows.push({
  backend: 'exact (Float32Array scan)',
  ef: undefined,
  buildSeconds: ingestSeconds,
  memoryMb: exactMemory,
  recall: 1,
  qps: exact.qps,
  filteredRecall: 1,
  filteredQps: exactFiltered.qps,
});
log(`exact: ${exact.qps.toFixed(1)} QPS`);
const checkpointStarted = performance.now();
await exactEngine.close();
log(`snapshot written in ${((performance.now() - checkpointStarted) / 1000).toFixed(1)} s`);

let workerBuild;
// 2. usearch HNSW, reopened per ef (the first open builds the graph; close saves it; later opens load it).
for (const [n, ef] of settings.ef.entries()) {
  const rssBefore = rssMb();
  const engine = createEmbeddedVectorEngine({
    root,
    ann: { expansionSearch: ef, expansionAdd: settings.efConstruction, connectivity: settings.connectivity },
  });
  const openStarted = performance.now();
  index = await engine.openIndex('bench');
  // Without a saved graph, open starts the build on a worker and returns; queries are exact until it is in.
  if (index.annStatus().state === 'building') {
    const opened = performance.now();
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    await index.annSettled();
    stalls.disable();
    workerBuild = {
      openSeconds: (opened - openStarted) / 1000,
      buildSeconds: (performance.now() - opened) / 1000,
      maxStallMs: stalls.max / 1e6,
      p99StallMs: stalls.percentile(99) / 1e6,
    };
    log(
      `graph built on a worker thread in ${workerBuild.buildSeconds.toFixed(1)} s (after ${workerBuild.openSeconds.toFixed(1)} s of open); ` +
        `longest event-loop stall during the build ${workerBuild.maxStallMs.toFixed(0)} ms (p99 ${workerBuild.p99StallMs.toFixed(0)} ms)`,
    );
  }
  const openSeconds = (performance.now() - openStarted) / 1000;
  const annMemory = rssMb() - rssBefore;
  const ann = await timeQueries(index, settings.queries, (i) => ({ vector: queries[i], k: settings.k }));
  const annFiltered = await timeQueries(index, settings.queries, (i) => ({
    vector: queries[i],
    k: settings.k,
    filter,
  }));
  rows.push({
    backend: `usearch HNSW (M=${settings.connectivity}, efConstruction=${settings.efConstruction})`,
    ef,
    buildSeconds: openSeconds,
    buildNote: n === 0 ? 'open + build' : 'open + load',
    // Only the first open measures memory cleanly: closed graphs are freed by finalizers some time later.
    memoryMb: n === 0 ? annMemory : undefined,
    recall: recallAt(ann.results.slice(0, settings.exactQueries), exact.results),
    qps: ann.qps,
    filteredRecall: recallAt(annFiltered.results.slice(0, settings.exactQueries), exactFiltered.results),
    filteredQps: annFiltered.qps,
  });
  log(`ef=${ef}: ${ann.qps.toFixed(0)} QPS, recall@10 ${rows.at(-1).recall.toFixed(3)}`);
  await engine.close();
}

log('');
log(
  formatMarkdownTable(
    [
      { title: 'backend', value: (r) => r.backend, align: 'left' },
      { title: 'ef', value: (r) => (r.ef === undefined ? '—' : String(r.ef)) },
      { title: 'build s', value: (r) => fixed(1)(r.buildSeconds) },
      { title: 'build', value: (r) => r.buildNote ?? 'ingest', align: 'left' },
      { title: 'RSS +MB', value: (r) => fixed(0)(r.memoryMb) },
      { title: 'recall@10', value: (r) => fixed(3)(r.recall) },
      { title: 'QPS', value: (r) => fixed(0)(r.qps) },
      { title: 'filtered recall@10', value: (r) => fixed(3)(r.filteredRecall) },
      { title: 'filtered QPS', value: (r) => fixed(0)(r.filteredQps) },
    ],
    rows,
  ),
);
log('');
log(
  'QPS: single client, sequential awaits of VectorIndex.queryVector. Filtered: shard = 3 (10% of records).',
);
const file = writeResults({
  ...runRecord('retrieval', startedAt, loadAverageBefore),
  settings,
  rows,
  workerBuild,
});
log(`results: ${file}`);
