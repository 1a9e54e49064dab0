// `npm run bench:sql`: what governance costs a query. A claims table of BENCH_SQL_ROWS rows (default 5
// million) with a row filter and a mask; ~9 analytic queries, each run
//   raw        on the physical table, no policy (reads every row: for scale only),
//   by hand    with the same policy written into the query by hand (the baseline),
//   governed   through the governed path as the statement service runs it (rewrite from the plan cache
//              after the first run, then the rewritten SQL),
//   guarded    governed with the filtered-row guard always on (guard mode `always`; the default
//              `on-error` runs it only when the plain form fails: src/data/sql/governed-relation.ts),
// reporting medians, governed / by hand (target ≤ 1.10), and the cold rewrite overhead (parse, check,
// rewrite, rebuild and re-check, without the plan cache: what a statement's first run adds), and whether
// DuckDB's physical plans for the governed and hand-written forms are the same (aliases aside). Governed and hand-written results must be equal, or the run fails. Runs in-process on dist/
// (build first: npx tsc -p tsconfig.build.json).
//
// Settings (environment): BENCH_SQL_ROWS (default 5000000), BENCH_SQL_RUNS (measured runs per query and
// mode, default 5), BENCH_SQL_THREADS (DuckDB threads, default all cores).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog } from '../../dist/catalog/index.js';
import { openGovernedData, SqlGovernor } from '../../dist/data/index.js';
import { openStore } from '../../dist/store/index.js';
import { fixed, formatMarkdownTable } from '../common/markdown-table.mjs';
import { median } from '../common/median.mjs';
import { runRecord, writeResults } from '../common/results.mjs';
import { numberSetting } from '../common/settings.mjs';
import { buildClaims, handWrittenClaims } from './claims-data.mjs';
import { instantiate, QUERIES } from './queries.mjs';

const log = (line) => process.stdout.write(`${line}\n`);
/** Results as comparable text: floating sums differ in the last digits between parallel runs. */
const canonical = (rows) =>
  JSON.stringify(rows, (_, v) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v,
  );

async function main() {
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  const rows = numberSetting('BENCH_SQL_ROWS', 5_000_000, 1000, 1e9);
  const runs = numberSetting('BENCH_SQL_RUNS', 5, 1, 100);
  const threads = numberSetting('BENCH_SQL_THREADS', 0, 0, 256);
  const dir = mkdtempSync(join(tmpdir(), 'lakegate-bench-sql-'));
  const store = await openStore({ sqlitePath: join(dir, 'control.db') });
  const catalog = openCatalog({ store, masterKey: randomBytes(32) });
  const data = await openGovernedData({ catalog, home: dir, ...(threads ? { threads } : {}) });
  try {
    const { admin: principal } = await catalog.identity.bootstrapAdmin({});
    const admin = { principalId: principal.id, name: principal.name, kind: 'user', isAdmin: true };
    await catalog.securables.ensureMetastore(admin.principalId);
    const built = performance.now();
    const world = await buildClaims({ catalog, data, admin, rows });
    log(
      `claims: ${rows.toLocaleString('en-US')} rows generated in ${((performance.now() - built) / 1000).toFixed(1)} s`,
    );
    const alwaysGuard = new SqlGovernor({
      engine: data.engine,
      catalog,
      relations: data.tables,
      guard: 'always',
    });
    // Rewrite overhead is measured cold (no plan cache): what the first run of a statement pays.
    const cold = new SqlGovernor({ engine: data.engine, catalog, relations: data.tables, planCacheSize: 0 });
    const context = { catalog: 'ins', schema: 'claims' };
    const run = (sql) => data.engine.withConnection(async (c) => (await c.runAndReadAll(sql)).getRowsJson());
    // A query as the user writes it (governed table names) and with the policy written in by hand.
    const asWritten = (q) => instantiate(q.sql, { claims: 'claims', regions: 'regions' });
    const byHand = (q) =>
      instantiate(q.sql, { claims: handWrittenClaims(world.claimsRelation), regions: world.regionsRelation });
    const modes = {
      raw: async (q) =>
        run(instantiate(q.sql, { claims: world.claimsRelation, regions: world.regionsRelation })),
      hand: async (q) => run(byHand(q)),
      governed: async (q) => run((await data.sql.govern(world.actor, asWritten(q), context)).sql),
      rewrite: async (q, timings) => {
        const governed = await cold.govern(world.actor, asWritten(q), context);
        timings.push(governed.timings.parseMs + governed.timings.rewriteMs + governed.timings.rebuildMs);
      },
      guarded: async (q) => run((await alwaysGuard.govern(world.actor, asWritten(q), context)).sql),
    };
    // The physical plans of governed and hand-written forms, compared with relation aliases, row estimates
    // and box drawing taken out: equal plans mean the remaining difference in time is the machine's noise.
    const plan = (sql) =>
      data.engine.withConnection(async (c) =>
        (await c.runAndReadAll(`EXPLAIN ${sql}`))
          .getRows()
          .map((r) => String(r[1]))
          .join('\n')
          .replace(/~[\d,]+ rows?/g, '')
          .replace(/[\s│┌┐└┘─┬┴├┤]+/g, '')
          .replace(/(unnamed_subquery|claims|regions)\./g, ''),
      );
    const results = [];
    for (const query of QUERIES) {
      // Equal answers first: a fast wrong answer is no answer.
      const [hand, governed, guarded] = [
        await modes.hand(query),
        await modes.governed(query),
        await modes.guarded(query),
      ];
      const same = canonical(hand) === canonical(governed) && canonical(hand) === canonical(guarded);
      if (!same) throw new Error(`${query.name}: the governed result differs from the hand-written one`);
      await modes.raw(query);
      const governedSql = (await data.sql.govern(world.actor, asWritten(query), context)).sql;
      const samePlan = (await plan(governedSql)) === (await plan(byHand(query)));
      const times = { raw: [], hand: [], governed: [], guarded: [] };
      const rewrite = [];
      for (let i = 0; i < runs; i++) {
        // Interleaved, so drift in the machine's load touches every mode alike.
        for (const mode of ['raw', 'hand', 'governed', 'guarded']) {
          const t = performance.now();
          await modes[mode](query);
          times[mode].push(performance.now() - t);
        }
        await modes.rewrite(query, rewrite);
      }
      const row = {
        query: query.name,
        rows: hand.length,
        samePlan,
        rawMs: median(times.raw),
        handMs: median(times.hand),
        governedMs: median(times.governed),
        guardedMs: median(times.guarded),
        rewriteMs: median(rewrite),
      };
      row.ratio = row.governedMs / row.handMs;
      row.guardedRatio = row.guardedMs / row.handMs;
      results.push(row);
      log(`  ${query.name}: governed ${row.governedMs.toFixed(1)} ms, by hand ${row.handMs.toFixed(1)} ms`);
    }
    const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
    log('');
    log(
      formatMarkdownTable(
        [
          { title: 'query', value: (r) => r.query, align: 'left' },
          { title: 'rows', value: (r) => String(r.rows) },
          { title: 'raw ms', value: (r) => fixed(1)(r.rawMs) },
          { title: 'by hand ms', value: (r) => fixed(1)(r.handMs) },
          { title: 'governed ms', value: (r) => fixed(1)(r.governedMs) },
          { title: 'governed/hand', value: (r) => `${fixed(2)(r.ratio)}×` },
          { title: 'rewrite ms', value: (r) => fixed(2)(r.rewriteMs) },
          {
            title: 'same plan',
            value: (r) => (r.samePlan === undefined ? '' : r.samePlan ? 'yes' : 'no'),
            align: 'left',
          },
          { title: 'guarded ms', value: (r) => fixed(1)(r.guardedMs) },
          { title: 'guarded/hand', value: (r) => `${fixed(2)(r.guardedRatio)}×` },
        ],
        [
          ...results,
          {
            query: 'all (sum)',
            rows: total('rows'),
            rawMs: total('rawMs'),
            handMs: total('handMs'),
            governedMs: total('governedMs'),
            ratio: total('governedMs') / total('handMs'),
            rewriteMs: total('rewriteMs'),
            guardedMs: total('guardedMs'),
            guardedRatio: total('guardedMs') / total('handMs'),
          },
        ],
      ),
    );
    log(`\nratio target ≤ 1.10×; medians of ${runs} runs; rows = rows returned.`);
    const file = writeResults({
      ...runRecord('sql', startedAt, loadBefore),
      settings: { rows, runs, threads },
      results,
    });
    log(`results: ${file}`);
  } finally {
    await data.close();
    await catalog.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
