// One store engine's share of the authorisation bench: open a store, build the catalog, check that the
// cached and uncached paths agree, then time each scenario. Every decision asks SELECT on a table for a
// user, both drawn from one seeded request mix, so the rows differ only in what they measure.

import { sql } from 'kysely';
import { bumpGeneration } from '../../dist/catalog/generation.js';
import { ancestorGroupIds } from '../../dist/catalog/identity/group-closure.js';
import { Authorizer, openCatalog } from '../../dist/catalog/index.js';
import { openStore } from '../../dist/store/index.js';
import { buildCatalog } from './build-catalog.mjs';
import { phasedRun, queryCounter, timedRun } from './measure.mjs';
import { seededRandom } from './random.mjs';

/** Questions in the mix; the uncached rows cycle through it. */
const MIX_SIZE = 1 << 16;
/** Distinct questions the cached row asks: well inside the authoriser's cache (50,000 by default). */
const WORKING_SET = 10_000;
/** Questions asked both ways before measuring: a cache that changed an answer would be a broken bench. */
const AGREEMENT_SAMPLE = 2_000;

function requestMix(world, seed) {
  const random = seededRandom(seed);
  const users = new Uint32Array(MIX_SIZE);
  const tables = new Uint32Array(MIX_SIZE);
  for (let i = 0; i < MIX_SIZE; i++) {
    users[i] = random.below(world.users.length);
    tables[i] = random.below(world.tables.length);
  }
  return { users, tables };
}

/** Calls `fn(0..count-1)` with at most `workers` calls in flight. */
async function inParallel(count, workers, fn) {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

function row(engine, scenario, clients, result) {
  return {
    engine,
    scenario: scenario.name,
    kind: scenario.kind,
    clients,
    ops: result.ops,
    opsPerSec: scenario.throughput === false ? Number.NaN : result.ops / (result.elapsedMs / 1000),
    p50Us: result.latency.p50 * 1000,
    p99Us: result.latency.p99 * 1000,
    meanUs: result.latency.mean * 1000,
    maxUs: result.latency.max * 1000,
    cpuUsPerOp: result.cpuUsPerOp,
    queriesPerOp: result.queriesPerOp,
    allowedShare: result.allowedShare,
  };
}

/**
 * Runs every scenario on one engine and returns its rows. `storeOptions` as for openStore; `log` gets
 * one line per step, so a slow setup is visible while it runs.
 */
export async function benchEngine({ engine, storeOptions, settings, log }) {
  const store = await openStore(storeOptions);
  const counter = queryCounter();
  // Every query of the catalog's services goes through the counting plugin, transactions included.
  const counted = { ...store, db: store.db.withPlugin(counter.plugin) };
  const catalog = openCatalog({ store: counted, masterKey: Buffer.alloc(32, 7), audit: {} });
  const rows = [];
  const meta = { engine, location: store.location };
  try {
    const setupStarted = performance.now();
    const world = await buildCatalog(counted, catalog);
    if (engine === 'postgres') {
      // A live server has analysed its tables long before anyone measures it; a fresh bulk load has not.
      await sql`analyze`.execute(store.db);
    }
    meta.setupSeconds = (performance.now() - setupStarted) / 1000;
    meta.counts = world.counts;
    log(`${engine}: catalog built in ${meta.setupSeconds.toFixed(1)} s (${JSON.stringify(world.counts)})`);

    const { db } = counted;
    const mix = requestMix(world, 42);
    const actorAt = (n) => world.users[mix.users[n % MIX_SIZE]];
    const tableAt = (n) => world.tables[mix.tables[n % MIX_SIZE]].id;
    const groupsOf = (id) => catalog.identity.groupsOf(id);
    const uncached = new Authorizer({ db, clock: catalog.clock, groupsOf, cacheSize: 0 });
    const bare = new Authorizer({
      db,
      clock: catalog.clock,
      groupsOf: (id) => ancestorGroupIds(db, id),
      cacheSize: 0,
    });
    const cached = catalog.authorizer;

    let mismatches = 0;
    await inParallel(AGREEMENT_SAMPLE, 8, async (n) => {
      const [a, b, c] = await Promise.all([
        uncached.authorize(actorAt(n), 'SELECT', tableAt(n)),
        bare.authorize(actorAt(n), 'SELECT', tableAt(n)),
        cached.authorize(actorAt(n), 'SELECT', tableAt(n)),
      ]);
      if (a.reason !== b.reason || a.reason !== c.reason) mismatches++;
    });
    if (mismatches > 0)
      throw new Error(`${engine}: ${mismatches} question(s) answered differently by the paths`);

    const grantRows = world.grantRows;
    const scenarios = [
      {
        name: 'floor: grants row by primary key',
        kind: 'floor',
        op: async (n) => {
          const g = grantRows[(n * 7919) % grantRows.length];
          const found = await db
            .selectFrom('grants')
            .select('privilege')
            .where('securable_id', '=', g.securable_id)
            .where('principal_id', '=', g.principal_id)
            .where('privilege', '=', g.privilege)
            .executeTakeFirst();
          if (!found) throw new Error('a grant row of the catalog is missing');
          return undefined;
        },
      },
      {
        name: 'uncached (decision cache off)',
        kind: 'uncached',
        op: async (n) => (await uncached.authorize(actorAt(n), 'SELECT', tableAt(n))).allowed,
      },
      {
        name: 'uncached, groups re-read too',
        kind: 'cold',
        op: async (n) => (await bare.authorize(actorAt(n), 'SELECT', tableAt(n))).allowed,
      },
      {
        name: `cached (warm, ${WORKING_SET / 1000}k questions)`,
        kind: 'cached',
        // Filled by concurrent callers: on PostgreSQL each miss waits for round trips, not for the CPU.
        prepare: () => inParallel(WORKING_SET, 16, (n) => cached.authorize(actorAt(n), 'SELECT', tableAt(n))),
        op: async (n) =>
          (await cached.authorize(actorAt(n % WORKING_SET), 'SELECT', tableAt(n % WORKING_SET))).allowed,
      },
    ];

    for (const clients of settings.clients) {
      for (const scenario of scenarios) {
        await scenario.prepare?.();
        if (settings.warmupSeconds > 0)
          await timedRun({ seconds: settings.warmupSeconds, clients, op: scenario.op, queries: counter });
        // The authoriser's cache is a private field; read at run time only to prove every question hit.
        const cacheBefore = cached.cache?.size;
        const result = await timedRun({
          seconds: settings.seconds,
          clients,
          op: scenario.op,
          queries: counter,
        });
        const r = row(engine, scenario, clients, result);
        if (scenario.kind === 'cached' && cacheBefore !== undefined)
          r.cacheGrew = cached.cache.size - cacheBefore;
        rows.push(r);
        log(`  ${engine}, ${scenario.name}, ${clients} client(s): ${r.opsPerSec.toFixed(0)}/s`);
      }
    }

    // What a change costs: a generation bump alone (its own transaction, as every change makes one), then
    // a real revoke through the service followed by the first decision after it, which meets an empty
    // cache. Each revoke is undone (untimed) before the next, so the catalog stays the same.
    const bump = {
      name: 'generation bump (transaction)',
      kind: 'bump',
      op: async () => {
        await db.transaction().execute((trx) => bumpGeneration(trx));
        catalog.clock.changed();
        return undefined;
      },
    };
    if (settings.warmupSeconds > 0)
      await timedRun({ seconds: settings.warmupSeconds, clients: 1, op: bump.op, queries: counter });
    const bumped = await timedRun({ seconds: settings.seconds, clients: 1, op: bump.op, queries: counter });
    rows.push(row(engine, bump, 1, bumped));

    const order = seededRandom(7).distinct(world.directSelects.length, world.directSelects.length);
    const change = (user, table, field) =>
      catalog.securables.updatePermissions(world.admin, 'table', table.fullName, [
        { principal: user.name, [field]: ['SELECT'] },
      ]);
    const step = async (n) => {
      const pair = world.directSelects[order[n % order.length]];
      const user = world.users[pair.user];
      const table = world.tables[pair.table];
      // Warm: the user's question answered from the cache before the revoke, as on a busy server.
      await cached.authorize(user, 'SELECT', table.id);
      const q0 = counter.count;
      const t0 = performance.now();
      await change(user, table, 'remove');
      const t1 = performance.now();
      const q1 = counter.count;
      const decision = await cached.authorize(user, 'SELECT', table.id);
      const t2 = performance.now();
      const q2 = counter.count;
      await change(user, table, 'add');
      return {
        revoke: { ms: t1 - t0, queries: q1 - q0 },
        first: { ms: t2 - t1, queries: q2 - q1, allowed: decision.allowed },
      };
    };
    if (settings.warmupSeconds > 0) await phasedRun({ seconds: settings.warmupSeconds, step });
    const revoked = await phasedRun({ seconds: settings.seconds, step });
    meta.revokeStepCpuUs = revoked.cpuUsPerStep;
    rows.push(
      row(
        engine,
        { name: 'revoke (updatePermissions)', kind: 'revoke', throughput: false },
        1,
        revoked.phases.revoke,
      ),
      row(
        engine,
        { name: '1st decision after revoke', kind: 'after-revoke', throughput: false },
        1,
        revoked.phases.first,
      ),
    );
  } finally {
    await catalog.close();
    await store.close();
  }
  return { rows, meta };
}
