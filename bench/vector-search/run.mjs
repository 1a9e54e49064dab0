// `node bench/vector-search/run.mjs` (after `npm run build`): what permission-aware
// retrieval costs, through the HTTP query API of a real server (in this process, on dist/). A claims table
// of BENCH_VS_ROWS rows (default 5,000) in four regions, with a row filter (each team its region) and a
// mask; a DELTA_SYNC index on it (local/embed), and a DIRECT_ACCESS index holding the same vectors. One
// client sends queries one at a time over keep-alive HTTP for BENCH_SECONDS each:
//   direct      DIRECT_ACCESS, query_vector: the engine behind the HTTP surface, nothing re-read (baseline)
//   auditor     DELTA_SYNC, query_vector, a caller the filter lets read everything: the governed re-read
//   team        DELTA_SYNC, query_vector, a caller who reads a quarter of the rows: re-read + over-fetch
//   team text   the same with query_text: the query is also embedded through the governed model API
//   team hybrid / team full-text   HYBRID and FULL_TEXT with query_text
// and prints QPS, p50 and p95 per scenario and each one's QPS relative to the baseline. Then `concurrent`:
// BENCH_VS_CLIENTS (default 8) clients in a separate process (bench/gateway's load generator), each query
// text different. Target (issue 5): ≥ 500 QPS through the HTTP query API with permission filtering on.
//
// Settings: BENCH_VS_ROWS (default 5000), BENCH_SECONDS (per scenario, default 5), BENCH_VS_K (default 10),
// BENCH_VS_CLIENTS, BENCH_VS_SCENARIOS (comma-separated names, e.g. `direct,team,concurrent`; default all),
// BENCH_CPU_PROF=1 (profile this process — server and in-process client — during each measured scenario only,
// print where the time went and keep the .cpuprofile files under bench/results/).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../dist/api/index.js';
import { configSchema } from '../../dist/core/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { resultsDir, runRecord, stampOf, writeResults } from '../common/results.mjs';
import { listSetting, numberSetting } from '../common/settings.mjs';
import { startLoadGenerator } from '../gateway/children.mjs';
import { formatProfileSummary, summarizeProfile } from '../gateway/profile-summary.mjs';

const log = (line) => process.stdout.write(`${line}\n`);
const KEY = 'lgBENCHKEY000000001.bench-secret-0123456789abcdefghij';
const REGIONS = ['north', 'south', 'east', 'west'];
const WORDS = [
  'flood',
  'basement',
  'water',
  'hail',
  'roof',
  'tiles',
  'fire',
  'kitchen',
  'smoke',
  'theft',
  'bicycle',
  'garage',
  'storm',
  'tree',
  'fence',
  'pipe',
  'burst',
  'ceiling',
  'collision',
  'bumper',
  'windscreen',
  'lightning',
  'oak',
  'garden',
  'shed',
  'mould',
  'wall',
  'carpet',
  'furnace',
  'cellar',
  'drain',
  'window',
];

/** A deterministic pseudo-random sequence (the same table every run). */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function noteOf(next) {
  const words = Array.from(
    { length: 8 + Math.floor(next() * 8) },
    () => WORDS[Math.floor(next() * WORDS.length)],
  );
  return `Claim about ${words.join(' ')}`;
}

function caller(url, token) {
  return async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Runs `work` under the V8 profiler when BENCH_CPU_PROF=1 (the scenario only, not the set-up before it). */
async function profiled(name, startedAt, work) {
  if (process.env.BENCH_CPU_PROF !== '1') return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const dir = join(resultsDir, `profile-${stampOf(startedAt)}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `vector-search-${name.replace(/\W+/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    log(`\n${name}: CPU profile ${file}\n${formatProfileSummary(summarizeProfile(profile))}\n`);
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(seconds, send) {
  const latencies = [];
  let rows = 0;
  const until = performance.now() + seconds * 1000;
  // Warm-up: plan caches, the engine index, connections.
  for (let i = 0; i < 20; i++) await send(i);
  let i = 0;
  while (performance.now() < until) {
    const started = performance.now();
    rows += await send(i++);
    latencies.push(performance.now() - started);
  }
  const total = latencies.reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    queries: latencies.length,
    qps: latencies.length / (total / 1000),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    rowsPerQuery: rows / latencies.length,
  };
}

async function main() {
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  const rowCount = numberSetting('BENCH_VS_ROWS', 5000, 100, 200_000);
  const seconds = numberSetting('BENCH_SECONDS', 5, 0.5, 600);
  const k = numberSetting('BENCH_VS_K', 10, 1, 1000);
  const home = mkdtempSync(join(tmpdir(), 'lakegate-bench-vs-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    home,
    config: configSchema.parse({}),
    env: { LAKEGATE_ADMIN_KEY: KEY },
  });
  try {
    const admin = caller(server.url, KEY);
    const UC = '/api/2.1/unity-catalog';
    const LG = '/api/2.1/lakegate';
    const tokens = new Map();
    const VS = '/api/2.0/vector-search';
    const grant = (principal, type, name, ...add) =>
      admin('PATCH', `${UC}/permissions/${type}/${name}`, { changes: [{ principal, add }] });
    const user = async (name, group) => {
      await admin('POST', `${LG}/principals`, { name, kind: 'user' });
      if (group) await admin('PUT', `${LG}/groups/${group}/members/${name}`);
      const token = (await admin('POST', `${LG}/principals/${name}/keys`, {})).token;
      tokens.set(name, token);
      return caller(server.url, token);
    };
    for (const group of ['auditors', ...REGIONS])
      await admin('POST', `${LG}/principals`, { name: group, kind: 'group' });
    const owner = await user('olga', 'auditors');
    const team = await user('nora', 'north');
    await admin('POST', `${UC}/catalogs`, { name: 'ins' });
    await admin('POST', `${UC}/schemas`, { name: 'claims', catalog_name: 'ins' });
    for (const name of ['olga', 'nora']) {
      await grant(name, 'catalog', 'ins', 'USE_CATALOG');
      await grant(name, 'schema', 'ins.claims', 'USE_SCHEMA', 'SELECT');
      await grant(name, 'serving_endpoint', 'local', 'QUERY');
    }
    await grant('olga', 'schema', 'ins.claims', 'CREATE_TABLE');
    await admin('POST', `${UC}/tables`, {
      name: 'notes',
      catalog_name: 'ins',
      schema_name: 'claims',
      table_type: 'MANAGED',
      columns: [
        { name: 'id', type_text: 'bigint', type_name: 'LONG', position: 0 },
        { name: 'region', type_text: 'string', type_name: 'STRING', position: 1 },
        { name: 'note', type_text: 'string', type_name: 'STRING', position: 2 },
        { name: 'ssn', type_text: 'string', type_name: 'STRING', position: 3 },
      ],
    });
    const next = random(42);
    const rows = Array.from({ length: rowCount }, (_, i) => ({
      id: i + 1,
      region: REGIONS[i % REGIONS.length],
      note: noteOf(next),
      ssn: `SSN-${100000 + i}`,
    }));
    for (let i = 0; i < rows.length; i += 5000) {
      await admin('POST', `/api/2.0/lakegate/tables/ins.claims.notes/rows`, {
        mode: 'append',
        rows: rows.slice(i, i + 5000),
      });
    }
    await admin('PUT', `${LG}/tables/ins.claims.notes/row-filter`, {
      expression: `is_member('auditors') OR ${REGIONS.map((r) => `(region = '${r}' AND is_member('${r}'))`).join(' OR ')}`,
    });
    await admin('PUT', `${LG}/tables/ins.claims.notes/column-masks/ssn`, {
      expression: `CASE WHEN is_member('auditors') THEN ssn ELSE '***' END`,
    });
    const syncStarted = performance.now();
    await owner('POST', `${VS}/indexes`, {
      name: 'ins.claims.notes_idx',
      primary_key: 'id',
      index_type: 'DELTA_SYNC',
      delta_sync_index_spec: {
        source_table: 'ins.claims.notes',
        embedding_source_columns: [{ name: 'note', embedding_model_endpoint_name: 'local/embed' }],
      },
    });
    for (;;) {
      const info = await owner('GET', `${VS}/indexes/ins.claims.notes_idx`);
      if (info.sync_status.state !== 'SYNCING') {
        if (info.status.indexed_row_count !== rowCount) throw new Error(`synced ${JSON.stringify(info)}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    log(
      `first sync: ${rowCount.toLocaleString('en-US')} rows embedded and indexed in ${syncSeconds.toFixed(1)} s`,
    );
    // The same vectors in a DIRECT_ACCESS index (the baseline without any re-read).
    const vectors = [];
    for (let i = 0; i < rows.length; i += 256) {
      const batch = rows.slice(i, i + 256);
      const embedded = await admin('POST', '/v1/embeddings', {
        model: 'local/embed',
        input: batch.map((r) => r.note),
      });
      for (const item of embedded.data) vectors.push(item.embedding);
    }
    const dimension = vectors[0].length;
    await owner('POST', `${VS}/indexes`, {
      name: 'ins.claims.direct_idx',
      primary_key: 'id',
      index_type: 'DIRECT_ACCESS',
      direct_access_index_spec: {
        embedding_vector_columns: [{ name: 'v', embedding_dimension: dimension }],
        schema_json: JSON.stringify({ id: 'long', v: 'array<float>', region: 'string', note: 'string' }),
      },
    });
    for (let i = 0; i < rows.length; i += 2000) {
      const inputs = rows
        .slice(i, i + 2000)
        .map((r, j) => ({ id: r.id, v: vectors[i + j], region: r.region, note: r.note }));
      await owner('POST', `${VS}/indexes/ins.claims.direct_idx/upsert-data`, {
        inputs_json: JSON.stringify(inputs),
      });
    }
    await grant('nora', 'vector_index', 'ins.claims.notes_idx', 'QUERY');
    const queryVectors = vectors.slice(0, 200);
    const queryTexts = rows.slice(0, 200).map((r) => r.note.split(' ').slice(2, 5).join(' '));
    const query = (who, index, body) => async (i) => {
      const reply = await who('POST', `${VS}/indexes/${index}/query`, {
        num_results: k,
        columns: ['id', 'region', 'note'],
        ...body(i),
      });
      return reply.result.row_count;
    };
    const scenarios = [
      [
        'direct',
        'DIRECT_ACCESS, query_vector (baseline)',
        query(owner, 'ins.claims.direct_idx', (i) => ({ query_vector: queryVectors[i % 200] })),
      ],
      [
        'auditor',
        'DELTA_SYNC, query_vector, reads all rows',
        query(owner, 'ins.claims.notes_idx', (i) => ({ query_vector: queryVectors[i % 200] })),
      ],
      [
        'team',
        'DELTA_SYNC, query_vector, reads 1/4 of rows',
        query(team, 'ins.claims.notes_idx', (i) => ({ query_vector: queryVectors[i % 200] })),
      ],
      [
        'team text',
        'DELTA_SYNC, query_text (ANN), 1/4',
        query(team, 'ins.claims.notes_idx', (i) => ({ query_text: queryTexts[i % 200] })),
      ],
      [
        'team hybrid',
        'DELTA_SYNC, query_text (HYBRID), 1/4',
        query(team, 'ins.claims.notes_idx', (i) => ({
          query_text: queryTexts[i % 200],
          query_type: 'HYBRID',
        })),
      ],
      [
        'team full-text',
        'DELTA_SYNC, query_text (FULL_TEXT), 1/4',
        query(team, 'ins.claims.notes_idx', (i) => ({
          query_text: queryTexts[i % 200],
          query_type: 'FULL_TEXT',
        })),
      ],
    ];
    const only = listSetting('BENCH_VS_SCENARIOS');
    const unknown =
      only?.filter((name) => name !== 'concurrent' && !scenarios.some(([known]) => known === name)) ?? [];
    if (unknown.length > 0) throw new Error(`BENCH_VS_SCENARIOS: unknown ${unknown.join(', ')}`);
    const results = [];
    for (const [name, what, send] of scenarios) {
      if (only && !only.includes(name)) continue;
      const measured = await profiled(name, startedAt, () => measure(seconds, send));
      results.push({ name, what, ...measured });
      log(`${name}: ${measured.qps.toFixed(0)} QPS`);
    }
    const baseline = results[0]?.qps ?? Number.NaN;
    log('');
    if (results.length > 0)
      log(
        formatMarkdownTable(
          [
            { title: 'scenario', value: (r) => r.name, align: 'left' },
            { title: 'what', value: (r) => r.what, align: 'left' },
            { title: 'queries', value: (r) => String(r.queries) },
            { title: 'rows/query', value: (r) => fixed(1)(r.rowsPerQuery) },
            { title: 'QPS', value: (r) => fixed(0)(r.qps) },
            { title: 'vs baseline', value: (r) => fixed(2)(r.qps / baseline) },
            { title: 'p50 ms', value: (r) => fixed(2)(r.p50) },
            { title: 'p95 ms', value: (r) => fixed(2)(r.p95) },
          ],
          results,
        ),
      );
    // Concurrent clients from another process (bench/gateway's load generator), so that the clients' CPU
    // is not the server's: query texts differ on every request (a counter is appended), so each query is
    // embedded and searched afresh; the rows it re-reads may be in the governed-row cache.
    const concurrent = [];
    const clients = numberSetting('BENCH_VS_CLIENTS', 8, 1, 256);
    if (!only || only.includes('concurrent')) {
      const generator = await startLoadGenerator();
      try {
        const origin = new URL(server.url).origin;
        const targets = [
          [
            'auditor text',
            'DELTA_SYNC, query_text (ANN), reads all rows',
            'olga',
            'ins.claims.notes_idx',
            {},
          ],
          ['team text', 'DELTA_SYNC, query_text (ANN), 1/4', 'nora', 'ins.claims.notes_idx', {}],
          [
            'team hybrid',
            'DELTA_SYNC, query_text (HYBRID), 1/4',
            'nora',
            'ins.claims.notes_idx',
            { query_type: 'HYBRID' },
          ],
        ];
        for (const [name, what, who, index, extra] of targets) {
          const target = {
            origin,
            path: `${VS}/indexes/${index}/query`,
            headers: { authorization: `Bearer ${tokens.get(who)}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              num_results: k,
              columns: ['id', 'region', 'note'],
              query_text: 'basement water damage __VARY__',
              ...extra,
            }),
            vary: '__VARY__',
            expect: '"data_array"',
          };
          await generator.run(target, clients, 1);
          const measured = await profiled(`${name} concurrent`, startedAt, () =>
            generator.run(target, clients, seconds),
          );
          if (measured.errors > 0)
            throw new Error(`${name}: ${measured.errors} errors, first: ${measured.firstError}`);
          const qps = measured.requests / (measured.elapsedMs / 1000);
          concurrent.push({ name, what, clients, qps, p50: measured.latency.p50, p99: measured.latency.p99 });
          log(`${name}, ${clients} clients: ${qps.toFixed(0)} QPS`);
        }
      } finally {
        generator.child.kill();
      }
      log('');
      log(
        formatMarkdownTable(
          [
            { title: 'scenario (concurrent)', value: (r) => r.name, align: 'left' },
            { title: 'what', value: (r) => r.what, align: 'left' },
            { title: 'clients', value: (r) => String(r.clients) },
            { title: 'QPS', value: (r) => fixed(0)(r.qps) },
            { title: 'p50 ms', value: (r) => fixed(2)(r.p50) },
            { title: 'p99 ms', value: (r) => fixed(2)(r.p99) },
          ],
          concurrent,
        ),
      );
    }
    const file = writeResults({
      ...runRecord('vector-search', startedAt, loadBefore),
      settings: { rows: rowCount, seconds, k, clients },
      firstSyncSeconds: syncSeconds,
      results,
      concurrent,
    });
    log(`\nresults: ${file}`);
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
