// `npm run bench`: how much the gateway adds to a model call. An upstream that answers at once, Lakegate in
// front of it, a bare pass-through proxy for comparison, and a load generator, each in its own process; every
// request shape runs direct (client → upstream) and through each hop at the same concurrency, so the
// difference is the hop's cost.
//
// Settings (environment): BENCH_SECONDS (measured seconds per scenario, default 5), BENCH_WARMUP_SECONDS
// (default 1), BENCH_CLIENTS (default "1,16"), BENCH_ROUNDS (default 1; with more, each row keeps its best
// round — the machine is shared and noisy), BENCH_SCENARIOS (comma-separated scenario names to run, e.g.
// "direct chat,lakegate chat"; all by default), BENCH_CPU_PROF=1 (profile both Lakegate processes and print their
// hot spots), BENCH_STRICT=1 (exit 1 when a target is not met), BENCH_LOADER=node (Node clients for every row
// even when wrk and h2load are installed; by default wrk sends the HTTP/1.1 rows and h2load the h2c row, see
// wrk-load.mjs and h2load-load.mjs).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, resultsDir, runRecord, stampOf, writeResults } from '../common/results.mjs';
import { listSetting, numberSetting } from '../common/settings.mjs';
import {
  benchAdminKey,
  killAllNow,
  startBareProxy,
  startLakegate,
  startLoadGenerator,
  startUpstream,
  stopAll,
  stopChild,
  upstreamProviderYaml,
} from './children.mjs';
import { h2cSession } from './h2c-client.mjs';
import { h2loadVersion, runH2load } from './h2load-load.mjs';
import {
  clockTicksPerSecond,
  descendantPids,
  RssSampler,
  statusKb,
  summedRssKb,
  treeCpuTicks,
} from './proc-stats.mjs';
import { formatProfileSummary, summarizeProfile } from './profile-summary.mjs';
import { checkTargets, formatTable, formatTargets, TARGETS } from './report.mjs';
import { GOVERNED_ENDPOINT, LOGGED_ENDPOINT, scenariosFor } from './scenarios.mjs';
import { runWrk, wrkVersion } from './wrk-load.mjs';

function clientsSetting() {
  const list = (listSetting('BENCH_CLIENTS') ?? ['1', '16']).map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 256))
    throw new Error(`BENCH_CLIENTS=${process.env.BENCH_CLIENTS}: expected integers in [1, 256]`);
  return list;
}

const settings = {
  seconds: numberSetting('BENCH_SECONDS', 5, 0.1, 600),
  warmupSeconds: numberSetting('BENCH_WARMUP_SECONDS', 1, 0, 600),
  clients: clientsSetting(),
  rounds: Math.floor(numberSetting('BENCH_ROUNDS', 1, 1, 20)),
  scenarios: listSetting('BENCH_SCENARIOS'),
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  /** BENCH_LOADER=node sends every row from Node clients even when wrk and h2load are installed. */
  loader: process.env.BENCH_LOADER === 'node' ? 'node' : 'auto',
  strict: process.env.BENCH_STRICT === '1',
};

const CACHE_HEADER = 'x-lakegate-cache';

/** One POST of a scenario's body, over h2c for h2c rows: status, text and the cache header. */
async function postOnce(s, body) {
  if (!s.h2c) {
    const response = await fetch(`${s.server.url}${s.path}`, { method: 'POST', headers: s.headers, body });
    return {
      status: response.status,
      text: await response.text(),
      cache: response.headers.get(CACHE_HEADER),
    };
  }
  const session = h2cSession(s.server.url);
  try {
    const response = await session.request({ path: s.path, method: 'POST', headers: s.headers, body });
    return {
      status: response.statusCode,
      text: await response.body.text(),
      cache: response.headers[CACHE_HEADER] ?? null,
    };
  } finally {
    await session.close();
  }
}

/**
 * One request per scenario before measuring (two for a cache-hit row: the second must be a hit): a broken
 * setup fails here, with the response to show why.
 */
async function smokeTest(scenarios, lakegates) {
  for (const s of scenarios) {
    for (let i = 0; i < (s.cache === 'hit' ? 2 : 1); i++) {
      const body = s.vary ? s.body.replace(s.vary, `smoke-${i}`) : s.body;
      const { status, text, cache } = await postOnce(s, body);
      const cacheWrong = s.cache && (s.cache === 'hit' ? i === 1 && cache !== 'hit' : cache !== 'miss');
      if (status !== 200 || !text.includes(s.expect) || cacheWrong) {
        throw new Error(
          `smoke test of "${s.scenario}" failed: status ${status}, ${CACHE_HEADER} ${cache}, ` +
            `body ${text.slice(0, 500)}\n` +
            lakegates.map((l) => `lakegate stderr:\n${l.stderrTail()}`).join('\n'),
        );
      }
    }
  }
}

/**
 * The governed Lakegate's config: everything the issue's targets name switched on — rate and token limits
 * and a budget (in process), usage records (always on), the response cache; one endpoint also logs every
 * payload to an inference table.
 */
function governedConfig(upstreamUrl) {
  const endpoint = (extra) =>
    `    served: [{ model: upstream/bench-model }]\n    retry: { attempts: 0 }\n` +
    `    cache: { ttlSeconds: 3600, maxEntries: 10000 }\n${extra}`;
  return (
    upstreamProviderYaml(upstreamUrl) +
    `endpoints:\n  ${GOVERNED_ENDPOINT}:\n${endpoint('')}` +
    `  ${LOGGED_ENDPOINT}:\n${endpoint('    inferenceTable: { table: bench.logs.payloads, sampleRate: 1 }\n')}` +
    'limits:\n  rateLimits:\n' +
    '    - { key: user, calls: 1000000000 }\n' +
    '    - { key: user, tokens: 1000000000 }\n' +
    '    - { key: endpoint, calls: 1000000000 }\n' +
    '  budgets:\n    - { key: user, amountUsd: 1000000, period: day }\n' +
    'pricing:\n  upstream/bench-model: { input: 1, output: 2 }\n'
  );
}

/** A user with a key and QUERY on the governed endpoints, made through the REST API as the admin. */
async function benchUser(url, adminKey) {
  const call = async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status !== 200) throw new Error(`${method} ${path}: ${JSON.stringify(answer)}`);
    return answer;
  };
  await call('POST', '/api/2.1/lakegate/principals', { name: 'bench-user', kind: 'user' });
  const key = await call('POST', '/api/2.1/lakegate/principals/bench-user/keys', {});
  for (const endpoint of [GOVERNED_ENDPOINT, LOGGED_ENDPOINT]) {
    await call('PATCH', `/api/2.1/unity-catalog/permissions/serving_endpoint/${endpoint}`, {
      changes: [{ principal: 'bench-user', add: ['QUERY'] }],
    });
  }
  return key.token;
}

let home;
let interrupted = false;
const samplers = new Map();

async function cleanup() {
  for (const sampler of samplers.values()) sampler.stop();
  await stopAll();
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
}

process.on('exit', () => {
  killAllNow();
  if (home) rmSync(home, { recursive: true, force: true });
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => {
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the benchmark's processes...\n`);
    cleanup().finally(() => process.exit(code));
  });
}

/**
 * Who sends a scenario's requests: native clients when they are installed — h2load for h2c rows, wrk for
 * the others (see h2load-load.mjs, wrk-load.mjs) — except rows that ask for the Node load generator.
 */
function loaderFor(scenario, nodeLoad, tools) {
  if (scenario.h2c && tools.h2load) return { name: 'h2load', run: runH2load };
  if (!scenario.h2c && tools.wrk && scenario.loader !== 'node') return { name: 'wrk', run: runWrk };
  return { name: 'node', run: (target, clients, seconds) => nodeLoad.run(target, clients, seconds) };
}

/** Which clients send which rows, said once above the results. */
function loadersLine(tools) {
  if (settings.loader === 'node') return 'Node clients for every row (BENCH_LOADER=node)';
  const parts = [
    tools.wrk
      ? `wrk ${tools.wrk}, one thread (HTTP/1.1 rows)`
      : 'Node clients for HTTP/1.1 rows (apt-get install wrk)',
    tools.h2load
      ? `h2load ${tools.h2load}, one connection (h2c rows)`
      : 'Node clients for h2c rows (apt-get install nghttp2-client)',
  ];
  const hint =
    tools.wrk && tools.h2load ? '' : ' — Node clients share the cores with the servers and lower their rows';
  return `${parts.join('; ')}; Node clients for the rows that ask for them${hint}`;
}

/** Warm-up, then the measured window with CPU and peak RSS of the server under test around it. */
async function measure(loader, scenario, clients, ticksPerSecond) {
  const { pid } = scenario.server;
  const target = { origin: scenario.server.url, ...scenario };
  delete target.server;
  if (settings.warmupSeconds > 0) await loader.run(target, clients, settings.warmupSeconds);
  samplers.get(pid).takePeak();
  const cpuBefore = treeCpuTicks(pid);
  const result = await loader.run(target, clients, settings.seconds);
  const cpuAfter = treeCpuTicks(pid);
  const peak = samplers.get(pid).takePeak();
  const cpuUs = ((cpuAfter - cpuBefore) / ticksPerSecond) * 1e6;
  const row = {
    scenario: scenario.scenario,
    via: scenario.via,
    loader: loader.name,
    stream: scenario.stream,
    clients,
    requests: result.requests,
    errors: result.errors,
    seconds: result.elapsedMs / 1000,
    reqPerSec: result.requests / (result.elapsedMs / 1000),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    meanMs: result.latency.mean,
    maxMs: result.latency.max,
    addedP50Ms: Number.NaN,
    addedP99Ms: Number.NaN,
    cpuUsPerRequest: result.requests > 0 ? cpuUs / result.requests : Number.NaN,
    peakRssMb: peak.kb / 1024,
    peakChildrenRssMb: peak.childrenKb / 1024,
    // A row from a native client is compared with a direct row from a native client.
    baseline: loader.name === 'node' ? scenario.baseline : (scenario.nativeBaseline ?? scenario.baseline),
    ...(result.firstError ? { firstError: result.firstError } : {}),
  };
  return row;
}

/** Per scenario and concurrency, the round with the most requests per second; then the added latency. */
function bestRows(measured, scenarios, clientCounts) {
  const rows = [];
  for (const scenario of scenarios) {
    for (const clients of clientCounts) {
      const candidates = measured.filter((r) => r.scenario === scenario.scenario && r.clients === clients);
      rows.push(candidates.reduce((best, r) => (r.reqPerSec > best.reqPerSec ? r : best)));
    }
  }
  for (const row of rows) {
    const baseline = rows.find((r) => r.scenario === row.baseline && r.clients === row.clients);
    if (!baseline) continue;
    row.addedP50Ms = row.p50Ms - baseline.p50Ms;
    row.addedP99Ms = row.p99Ms - baseline.p99Ms;
  }
  return rows;
}

async function main() {
  const startedAt = new Date();
  const stamp = stampOf(startedAt);
  const ticksPerSecond = clockTicksPerSecond();
  home = mkdtempSync(join(tmpdir(), 'lakegate-bench-'));
  const adminKey = benchAdminKey();
  const profileDir = join(resultsDir, `profile-${stamp}`);

  const upstream = await startUpstream();
  const proxy = await startBareProxy(upstream.url);
  const configPath = join(home, 'lakegate.yaml');
  writeFileSync(configPath, upstreamProviderYaml(upstream.url));
  // Each Lakegate profiles into its own folder, so the two processes' profiles cannot be mixed up.
  const profileFlags = (name) =>
    settings.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name)] : [];
  const lakegate = await startLakegate({
    repoRoot,
    home: join(home, 'data'),
    configPath,
    adminKey,
    nodeFlags: profileFlags('lakegate'),
  });
  const governedConfigPath = join(home, 'governed.yaml');
  writeFileSync(governedConfigPath, governedConfig(upstream.url));
  const governed = await startLakegate({
    repoRoot,
    home: join(home, 'governed-data'),
    configPath: governedConfigPath,
    adminKey,
    nodeFlags: profileFlags('governed'),
  });
  const governedKey = await benchUser(governed.url, adminKey);
  const load = await startLoadGenerator();
  const tools =
    settings.loader === 'auto'
      ? { wrk: wrkVersion(), h2load: h2loadVersion() }
      : { wrk: undefined, h2load: undefined };
  for (const { pid } of [upstream, proxy, lakegate, governed]) samplers.set(pid, new RssSampler(pid, 100));
  const lakegateIdleRssMb = (statusKb(lakegate.pid, 'VmRSS') ?? Number.NaN) / 1024;
  const childrenIdleRssMb = summedRssKb(descendantPids(lakegate.pid)) / 1024;

  const scenarios = scenariosFor({ upstream, proxy, lakegate, governed }, adminKey, governedKey).filter(
    (s) => !settings.scenarios || settings.scenarios.includes(s.scenario),
  );
  if (scenarios.length === 0)
    throw new Error(`BENCH_SCENARIOS=${process.env.BENCH_SCENARIOS} names no scenario`);
  await smokeTest(scenarios, [lakegate, governed]);
  const loadBefore = loadavg()[0];
  process.stdout.write(
    `gateway bench: ${settings.warmupSeconds} s warm-up + ${settings.seconds} s per scenario, clients ` +
      `${settings.clients.join(', ')}, ${settings.rounds} round(s); ${cpus().length} CPUs (load average ${loadBefore.toFixed(2)}), node ${process.version}\n` +
      `  load: ${loadersLine(tools)}\n`,
  );

  // Rows of the same concurrency run back to back (direct, proxy, lakegate) so that they meet the same
  // background load; with several rounds each row keeps its best round.
  const measured = [];
  for (let round = 1; round <= settings.rounds; round++) {
    for (const clients of settings.clients) {
      for (const scenario of scenarios) {
        const loader = loaderFor(scenario, load, tools);
        const row = { round, ...(await measure(loader, scenario, clients, ticksPerSecond)) };
        measured.push(row);
        process.stdout.write(
          `  ${settings.rounds > 1 ? `round ${round}: ` : ''}${row.scenario}, ${clients} client(s): ` +
            `${row.reqPerSec.toFixed(0)} req/s${row.errors ? `, ${row.errors} errors (${row.firstError})` : ''}\n`,
        );
      }
    }
  }
  const rows = bestRows(measured, scenarios, settings.clients);
  const vmHwmMb = (statusKb(lakegate.pid, 'VmHWM') ?? Number.NaN) / 1024;

  const targetResults = checkTargets(rows);
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  process.stdout.write(
    'added = minus the direct row of the same request shape and concurrency (bedrock rows: minus direct chat;\n' +
      'h2c from h2load: minus direct chat from wrk; h2c from Node: minus direct chat from Node). load: who sent\n' +
      'the requests.\n' +
      'CPU and RSS are those of the process the clients talk to (direct: the upstream; bare proxy: the proxy;\n' +
      `lakegate: Lakegate): utime+stime over the measured window / requests (${ticksPerSecond} ticks/s), with the CPU\n` +
      "of its children (Lakegate's usage-store process) added, and the highest VmRSS sampled every 100 ms; the\n" +
      "children's own, summed, in the next column. Lakegate RSS when idle after start " +
      `${lakegateIdleRssMb.toFixed(1)} MB (children ${childrenIdleRssMb.toFixed(1)} MB), VmHWM over the whole run ${vmHwmMb.toFixed(1)} MB.\n` +
      "'lakegate governed' rows: a second Lakegate process with a user's key, rate/token limits and a budget\n" +
      'in process, usage records and the response cache (cache miss: every request differs; cache hit: the\n' +
      'same request again), and one endpoint that also logs every payload to an inference table.\n' +
      `\nTargets:\n${formatTargets(targetResults)}\n`,
  );

  const profile = {};
  if (settings.cpuProfile) {
    await stopChild(load.child);
    for (const [name, server] of [
      ['lakegate', lakegate],
      ['governed', governed],
    ]) {
      await stopChild(server.child);
      // The main thread's profile: thread id 0 in the file name (workers write their own).
      const dir = join(profileDir, name);
      const file = readdirSync(dir).find((entry) => /\.\d+\.0\.\d+\.cpuprofile$/.test(entry));
      if (!file) continue;
      const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      profile[name] = {
        file: join(dir, file),
        functions: summary.functions.slice(0, 40),
        files: summary.files.slice(0, 20),
      };
      process.stdout.write(
        `\n${name === 'governed' ? 'Governed Lakegate' : 'Lakegate'} CPU profile (${profile[name].file}), whole run:\n${formatProfileSummary(summary)}\n`,
      );
    }
  }

  const resultFile = writeResults({
    ...runRecord('gateway', startedAt, loadBefore),
    settings,
    clockTicksPerSecond: ticksPerSecond,
    lakegateIdleRssMb,
    lakegateVmHwmMb: vmHwmMb,
    targets: { values: TARGETS, results: targetResults },
    rows,
    ...(settings.rounds > 1 ? { allRounds: measured } : {}),
    ...(settings.cpuProfile ? { profile } : {}),
  });
  process.stdout.write(`\nresults: ${resultFile}\n`);

  const errors = measured.reduce((sum, row) => sum + row.errors, 0);
  if (errors > 0) {
    process.stderr.write(`${errors} request(s) failed; the numbers above are not trustworthy.\n`);
    return 1;
  }
  return settings.strict && targetResults.some((r) => !r.met) ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  // After a signal the children are stopped on purpose; the failures that follow are not news.
  if (!interrupted) process.stderr.write(`gateway bench failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
