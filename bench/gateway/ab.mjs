// `npm run bench:gateway:ab`: is this change faster or slower than another revision? The machine's speed
// moves by up to 2× within an hour, so two builds measured one after the other differ by more than most
// changes do. Here both run at once: the revision's build (BENCH_AB_BASE, default HEAD) in a temporary git
// worktree, and the working tree's, each a Lakegate in front of the same upstream, each loaded by its own
// clients over the same seconds — whatever the machine does, it does to both. Each round prints the CPU
// per request of each (its children's included) and the difference; the median difference over the rounds
// is the answer. Measured against itself, its rounds differed by up to ±10 % (5-s rounds) or ±7 % (8-s
// rounds) and the median by 1–2 %: a change of less than about 3 % cannot be told from noise.
//
// Settings (environment): BENCH_AB_BASE (a git revision), BENCH_ROUNDS (default 6), BENCH_SECONDS (per
// round, default 5), BENCH_WARMUP_SECONDS (default 4), BENCH_CLIENTS (connections to each Lakegate, default
// 8), BENCH_SCENARIOS (one of the plain HTTP/1.1 Lakegate rows of run.mjs, default "lakegate chat"),
// BENCH_LOADER=node (Node clients even when wrk is installed).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { median } from '../common/median.mjs';
import { repoRoot, runRecord, writeResults } from '../common/results.mjs';
import { listSetting, numberSetting } from '../common/settings.mjs';
import {
  benchAdminKey,
  killAllNow,
  startLakegate,
  startLoadGenerator,
  startUpstream,
  stopAll,
  upstreamProviderYaml,
} from './children.mjs';
import { clockTicksPerSecond, descendantPids, statusKb, summedRssKb, treeCpuTicks } from './proc-stats.mjs';
import { scenariosFor } from './scenarios.mjs';
import { runWrk, wrkVersion } from './wrk-load.mjs';

const settings = {
  base: process.env.BENCH_AB_BASE || 'HEAD',
  rounds: numberSetting('BENCH_ROUNDS', 6, 1, 100),
  seconds: numberSetting('BENCH_SECONDS', 5, 1, 600),
  warmupSeconds: numberSetting('BENCH_WARMUP_SECONDS', 4, 0, 600),
  clients: numberSetting('BENCH_CLIENTS', 8, 1, 256),
  scenario: (listSetting('BENCH_SCENARIOS') ?? ['lakegate chat'])[0],
  loader: process.env.BENCH_LOADER === 'node' ? 'node' : 'auto',
};

const git = (...args) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();

let scratch;
let worktree;

function cleanUp() {
  killAllNow();
  if (worktree) {
    try {
      git('worktree', 'remove', '--force', worktree);
    } catch {
      // Removed below with the folder; `git worktree prune` forgets it.
    }
    worktree = undefined;
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/**
 * The base revision, checked out and built beside this one. It borrows this checkout's node_modules: a
 * base whose lockfile differs is measured with today's dependencies, which the header says.
 */
function buildBase(revision) {
  const commit = git('rev-parse', '--short', `${revision}^{commit}`);
  worktree = join(scratch, `base-${commit}`);
  git('worktree', 'add', '--detach', '--quiet', worktree, commit);
  symlinkSync(join(repoRoot, 'node_modules'), join(worktree, 'node_modules'));
  process.stdout.write(`building ${revision} (${commit}) in ${worktree} ... `);
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: worktree,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  console.log('done');
  let sameLockfile = true;
  try {
    git('diff', '--quiet', commit, '--', 'package-lock.json');
  } catch {
    sameLockfile = false;
  }
  return { commit, sameLockfile };
}

/** One load runner per Lakegate, so neither waits for the other's clients. */
async function loadRunners(count) {
  if (settings.loader === 'auto' && wrkVersion()) {
    return Array.from({ length: count }, () => ({ name: 'wrk', run: runWrk }));
  }
  const runners = [];
  for (let i = 0; i < count; i++) {
    const generator = await startLoadGenerator();
    runners.push({
      name: 'node',
      run: (target, clients, seconds) => generator.run(target, clients, seconds),
    });
  }
  return runners;
}

async function main() {
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  const ticksPerSecond = clockTicksPerSecond();
  scratch = mkdtempSync(join(tmpdir(), 'lakegate-bench-ab-'));
  const base = buildBase(settings.base);
  const adminKey = benchAdminKey();
  const upstream = await startUpstream();
  const configPath = join(scratch, 'lakegate.yaml');
  writeFileSync(configPath, upstreamProviderYaml(upstream.url));
  const sides = [
    { name: `base ${base.commit}`, root: worktree },
    { name: 'working tree', root: repoRoot },
  ];
  for (const [i, side] of sides.entries()) {
    Object.assign(
      side,
      await startLakegate({ repoRoot: side.root, home: join(scratch, `home-${i}`), configPath, adminKey }),
    );
  }
  const shape = scenariosFor(
    { upstream, proxy: upstream, lakegate: upstream, governed: upstream },
    adminKey,
    adminKey,
  ).find((row) => row.scenario === settings.scenario && row.via === 'lakegate' && !row.h2c);
  if (!shape)
    throw new Error(`BENCH_SCENARIOS=${settings.scenario}: not a plain HTTP/1.1 Lakegate row of run.mjs`);
  const targetOf = (side) => ({ ...shape, server: undefined, origin: side.url });
  const runners = await loadRunners(sides.length);
  const loadBoth = (seconds) =>
    Promise.all(sides.map((side, i) => runners[i].run(targetOf(side), settings.clients, seconds)));

  console.log(
    `${settings.scenario}, ${settings.clients} connections to each, ${settings.rounds} rounds of ${settings.seconds} s, load from ${runners[0].name}` +
      (base.sameLockfile
        ? ''
        : `\nnote: ${base.commit}'s package-lock.json differs; it runs with this checkout's node_modules`),
  );
  if (settings.warmupSeconds > 0) await loadBoth(settings.warmupSeconds);
  const rounds = [];
  for (let round = 1; round <= settings.rounds; round++) {
    const before = sides.map((side) => treeCpuTicks(side.pid));
    const results = await loadBoth(settings.seconds);
    const after = sides.map((side) => treeCpuTicks(side.pid));
    const measured = sides.map((side, i) => {
      const r = results[i];
      if (r.errors > 0) throw new Error(`${side.name}: ${r.errors} failed requests (${r.firstError})`);
      return {
        cpuUs: ((after[i] - before[i]) * 1e6) / ticksPerSecond / r.requests,
        rps: r.requests / (r.elapsedMs / 1000),
        p50: r.latency.p50,
        rssMb: statusKb(side.pid, 'VmRSS') / 1024,
        childrenRssMb: summedRssKb(descendantPids(side.pid)) / 1024,
      };
    });
    rounds.push({ round, base: measured[0], working: measured[1] });
  }

  const change = (row) => (100 * (row.working.cpuUs - row.base.cpuUs)) / row.base.cpuUs;
  const whole = fixed(0);
  const signedPercent = (value) => `${value >= 0 ? '+' : ''}${fixed(1)(value)} %`;
  console.log(
    formatMarkdownTable(
      [
        { title: 'round', value: (r) => String(r.round) },
        { title: 'base µs/req', value: (r) => whole(r.base.cpuUs) },
        { title: 'working µs/req', value: (r) => whole(r.working.cpuUs) },
        { title: 'change', value: (r) => signedPercent(change(r)) },
        { title: 'base req/s', value: (r) => whole(r.base.rps) },
        { title: 'working req/s', value: (r) => whole(r.working.rps) },
        {
          title: 'base RSS MB',
          value: (r) => `${whole(r.base.rssMb)} + ${whole(r.base.childrenRssMb)}`,
        },
        {
          title: 'working RSS MB',
          value: (r) => `${whole(r.working.rssMb)} + ${whole(r.working.childrenRssMb)}`,
        },
      ],
      rounds,
    ),
  );
  const medianChange = median(rounds.map(change));
  const lowest = Math.min(...rounds.map(change));
  const highest = Math.max(...rounds.map(change));
  console.log(
    `\nCPU per request, working tree against ${base.commit}: ${signedPercent(medianChange)} ` +
      `(median of ${rounds.length} rounds; rounds from ${lowest.toFixed(1)} to ${highest.toFixed(1)} %). ` +
      `Medians: ${whole(median(rounds.map((r) => r.base.cpuUs)))} against ${whole(median(rounds.map((r) => r.working.cpuUs)))} µs, ` +
      `${whole(median(rounds.map((r) => r.base.rps)))} against ${whole(median(rounds.map((r) => r.working.rps)))} req/s.\n` +
      'RSS: the Lakegate process + its children (the usage store), at the end of each round.',
  );
  const file = writeResults({
    ...runRecord('gateway-ab', startedAt, loadBefore),
    settings: { ...settings, base: `${settings.base} (${base.commit})`, loader: runners[0].name },
    medianCpuChangePercent: medianChange,
    rounds,
  });
  console.log(`results: ${file}`);
}

process.on('SIGINT', () => {
  cleanUp();
  process.exit(130);
});

main()
  .then(async () => {
    await stopAll();
    cleanUp();
  })
  .catch(async (error) => {
    console.error(error);
    await stopAll().catch(() => undefined);
    cleanUp();
    process.exitCode = 1;
  });
