// `npm run bench:usage`: the usage store at scale. Ten million usage records (2,000 principals calling
// 3 of 40 endpoints each, 12 models, arriving in time order over the last 45 days) are recorded through
// UsageStore.record() into a DuckDB file, timing every million: recording must not slow down as the
// table grows. Then the reports by principal and by endpoint over the last 30 days are timed, each
// against the baseline in the same run: the same totals by a plain GROUP BY over the raw records (what a
// spend log without a rollup does). Runs in-process on dist/ (build first: npx tsc -p tsconfig.build.json).
//
// Settings (environment): BENCH_USAGE_RECORDS (default 10000000), BENCH_USAGE_DAYS (days the records
// span, default 45), BENCH_USAGE_SEGMENT (records per timed segment, default 1000000),
// BENCH_USAGE_REPEATS (timed runs per report, default 5).

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startedUsageRecord, UsageStore } from '../../dist/observability/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { median } from '../common/median.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { numberSetting } from '../common/settings.mjs';

const DAY = 86_400_000;
const settings = {
  records: numberSetting('BENCH_USAGE_RECORDS', 10_000_000, 10_000, 100_000_000),
  days: numberSetting('BENCH_USAGE_DAYS', 45, 1, 3_650),
  segment: numberSetting('BENCH_USAGE_SEGMENT', 1_000_000, 1_000, 100_000_000),
  repeats: numberSetting('BENCH_USAGE_REPEATS', 5, 1, 100),
};
const log = (line) => process.stdout.write(`${line}\n`);

const dir = mkdtempSync(join(tmpdir(), 'lakegate-bench-usage-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => process.exit(code));
}

const PRINCIPALS = Array.from({ length: 2_000 }, (_, i) => [
  `pr_${String(i).padStart(24, '0')}`,
  `user${i}@example.com`,
]);
const ENDPOINTS = Array.from({ length: 40 }, (_, i) => `endpoint-${i}`);
const MODELS = [
  ['bedrock', 'anthropic.claude-sonnet-4-20250514-v1:0'],
  ['bedrock', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
  ['bedrock', 'amazon.nova-lite-v1:0'],
  ['bedrock', 'amazon.nova-pro-v1:0'],
  ['openai', 'gpt-4o'],
  ['openai', 'gpt-4o-mini'],
  ['openai', 'gpt-4.1'],
  ['anthropic', 'claude-sonnet-4-20250514'],
  ['anthropic', 'claude-3-5-haiku-20241022'],
  ['gemini', 'gemini-2.5-flash'],
  ['gemini', 'gemini-2.5-pro'],
  ['local', 'extractive'],
];

/** A cheap deterministic generator, so runs are comparable. */
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function recordAt(i, time) {
  // Skewed like real traffic: a few principals carry most of the calls; each calls a few endpoints
  // (its team's), and an endpoint serves one model, with a fallback answering 5% of the time.
  const p = Math.floor(random() ** 3 * PRINCIPALS.length);
  const [principalId, name] = PRINCIPALS[p];
  const e = (p * 7 + Math.floor(random() * 3) * 13) % ENDPOINTS.length;
  const endpoint = ENDPOINTS[e];
  const [provider, model] = MODELS[(e + (random() < 0.05 ? 1 : 0)) % MODELS.length];
  const record = startedUsageRecord(time, `req-${i}`, principalId, name, 'lgKEY', 'converse', endpoint);
  record.endpoint = endpoint;
  record.provider = provider;
  record.servedModel = model;
  record.inputTokens = 200 + Math.floor(random() * 3_000);
  record.outputTokens = 20 + Math.floor(random() * 800);
  record.cacheReadTokens = i % 4 === 0 ? 1_024 : 0;
  record.latencyMs = 100 + Math.floor(random() * 4_000);
  record.ttftMs = i % 3 === 0 ? 80 + Math.floor(random() * 600) : null;
  record.status = i % 50 === 0 ? 'MODEL_UPSTREAM_THROTTLED' : 'ok';
  record.costUsd = provider === 'local' ? 0 : (record.inputTokens * 3 + record.outputTokens * 15) / 1e6;
  return record;
}

async function timed(run) {
  const times = [];
  let rows;
  for (let i = 0; i <= settings.repeats; i++) {
    const started = performance.now();
    rows = await run();
    times.push(performance.now() - started);
  }
  return { firstMs: times[0], medianMs: median(times.slice(1)), groups: rows };
}

const startedAt = new Date();
const loadBefore = loadavg()[0];
const path = join(dir, 'usage.duckdb');
const now = Date.now();
const start = now - settings.days * DAY;
const step = (settings.days * DAY) / settings.records;

log(
  `recording ${settings.records.toLocaleString('en')} usage records over ${settings.days} days into ${path}`,
);
let store = await UsageStore.open({ path, batchSize: 20_000, flushIntervalMs: 1_000, maxQueue: 2_000_000 });
const segments = [];
for (let done = 0; done < settings.records; ) {
  const size = Math.min(settings.segment, settings.records - done);
  const before = done;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < size; i++, done++) {
    store.record(recordAt(done, start + done * step));
    // The bench produces faster than any gateway: hold it at the queue bound, as back-pressure would.
    if (store.stats().queued >= 1_000_000) await store.flush();
  }
  await store.flush();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  segments.push({
    rowsBefore: before,
    records: size,
    recordsPerSec: size / (ms / 1000),
    usPerRecord: (ms * 1000) / size,
    processCpuUsPerRecord: (cpu.user + cpu.system) / size,
  });
  log(`  ${done.toLocaleString('en')} recorded (${Math.round(size / (ms / 1000)).toLocaleString('en')}/s)`);
}
const stats = store.stats();
await store.close();
const fileBytes = statSync(path).size;

// Reports as the API asks them: the last 30 days, on a freshly opened store (first run cold).
store = await UsageStore.open({ path, flushIntervalMs: 60_000 });
const since = now - 30 * DAY;
const until = now + 1;
const queries = [];
for (const by of ['principal', 'endpoint']) {
  const result = await timed(() => store.report({ by, since, until }));
  queries.push({
    report: `by ${by}, last 30 days`,
    how: 'rollup + raw edges (UsageStore.report)',
    ...result,
    groups: result.groups.length,
    requests: result.groups.reduce((n, r) => n + r.requests, 0),
  });
}
const oneUser = await timed(() =>
  store.report({ by: 'endpoint', since, until, principalId: PRINCIPALS[0][0] }),
);
queries.push({
  report: 'one principal by endpoint, 30 days',
  how: 'rollup + raw edges (UsageStore.report)',
  ...oneUser,
  groups: oneUser.groups.length,
  requests: oneUser.groups.reduce((n, r) => n + r.requests, 0),
});
await store.close();

// The baseline: the same totals straight from the raw records.
const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const windowSql = `ts >= make_timestamp(${since * 1000}::BIGINT) AND ts < make_timestamp(${until * 1000}::BIGINT)`;
for (const [by, column] of [
  ['principal', 'principal_id'],
  ['endpoint', 'endpoint'],
]) {
  const sql = `SELECT ${column}, count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd) FROM usage_records WHERE ${windowSql} GROUP BY 1`;
  const result = await timed(async () => (await connection.runAndReadAll(sql)).getRows());
  const requests = result.groups.reduce((n, r) => n + Number(r[1]), 0);
  queries.push({
    report: `by ${by}, last 30 days`,
    how: 'baseline: GROUP BY over raw records',
    ...result,
    groups: result.groups.length,
    requests,
  });
}
connection.closeSync();
instance.closeSync();

const first = segments[0];
const last = segments.at(-1);
log('');
log(
  formatMarkdownTable(
    [
      { title: 'recording', value: (r) => r.label, align: 'left' },
      { title: 'rows before', value: (r) => r.rowsBefore.toLocaleString('en') },
      { title: 'records', value: (r) => r.records.toLocaleString('en') },
      { title: 'records/s', value: (r) => fixed(0)(r.recordsPerSec) },
      { title: 'µs/record', value: (r) => fixed(2)(r.usPerRecord) },
      { title: 'process CPU µs/record', value: (r) => fixed(2)(r.processCpuUsPerRecord) },
    ],
    segments.map((s, i) => ({
      ...s,
      label: i === 0 ? 'first segment' : i === segments.length - 1 ? 'last segment' : `segment ${i + 1}`,
    })),
  ),
);
log(
  `\nrecording rate, last vs first segment: ${fixed(2)(last.recordsPerSec / first.recordsPerSec)}x; file ${(fileBytes / 1e6).toFixed(0)} MB; dropped ${stats.dropped}`,
);
log('');
log(
  formatMarkdownTable(
    [
      { title: 'report', value: (q) => q.report, align: 'left' },
      { title: 'how', value: (q) => q.how, align: 'left' },
      { title: 'calls in window', value: (q) => q.requests.toLocaleString('en') },
      { title: 'groups', value: (q) => String(q.groups) },
      { title: 'first ms', value: (q) => fixed(1)(q.firstMs) },
      { title: `median ms (${settings.repeats})`, value: (q) => fixed(1)(q.medianMs) },
    ],
    queries,
  ),
);
const file = writeResults({
  ...runRecord('usage', startedAt, loadBefore),
  settings,
  fileBytes,
  segments,
  queries: queries.map(({ groups, ...q }) => ({ ...q, groups })),
});
log(`\nresults: ${file}`);
