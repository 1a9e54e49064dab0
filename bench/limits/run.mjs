// `npm run bench:limits`: what the limits engine costs per model call — admit (check + reserve every
// applicable rule) and settle (correct the token reservation, add the cost to the budget) — in-process
// and through Redis, against a baseline with no limits configured (the engine answers at once) and,
// for Redis, against the floor of one bare round trip (PING). Runs in-process on dist/ (build first:
// npx tsc -p tsconfig.build.json).
//
// The policy is what a team would set: calls and tokens per minute per user, calls per minute per
// endpoint, a blocking monthly budget per user; `+slots` adds provisioned concurrency on the endpoint.
// Limits are high enough that every call is admitted: this measures the price of checking, not refusals.
//
// Settings (environment): BENCH_SECONDS (per row, default 2), BENCH_WARMUP_SECONDS (default 0.5),
// BENCH_LIMITS_CLIENTS (concurrent callers, default "1,16"), LAKEGATE_BENCH_REDIS_URL (a Redis to use;
// without it a throwaway redis-server is started when installed, else the Redis rows are skipped).

import { cpus, loadavg } from 'node:os';
import { createClient } from 'redis';
import {
  buildPolicy,
  LimitsEngine,
  MemoryLimitBackend,
  RedisLimitBackend,
} from '../../dist/gateway/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { listSetting, numberSetting } from '../common/settings.mjs';
import { summarize } from '../gateway/stats.mjs';
import { openBenchRedis } from './redis-server.mjs';

const log = (line) => process.stdout.write(`${line}\n`);

function readSettings() {
  const clients = listSetting('BENCH_LIMITS_CLIENTS', ['1', '16']).map(Number);
  if (clients.some((n) => !Number.isInteger(n) || n < 1 || n > 256))
    throw new Error(
      `BENCH_LIMITS_CLIENTS=${process.env.BENCH_LIMITS_CLIENTS}: expected integers in [1, 256]`,
    );
  return {
    seconds: numberSetting('BENCH_SECONDS', 2, 0.1, 600),
    warmupSeconds: numberSetting('BENCH_WARMUP_SECONDS', 0.5, 0, 600),
    clients,
  };
}

const HIGH = 1_000_000_000;
const TEAM_POLICY = {
  rates: [
    { key: 'user', unit: 'calls', limit: HIGH, periodMs: 60_000 },
    { key: 'user', unit: 'tokens', limit: HIGH, periodMs: 60_000 },
    { key: 'endpoint', unit: 'calls', limit: HIGH, periodMs: 60_000 },
  ],
  budgets: [{ key: 'user', amountUsd: 1e9, period: 'month' }],
};
const WITH_SLOTS = {
  ...TEAM_POLICY,
  concurrency: [
    {
      endpoint: 'chat',
      capacity: 100_000,
      reserved: [{ key: 'user_group', principal: 'claims', slots: 1000 }],
    },
  ],
};

const USERS = Array.from({ length: 100 }, (_, i) => ({
  actor: { name: `user-${i}@example.com`, kind: 'user' },
  groups: i % 2 === 0 ? ['claims'] : ['finance'],
  keyId: `lgk_${i}`,
  endpoint: 'chat',
  estimatedTokens: 1500,
}));

/** One admitted call, start to end: admit, then settle with the real usage and its cost. */
const callOnce = (engine) => async (n) => {
  const admission = await engine.admit(USERS[n % USERS.length]);
  await admission.settle(1200, 0.0042);
};

/** `clients` callers, each awaiting one operation after another until the deadline. */
async function timed(seconds, clients, op) {
  const latencies = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const n = next++;
      const t0 = performance.now();
      await op(n);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ops: latencies.length,
    opsPerSec: (latencies.length / elapsedMs) * 1000,
    latency: summarize(latencies),
    cpuUsPerOp: (cpu.user + cpu.system) / latencies.length,
  };
}

async function measure(settings, backend, scenario, op) {
  const rows = [];
  for (const clients of settings.clients) {
    if (settings.warmupSeconds > 0) await timed(settings.warmupSeconds, clients, op);
    const r = await timed(settings.seconds, clients, op);
    const row = {
      backend,
      scenario,
      clients,
      ops: r.ops,
      opsPerSec: r.opsPerSec,
      p50Us: r.latency.p50 * 1000,
      p99Us: r.latency.p99 * 1000,
      cpuUsPerOp: r.cpuUsPerOp,
    };
    log(
      `  ${backend} ${scenario} x${clients}: ${row.opsPerSec.toFixed(0)} ops/s, CPU ${row.cpuUsPerOp.toFixed(1)} µs/op`,
    );
    rows.push(row);
  }
  return rows;
}

async function runInProcess(settings) {
  const rows = [];
  const none = new LimitsEngine(buildPolicy({}), new MemoryLimitBackend());
  rows.push(...(await measure(settings, 'none', 'no limits (baseline)', callOnce(none))));
  for (const [scenario, policy] of [
    ['rpm+tpm+budget', TEAM_POLICY],
    ['rpm+tpm+budget+slots', WITH_SLOTS],
  ]) {
    const engine = new LimitsEngine(buildPolicy(policy), new MemoryLimitBackend());
    rows.push(...(await measure(settings, 'memory', scenario, callOnce(engine))));
    await engine.close();
  }
  return rows;
}

async function runRedis(settings) {
  const redis = await openBenchRedis();
  if (redis.skipped) {
    log(`redis: skipped (${redis.skipped})`);
    return { rows: [], source: undefined };
  }
  log(`redis: ${redis.source}`);
  try {
    const rows = [];
    const ping = createClient({ url: redis.url });
    await ping.connect();
    rows.push(...(await measure(settings, 'redis', 'PING (round-trip floor)', () => ping.ping())));
    await ping.close();
    for (const [scenario, policy] of [
      ['rpm+tpm+budget', TEAM_POLICY],
      ['rpm+tpm+budget+slots', WITH_SLOTS],
    ]) {
      const backend = RedisLimitBackend.open({ url: redis.url, timeoutMs: 5000 });
      await backend.ready();
      const engine = new LimitsEngine(buildPolicy(policy), backend, {
        keyPrefix: `bench:{limits}:${scenario}:`,
      });
      rows.push(...(await measure(settings, 'redis', scenario, callOnce(engine))));
      await engine.close();
    }
    return { rows, source: redis.source };
  } finally {
    redis.stop();
  }
}

const COLUMNS = [
  { title: 'backend', value: (row) => row.backend, align: 'left' },
  { title: 'scenario (admit + settle)', value: (row) => row.scenario, align: 'left' },
  { title: 'clients', value: (row) => String(row.clients) },
  { title: 'calls/s', value: (row) => fixed(0)(row.opsPerSec) },
  { title: 'p50 µs', value: (row) => fixed(1)(row.p50Us) },
  { title: 'p99 µs', value: (row) => fixed(1)(row.p99Us) },
  { title: 'CPU µs/call', value: (row) => fixed(2)(row.cpuUsPerOp) },
  { title: '+CPU µs vs none', value: (row) => fixed(2)(row.cpuOverBaselineUs) },
  { title: 'n', value: (row) => String(row.ops) },
];

async function main() {
  const settings = readSettings();
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  log(
    `limits bench: ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per row, clients ` +
      `${settings.clients.join(', ')}; ${cpus().length} CPUs (load average ${loadBefore.toFixed(2)}), node ${process.version}`,
  );
  const rows = await runInProcess(settings);
  const redis = await runRedis(settings);
  rows.push(...redis.rows);
  for (const row of rows) {
    const base = rows.find((r) => r.backend === 'none' && r.clients === row.clients);
    row.cpuOverBaselineUs = base && row.backend !== 'none' ? row.cpuUsPerOp - base.cpuUsPerOp : Number.NaN;
  }
  log(`\n${formatMarkdownTable(COLUMNS, rows)}\n`);
  log(
    'One call = admit (3 rate rules + 1 blocking budget, +1 concurrency slot with +slots) then settle (tokens\n' +
      'corrected, cost added), for 100 users in turn. none: no limits configured, the engine answers at once.\n' +
      'CPU is this process only (not redis-server); each Redis call is one EVALSHA for admit and one for settle.',
  );
  const file = writeResults({
    ...runRecord('limits', startedAt, loadBefore),
    settings,
    redis: redis.source,
    rows,
  });
  log(`\nresults: ${file}`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`limits bench failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
}
