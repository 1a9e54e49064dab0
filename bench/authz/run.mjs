// `npm run bench:authz`: how fast the one authorisation function decides, on a catalog of 10,000 tables
// and 1,000 users in nested groups, on SQLite and on PostgreSQL. Uncached (decision cache off), uncached
// with the groups re-read too (what the first request after a change pays), cached (warm), a generation
// bump, a revoke and the first decision after it; each set against the floor of a store round trip, one
// grants row read by primary key through Kysely. Runs in-process on dist/ (build first: npm run build).
//
// Settings (environment): BENCH_SECONDS (measured seconds per scenario, default 3), BENCH_WARMUP_SECONDS
// (default 0.5), BENCH_AUTHZ_CLIENTS (concurrent callers, default "1,8"), BENCH_AUTHZ_ENGINES (default
// "sqlite,postgres"), LAKEGATE_BENCH_DATABASE_URL (a PostgreSQL server to use; without it a throwaway
// cluster is started when PostgreSQL is installed, else the PostgreSQL rows are skipped). To see where
// the time goes: node --cpu-prof --cpu-prof-dir bench/results bench/authz/run.mjs, then
// node bench/gateway/profile-summary.mjs <file>.

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRecord, writeResults } from '../common/results.mjs';
import { listSetting, numberSetting } from '../common/settings.mjs';
import { benchEngine } from './bench-engine.mjs';
import { openBenchPostgres } from './postgres-cluster.mjs';
import { compareToFloor, formatTable } from './report.mjs';

const ENGINES = ['sqlite', 'postgres'];

function readSettings() {
  const clients = listSetting('BENCH_AUTHZ_CLIENTS', ['1', '8']).map(Number);
  if (clients.some((n) => !Number.isInteger(n) || n < 1 || n > 256))
    throw new Error(`BENCH_AUTHZ_CLIENTS=${process.env.BENCH_AUTHZ_CLIENTS}: expected integers in [1, 256]`);
  const engines = listSetting('BENCH_AUTHZ_ENGINES', ENGINES);
  if (engines.length === 0 || engines.some((e) => !ENGINES.includes(e)))
    throw new Error(
      `BENCH_AUTHZ_ENGINES=${process.env.BENCH_AUTHZ_ENGINES}: expected some of ${ENGINES.join(', ')}`,
    );
  return {
    seconds: numberSetting('BENCH_SECONDS', 3, 0.1, 600),
    warmupSeconds: numberSetting('BENCH_WARMUP_SECONDS', 0.5, 0, 600),
    clients,
    engines,
  };
}

// What must go whatever way the run ends: the SQLite folder and a PostgreSQL cluster started here.
const cleanups = new Set();
process.on('exit', () => {
  for (const cleanup of cleanups) cleanup();
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the authz bench...\n`);
    process.exit(code);
  });
}

const log = (line) => process.stdout.write(`${line}\n`);

async function runSqlite(settings) {
  const dir = mkdtempSync(join(tmpdir(), 'lakegate-bench-authz-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  cleanups.add(cleanup);
  try {
    return await benchEngine({
      engine: 'sqlite',
      storeOptions: { sqlitePath: join(dir, 'control.db') },
      settings,
      log,
    });
  } finally {
    cleanup();
    cleanups.delete(cleanup);
  }
}

async function runPostgres(settings) {
  const postgres = await openBenchPostgres();
  if (postgres.skipped) {
    log(`postgres: skipped (${postgres.skipped})`);
    return { rows: [], meta: { engine: 'postgres', skipped: postgres.skipped } };
  }
  cleanups.add(postgres.stopNow);
  log(`postgres: ${postgres.source}`);
  try {
    const result = await benchEngine({
      engine: 'postgres',
      storeOptions: { databaseUrl: postgres.url, maxConnections: 10 },
      settings,
      log,
    });
    result.meta.source = postgres.source;
    return result;
  } finally {
    await postgres.drop();
    cleanups.delete(postgres.stopNow);
  }
}

async function main() {
  const settings = readSettings();
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  log(
    `authz bench: ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per scenario, clients ` +
      `${settings.clients.join(', ')}; ${cpus().length} CPUs (load average ${loadBefore.toFixed(2)}), node ${process.version}`,
  );
  const rows = [];
  const engines = [];
  for (const engine of settings.engines) {
    const result = engine === 'sqlite' ? await runSqlite(settings) : await runPostgres(settings);
    rows.push(...result.rows);
    engines.push(result.meta);
  }
  compareToFloor(rows);

  log(`\n${formatTable(rows)}\n`);
  const cachedRows = rows.filter((r) => r.kind === 'cached');
  const grew = cachedRows.filter((r) => r.cacheGrew !== undefined && r.cacheGrew !== 0);
  const hits = grew.length
    ? ' (CACHE GREW: not all hits!)'
    : cachedRows.every((r) => r.cacheGrew === 0)
      ? ', all hits'
      : ' (hits not checked: the cache could not be inspected)';
  log(
    'floor = one grants row by primary key through Kysely (the cheapest store round trip); p50 x floor is\n' +
      'p50 / that floor at the same engine and concurrency. Every decision is SELECT on a random table by a\n' +
      'random user (seeded). uncached: decision cache off, group memberships from identity’s cache (as on a\n' +
      'decision-cache miss); groups re-read too: no cache at all (the first request after any change).\n' +
      `cached: the authoriser of openCatalog, warmed with the questions it is then asked${hits}.\n` +
      'revoke: updatePermissions through the securable service (resolve, authorise, transaction with the\n' +
      'bump, audit queued); the decision after it meets an emptied cache. CPU is this process only (not the\n' +
      'PostgreSQL server); queries/op counts every query sent, audit batches included.',
  );
  for (const meta of engines) {
    if (meta.revokeStepCpuUs !== undefined)
      log(
        `${meta.engine}: CPU per revoke step (revoke + decision + untimed re-grant) ${meta.revokeStepCpuUs.toFixed(0)} µs`,
      );
  }

  const resultFile = writeResults({ ...runRecord('authz', startedAt, loadBefore), settings, engines, rows });
  log(`\nresults: ${resultFile}`);
  return grew.length > 0 ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`authz bench failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
}
