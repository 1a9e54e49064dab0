// Tries to get around governed SQL, not only to follow it: every attempt must fail with a clear error or
// return only the rows and (masked) values the caller may read, and "not found or no permission" must never
// reveal that a table exists.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Securable } from '../../catalog/index.js';
import { isLakegateError } from '../../core/index.js';
import { runGoverned } from './run-governed.js';
import { type GuardMode, SqlGovernor } from './sql-governor.js';
import { openSqlWorld, physicalName, type SqlWorld } from './test-support.js';

type Outcome = { rows: Array<Record<string, unknown>> } | { code: string; message: string };

describe('governed SQL leak suite', () => {
  let world: SqlWorld;
  let governor: SqlGovernor;
  let ana: Actor; // EU adjuster: EU rows only, email masked
  let bob: Actor; // no grants at all
  let claims: Securable;
  let secret: Securable;

  beforeAll(async () => {
    world = await openSqlWorld();
    governor = new SqlGovernor({ engine: world.engine, catalog: world.catalog, relations: world.relations });
    await world.group('auditors');
    await world.group('eu_adjusters');
    await world.group('adjusters');
    await world.catalog.identity.addMember('adjusters', 'eu_adjusters', world.admin.principalId);
    ana = await world.user('ana', 'eu_adjusters');
    bob = await world.user('bob');
    claims = await world.table(
      'ins.claims.claims',
      [
        ['id', 'INTEGER'],
        ['region', 'VARCHAR'],
        ['amount', 'DOUBLE'],
        ['email', 'VARCHAR'],
        ['tags', 'VARCHAR[]'],
      ],
      `(1, 'EU', 100, 'a@x.eu', ['a']), (2, 'US', 200, 'b@x.us', ['vip']), (3, 'EU', 300, 'c@x.eu', ['b'])`,
    );
    // A physical column the catalog does not declare: never visible through governed SQL.
    await world.run(`ALTER TABLE ${physicalName(claims)} ADD COLUMN ssn VARCHAR DEFAULT '123-45-6789'`);
    await world.snapshot(claims, 1);
    await world.run(`INSERT INTO ${physicalName(claims, 1)} VALUES (9, 'US', 900, 'old@x.us', ['x'], '999')`);
    secret = await world.table(
      'ins.hr.salaries',
      [
        ['name', 'VARCHAR'],
        ['salary', 'INTEGER'],
      ],
      `('ceo', 1000000)`,
    );
    await world.catalog.securables.setRowFilter(
      world.admin,
      claims.fullName,
      `is_member('auditors') OR (region = 'EU' AND is_member('adjusters'))`,
    );
    await world.catalog.securables.setColumnMask(
      world.admin,
      claims.fullName,
      'email',
      `CASE WHEN is_account_group_member('auditors') THEN email ELSE '***' END`,
    );
    await world.grant('ana', 'catalog', 'ins', 'USE CATALOG');
    await world.grant('ana', 'schema', 'ins.claims', 'USE SCHEMA', 'SELECT');
    // ana may see that the hr schema exists (USE SCHEMA) and browse its tables, but not read them.
    await world.grant('ana', 'schema', 'ins.hr', 'USE SCHEMA', 'BROWSE');
  });
  afterAll(() => world?.close());

  /** Every attempt runs as the statement service runs it; one test repeats attempts with the guard always on. */
  let guard: GuardMode = 'on-error';

  async function attempt(actor: Actor, sql: string): Promise<Outcome> {
    try {
      const governed = await governor.govern(actor, sql, { catalog: 'ins', schema: 'claims', guard });
      return {
        rows: await world.engine.withConnection((c) =>
          runGoverned(c, governed, async (text) => (await c.runAndReadAll(text)).getRowObjectsJson()),
        ),
      };
    } catch (error) {
      if (isLakegateError(error)) return { code: error.code, message: error.message };
      return { code: 'ENGINE', message: error instanceof Error ? error.message : String(error) };
    }
  }

  const refused = async (actor: Actor, sql: string, code = 'VALIDATION_FAILED') => {
    const outcome = await attempt(actor, sql);
    expect(outcome, sql).toMatchObject({ code });
    return outcome as { code: string; message: string };
  };
  const rows = async (actor: Actor, sql: string) => {
    const outcome = await attempt(actor, sql);
    if (!('rows' in outcome)) throw new Error(`${sql}: ${outcome.code} ${outcome.message}`);
    return outcome.rows;
  };
  /** No value anywhere in the result is a hidden row's or a masked value. */
  const clean = (result: Array<Record<string, unknown>>) => {
    const text = JSON.stringify(result);
    for (const hidden of [
      'b@x.us',
      'a@x.eu',
      'c@x.eu',
      'old@x.us',
      '123-45-6789',
      'US',
      '200',
      '900',
      'vip',
      'ceo',
    ]) {
      expect(text, `result holds ${hidden}: ${text}`).not.toContain(hidden);
    }
  };

  it('reads only permitted rows and masked values', async () => {
    expect(await rows(ana, 'SELECT id, region, email FROM claims ORDER BY id')).toEqual([
      { id: 1, region: 'EU', email: '***' },
      { id: 3, region: 'EU', email: '***' },
    ]);
    expect(await rows(ana, 'SELECT count(*)::INT AS n, sum(amount) AS s FROM claims')).toEqual([
      { n: 2, s: 400 },
    ]);
    clean(await rows(ana, 'SELECT * FROM claims'));
    clean(await rows(ana, 'FROM claims SELECT email, tags'));
  });

  it('refuses table functions that read files or run SQL from strings', async () => {
    const physical = physicalName(claims).replaceAll('"', '');
    for (const sql of [
      `SELECT * FROM read_csv('/etc/passwd')`,
      `SELECT * FROM read_csv_auto('/etc/passwd')`,
      `SELECT * FROM read_parquet('x.parquet')`,
      `SELECT * FROM read_json('x.json')`,
      `SELECT * FROM read_text('/etc/hostname')`,
      `SELECT * FROM query('SELECT * FROM ${physical}')`,
      `SELECT * FROM query_table('${physical}')`,
      `SELECT * FROM glob('/*')`,
      `SELECT * FROM range(3) r, query_table('${physical}')`,
      `SELECT 1 UNION ALL SELECT count(*) FROM read_blob('/etc/passwd')`,
      `SELECT (SELECT count(*) FROM query('SELECT 1'))`,
      `SELECT * FROM sniff_csv('/etc/passwd')`,
      `SELECT * FROM main.range(3)`,
    ]) {
      const { message } = await refused(ana, sql);
      expect(message).toMatch(/not allowed|not supported/);
    }
  });

  it('does not read file paths or physical tables named directly', async () => {
    for (const sql of [
      `SELECT * FROM '/etc/passwd'`,
      `SELECT * FROM 'data.csv'`,
      `SELECT * FROM ${physicalName(claims)}`,
      `SELECT * FROM memory.${physicalName(claims)}`,
      `SELECT * FROM main.lg_physical.t_x`,
      'SELECT * FROM information_schema.tables',
      'SELECT * FROM pg_catalog.pg_class',
      'SELECT * FROM system.main.duckdb_tables',
      'SELECT * FROM temp.main.x',
      'SELECT * FROM pragma_database_list',
    ]) {
      await refused(ana, sql, 'NOT_FOUND');
    }
  });

  it('refuses every statement other than one SELECT', async () => {
    for (const sql of [
      `ATTACH '/tmp/x.db' AS x`,
      `COPY (SELECT * FROM claims) TO '/tmp/out.csv'`,
      `EXPORT DATABASE '/tmp/dump'`,
      'PRAGMA database_list',
      'PRAGMA show_tables',
      `SET VARIABLE who = 'auditor'`,
      `SET search_path = 'lg_physical'`,
      `RESET search_path`,
      'CHECKPOINT',
      'CREATE TEMP TABLE t AS SELECT 1',
      'INSTALL httpfs',
      'LOAD httpfs',
      `CREATE MACRO m() AS 1`,
      `INSERT INTO claims VALUES (4, 'EU', 1, 'x', [])`,
      'DELETE FROM claims',
      'DROP TABLE claims',
      'EXPLAIN SELECT * FROM claims',
      'PIVOT claims ON region USING sum(amount)',
      'SELECT 1; SELECT * FROM claims',
      'SELECT 1; DROP TABLE claims',
      'SHOW TABLES',
      'DESCRIBE claims',
      'SUMMARIZE claims',
      'CALL duckdb_tables()',
      'USE lg_physical',
      '',
      '   -- only a comment',
    ]) {
      await refused(ana, sql);
    }
  });

  it('refuses session variables, settings and metadata functions', async () => {
    for (const sql of [
      `SELECT getvariable('who')`,
      `SELECT current_setting('allowed_directories')`,
      `SELECT * FROM duckdb_tables()`,
      `SELECT * FROM duckdb_settings()`,
      `SELECT * FROM duckdb_secrets()`,
      `SELECT * FROM duckdb_functions()`,
      `SELECT * FROM pragma_table_info('claims')`,
      `SELECT pg_get_viewdef(1)`,
      `SELECT format_type(1, 1)`,
      `SELECT get_block_size('memory')`,
      `SELECT current_schemas(true)`,
      `SELECT nextval('s')`,
      `SELECT pg_catalog.lower('x')`,
      `SELECT main.getvariable('x')`,
      `SELECT id FROM claims WHERE getvariable('x') IS NULL`,
      `SELECT list_transform([1], x -> getvariable('x'))`,
    ]) {
      await refused(ana, sql);
    }
  });

  it('says the same for a missing table and one the caller may not read', async () => {
    const hidden = await refused(ana, 'SELECT * FROM ins.hr.salaries', 'NOT_FOUND');
    const missing = await refused(ana, 'SELECT * FROM ins.hr.nothing', 'NOT_FOUND');
    expect(hidden.message.replace('salaries', 'X')).toBe(missing.message.replace('nothing', 'X'));
    const invisible = await refused(bob, 'SELECT * FROM ins.claims.claims', 'NOT_FOUND');
    const nowhere = await refused(bob, 'SELECT * FROM ins.claims.nope', 'NOT_FOUND');
    expect(invisible.message.replace('claims.claims', 'X')).toBe(nowhere.message.replace('claims.nope', 'X'));
    // Hidden even when it appears deep inside an otherwise valid query.
    await refused(ana, 'SELECT id FROM claims WHERE id IN (SELECT salary FROM ins.hr.salaries)', 'NOT_FOUND');
    await refused(
      ana,
      `SELECT list_transform([1], x -> (SELECT max(salary) FROM ins.hr.salaries))`,
      'NOT_FOUND',
    );
    expect(secret.fullName).toBe('ins.hr.salaries');
  });

  it('keeps CTEs that shadow governed tables from bypassing them', async () => {
    clean(await rows(ana, 'WITH claims AS (SELECT * FROM claims) SELECT * FROM claims'));
    clean(
      await rows(ana, 'WITH c AS (SELECT * FROM claims), claims AS (SELECT * FROM c) SELECT * FROM claims'),
    );
    // A CTE declared inside a subquery is not visible outside it: the outer name is a governed table.
    await refused(ana, 'SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) a, x', 'NOT_FOUND');
    // A recursive CTE named like the table reads only its own values.
    expect(
      await rows(
        ana,
        'WITH RECURSIVE claims(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM claims WHERE id < 3) SELECT id FROM claims',
      ),
    ).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    // In a recursive CTE's anchor the name is still the governed table.
    clean(
      await rows(
        ana,
        'WITH RECURSIVE claims AS (SELECT * FROM claims UNION ALL SELECT * FROM claims WHERE false) SELECT * FROM claims',
      ),
    );
    await refused(ana, 'WITH duckdb_tables AS (SELECT 1) SELECT * FROM duckdb_tables');
    await refused(ana, 'WITH pg_class AS (SELECT 1) SELECT 1');
    await refused(ana, 'SELECT * FROM duckdb_tables', 'NOT_FOUND');
    await refused(ana, 'SELECT * FROM pg_class', 'NOT_FOUND');
    const physical = `t_${claims.id}`;
    clean(await rows(ana, `WITH "${physical}" AS (SELECT * FROM claims) SELECT * FROM "${physical}"`));
  });

  it('lets predicates, joins and grouping see only masked values', async () => {
    expect(await rows(ana, `SELECT id FROM claims WHERE email = 'a@x.eu'`)).toEqual([]);
    expect(await rows(ana, `SELECT id FROM claims WHERE email LIKE '%x.us'`)).toEqual([]);
    expect(await rows(ana, `SELECT count(*)::INT AS n FROM claims WHERE region = 'US'`)).toEqual([{ n: 0 }]);
    expect(await rows(ana, 'SELECT email, count(*)::INT AS n FROM claims GROUP BY email')).toEqual([
      { email: '***', n: 2 },
    ]);
    clean(await rows(ana, 'SELECT a.email, b.amount FROM claims a JOIN claims b ON a.id = b.id'));
    clean(await rows(ana, 'SELECT * FROM claims a FULL OUTER JOIN claims b USING (id)'));
    clean(await rows(ana, 'SELECT email FROM claims UNION ALL SELECT region FROM claims'));
    clean(await rows(ana, 'SELECT * FROM claims EXCEPT SELECT * FROM claims WHERE id = 1'));
    clean(
      await rows(ana, 'SELECT max(email) OVER (PARTITION BY region) AS m, lag(amount) OVER () FROM claims'),
    );
    clean(await rows(ana, 'SELECT * FROM claims, LATERAL (SELECT email AS e2) x'));
    clean(await rows(ana, 'SELECT COLUMNS(*) FROM claims'));
    clean(await rows(ana, `SELECT COLUMNS('.*') FROM claims`));
    clean(await rows(ana, 'SELECT * EXCLUDE (id) FROM claims'));
    clean(await rows(ana, 'SELECT * FROM claims USING SAMPLE 100%'));
    expect((await attempt(ana, 'SELECT ssn FROM claims')) as { code: string }).toHaveProperty('code');
    expect((await attempt(ana, 'SELECT rowid FROM claims')) as { code: string }).toHaveProperty('code');
  });

  it('governs subqueries everywhere, lambdas and table function arguments included', async () => {
    // DuckDB cannot bind subqueries inside lambdas: the rewrite governs them anyway, and the engine refuses.
    const inLambda = await attempt(
      ana,
      'SELECT list_transform([1, 2], x -> (SELECT list(email) FROM claims)) AS l',
    );
    expect(inLambda).toMatchObject({ message: expect.stringMatching(/subqueries in lambda/) });
    await refused(
      ana,
      'SELECT list_transform([1], x -> (SELECT max(salary) FROM ins.hr.salaries))',
      'NOT_FOUND',
    );
    clean(await rows(ana, 'SELECT list_filter((SELECT list(region) FROM claims), r -> r <> $$EU$$) AS l'));
    clean(await rows(ana, 'SELECT * FROM unnest((SELECT list(email) FROM claims))'));
    clean(await rows(ana, 'SELECT (SELECT max(amount) FROM claims) AS m'));
    expect(await rows(ana, 'SELECT (SELECT max(amount) FROM claims) AS m')).toEqual([{ m: 300 }]);
    clean(await rows(ana, 'SELECT EXISTS (SELECT 1 FROM claims WHERE region = $$US$$) AS e'));
    expect(await rows(ana, `SELECT EXISTS (SELECT 1 FROM claims WHERE region = 'US') AS e`)).toEqual([
      { e: false },
    ]);
    clean(await rows(ana, 'SELECT * FROM range(3) r(i) WHERE i IN (SELECT id FROM claims)'));
    clean(await rows(ana, `SELECT CASE WHEN (SELECT count(*) FROM claims) > 2 THEN 'US' END AS c`));
  });

  it('raises no error that depends on a row the caller may not read', async () => {
    for (const mode of ['on-error', 'always'] as const) {
      guard = mode;
      await noErrorFromHiddenRows();
    }
    guard = 'on-error';
    const governed = await governor.govern(ana, 'SELECT id FROM claims', {
      catalog: 'ins',
      schema: 'claims',
    });
    const guarded = await world.engine.withConnection((c) => governed.guarded!(c));
    const cases = (text: string) => text.match(/CASE\s+WHEN/g)?.length ?? 0;
    // One guard per column of the table (five), besides the mask's own CASE.
    expect(cases(guarded) - cases(governed.sql)).toBe(5);
    // A table without a row filter needs no guard.
    const plain = await governor.govern(ana, 'SELECT 1', {});
    expect(plain.guarded).toBeUndefined();
  });

  async function noErrorFromHiddenRows() {
    for (const sql of [
      `SELECT id FROM claims WHERE CASE WHEN region = 'US' THEN error('leak: a US row') ELSE true END`,
      `SELECT id FROM claims WHERE CAST(CASE WHEN amount = 200 THEN 'x' ELSE '1' END AS INTEGER) = 1`,
      `SELECT id FROM claims WHERE (CASE WHEN email LIKE '%us' THEN error('leak') ELSE 1 END) = 1`,
      `SELECT id, CASE WHEN region = 'US' THEN error('leak') END AS x FROM claims`,
      `SELECT id FROM claims WHERE list_contains(tags, 'vip') = false OR error('leak')`,
    ]) {
      const outcome = await attempt(ana, sql);
      expect(outcome, `${guard}: ${sql}`).toHaveProperty('rows');
      clean((outcome as { rows: Array<Record<string, unknown>> }).rows);
    }
  }

  it('filters and masks older versions too', async () => {
    const old = await rows(ana, 'SELECT id, email FROM claims AT (VERSION => 1) ORDER BY id');
    expect(old).toEqual([
      { id: 1, email: '***' },
      { id: 3, email: '***' },
    ]);
    await refused(ana, `SELECT * FROM claims AT (VERSION => 'x')`);
    await refused(ana, 'SELECT * FROM ins.hr.salaries AT (VERSION => 1)', 'NOT_FOUND');
  });

  it('is not fooled by comments, quoting and unicode', async () => {
    clean(await rows(ana, 'SELECT * FROM "claims" /* a comment ; DROP TABLE x */ -- another'));
    clean(await rows(ana, 'SELECT * FROM "ins"."claims"."CLAIMS"'));
    clean(await rows(ana, 'SELECT * FROM claims;'));
    clean(await rows(ana, "select * from CLAIMS where REGION = 'EU'"));
    await refused(ana, 'SELECT * FROM "clаims"', 'NOT_FOUND'); // Cyrillic а
    await refused(ana, 'SELECT * FROM "claims\u200b"', 'NOT_FOUND');
    await refused(ana, 'SELECT * FROM "ins.claims.claims"', 'NOT_FOUND');
    expect(await rows(ana, `SELECT 'x' AS "ünï", '"query_location":18446744073709551615' AS s`)).toEqual([
      { ünï: 'x', s: '"query_location":18446744073709551615' },
    ]);
    expect(await rows(ana, 'SELECT 18446744073709551615::HUGEINT::VARCHAR AS big')).toEqual([
      { big: '18446744073709551615' },
    ]);
    await refused(ana, 'SELECT $1');
    await refused(ana, 'SELECT ?');
  });

  it('survives the rebuild check on forms DuckDB writes back differently, and odd spellings', async () => {
    // VALUES is rebuilt as a subquery, so the rebuilt SQL is re-walked on its own.
    const mixed = await rows(ana, `SELECT email FROM claims UNION ALL VALUES ('x') ORDER BY 1`);
    expect(mixed).toEqual([{ email: '***' }, { email: '***' }, { email: 'x' }]);
    clean(await rows(ana, `SELECT * FROM (VALUES (1)) v(id) JOIN claims USING (id)`));
    // A table alias used as a value is the row as a struct: of the governed columns only.
    clean(await rows(ana, 'SELECT c FROM claims c'));
    clean(await rows(ana, `SELECT COLUMNS(c -> c LIKE '%s%') FROM claims`));
    // A user alias named like the governed source does not change what the policy reads.
    expect(
      await rows(
        ana,
        `SELECT claims.id, claims.region FROM (SELECT 'US' AS region) __lg_src, claims ORDER BY 1`,
      ),
    ).toEqual([
      { id: 1, region: 'EU' },
      { id: 3, region: 'EU' },
    ]);
    clean(await rows(ana, 'SELECT __lg_src.email FROM claims __lg_src'));
    for (const sql of [
      `SELECT "getvariable"('x')`,
      `SELECT GETVARIABLE('x')`,
      'SELECT * FROM system.main.range(3)',
    ]) {
      await refused(ana, sql);
    }
    await refused(ana, 'SELECT * FROM claims AT (TIMESTAMP => now())');
  });

  it('inlines identity as literals that SET VARIABLE cannot change', async () => {
    expect(
      await rows(
        ana,
        'SELECT current_user() AS me, is_member($$auditors$$) AS a, is_member($$adjusters$$) AS j',
      ),
    ).toEqual([{ me: 'ana', a: false, j: true }]);
    const governed = await governor.govern(ana, 'SELECT * FROM claims', { catalog: 'ins', schema: 'claims' });
    expect(governed.sql).not.toMatch(/getvariable|is_member|current_user/i);
  });
});
