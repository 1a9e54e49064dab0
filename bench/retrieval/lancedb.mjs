// Optional comparison, not part of `npm run bench:retrieval`: LanceDB (the backend we did not choose) on the
// same clustered vectors and queries as run.mjs, single client, through its own API. LanceDB is not a
// dependency of Lakegate; point BENCH_LANCEDB_MODULES at a node_modules folder holding @lancedb/lancedb
// (0.37.1 is the newest that installs on Node 20) and apache-arrow ≤ 18.1:
//   BENCH_LANCEDB_MODULES=/tmp/lance/node_modules node bench/retrieval/lancedb.mjs
// Ground truth is LanceDB's own flat search (bypassVectorIndex), so recall is measured inside one engine.
// Settings as run.mjs: BENCH_VECTORS, BENCH_DIMENSION, BENCH_CLUSTERS, BENCH_QUERIES, BENCH_EXACT_QUERIES,
// BENCH_EF (HNSW ef values, default 32,64,128).

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { listSetting } from '../common/settings.mjs';
import { clusteredSampler, dataSettings } from './clustered-vectors.mjs';
import { recallAt } from './recall.mjs';

const modules = process.env.BENCH_LANCEDB_MODULES;
if (!modules) throw new Error('BENCH_LANCEDB_MODULES: the node_modules folder holding @lancedb/lancedb');
const lancedb = createRequire(join(modules, 'bench.js'))('@lancedb/lancedb');

const settings = {
  ...dataSettings(),
  ef: listSetting('BENCH_EF', ['32', '64', '128']).map(Number),
  k: 10,
};
const log = (line) => process.stdout.write(`${line}\n`);
const startedAt = new Date();
const loadAverageBefore = loadavg()[0];
const root = mkdtempSync(join(tmpdir(), 'lakegate-bench-lancedb-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const sample = clusteredSampler(settings.dimension, settings.clusters);
const queries = Array.from({ length: settings.queries }, () => Array.from(sample().vector));
const data = Array.from({ length: settings.vectors }, (_, i) => {
  const { cluster, vector } = sample();
  return { id: `v${i}`, vector: Array.from(vector), cluster, shard: i % 10 };
});

const db = await lancedb.connect(root);
let started = performance.now();
const table = await db.createTable('bench', data);
const ingestSeconds = (performance.now() - started) / 1000;
data.length = 0;

async function timeQueries(count, build) {
  const results = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) results.push(await build(table.vectorSearch(queries[i])).toArray());
  return { results, qps: count / ((performance.now() - t0) / 1000) };
}

const rows = [];
const flat = (q) => q.distanceType('cosine').limit(settings.k).bypassVectorIndex();
const exact = await timeQueries(settings.exactQueries, flat);
const exactFiltered = await timeQueries(settings.exactQueries, (q) => flat(q).where('shard = 3'));
rows.push({
  backend: 'LanceDB flat (bypassVectorIndex)',
  buildSeconds: ingestSeconds,
  recall: 1,
  qps: exact.qps,
  filteredRecall: 1,
  filteredQps: exactFiltered.qps,
});
log(`flat: ${exact.qps.toFixed(0)} QPS`);

started = performance.now();
await table.createIndex('vector', {
  config: lancedb.Index.hnswSq({ distanceType: 'cosine', m: 16, efConstruction: 128 }),
});
const buildSeconds = (performance.now() - started) / 1000;
log(`HNSW_SQ built in ${buildSeconds.toFixed(1)} s`);
for (const ef of settings.ef) {
  const ann = (q) => q.distanceType('cosine').limit(settings.k).ef(ef);
  const result = await timeQueries(settings.queries, ann);
  const filtered = await timeQueries(settings.queries, (q) => ann(q).where('shard = 3'));
  rows.push({
    backend: 'LanceDB HNSW_SQ (m=16, efConstruction=128)',
    ef,
    buildSeconds,
    recall: recallAt(result.results.slice(0, settings.exactQueries), exact.results),
    qps: result.qps,
    filteredRecall: recallAt(filtered.results.slice(0, settings.exactQueries), exactFiltered.results),
    filteredQps: filtered.qps,
  });
  log(`ef=${ef}: ${result.qps.toFixed(0)} QPS, recall@10 ${rows.at(-1).recall.toFixed(3)}`);
}

log('');
log(
  formatMarkdownTable(
    [
      { title: 'backend', value: (r) => r.backend, align: 'left' },
      { title: 'ef', value: (r) => (r.ef === undefined ? '—' : String(r.ef)) },
      { title: 'build s', value: (r) => fixed(1)(r.buildSeconds) },
      { title: 'recall@10', value: (r) => fixed(3)(r.recall) },
      { title: 'QPS', value: (r) => fixed(0)(r.qps) },
      { title: 'filtered recall@10', value: (r) => fixed(3)(r.filteredRecall) },
      { title: 'filtered QPS', value: (r) => fixed(0)(r.filteredQps) },
    ],
    rows,
  ),
);
log(
  `results: ${writeResults({ ...runRecord('retrieval-lancedb', startedAt, loadAverageBefore), lancedb: '0.37.1', settings, rows })}`,
);
