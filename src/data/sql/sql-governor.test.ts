import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../catalog/index.js';
import { SqlGovernor } from './sql-governor.js';
import { openSqlWorld, type SqlWorld } from './test-support.js';

describe('SqlGovernor', () => {
  let world: SqlWorld;
  let governor: SqlGovernor;
  let analyst: Actor;
  let auditor: Actor;

  beforeAll(async () => {
    world = await openSqlWorld();
    governor = new SqlGovernor({ engine: world.engine, catalog: world.catalog, relations: world.relations });
    await world.group('auditors');
    await world.group('eu_adjusters');
    analyst = await world.user('ana', 'eu_adjusters');
    auditor = await world.user('aud', 'auditors');
    await world.table(
      'ins.claims.claims',
      [
        ['id', 'INTEGER'],
        ['region', 'VARCHAR'],
        ['amount', 'DOUBLE'],
        ['email', 'VARCHAR'],
      ],
      `(1, 'EU', 100, 'a@x.eu'), (2, 'US', 200, 'b@x.us'), (3, 'EU', 300, 'c@x.eu')`,
    );
    await world.catalog.securables.setRowFilter(
      world.admin,
      'ins.claims.claims',
      `is_member('auditors') OR (region = 'EU' AND is_account_group_member('eu_adjusters'))`,
    );
    await world.catalog.securables.setColumnMask(
      world.admin,
      'ins.claims.claims',
      'email',
      `CASE WHEN is_member('auditors') THEN email ELSE '***' END`,
    );
    for (const who of ['ana', 'aud']) {
      await world.grant(who, 'catalog', 'ins', 'USE CATALOG');
      await world.grant(who, 'schema', 'ins.claims', 'USE SCHEMA', 'SELECT');
    }
  });
  afterAll(() => world?.close());

  const query = async (actor: Actor, sql: string) => {
    const governed = await governor.govern(actor, sql, { catalog: 'ins', schema: 'claims' });
    return world.run(governed.sql);
  };

  it('applies the row filter and masks for the caller', async () => {
    expect(await query(analyst, 'SELECT id, email FROM claims ORDER BY id')).toEqual([
      { id: 1, email: '***' },
      { id: 3, email: '***' },
    ]);
    expect(await query(auditor, 'SELECT id, email FROM ins.claims.claims ORDER BY id')).toEqual([
      { id: 1, email: 'a@x.eu' },
      { id: 2, email: 'b@x.us' },
      { id: 3, email: 'c@x.eu' },
    ]);
  });

  it('reuses a rewrite only while the catalog is unchanged', async () => {
    const sql = 'SELECT id FROM claims ORDER BY id';
    expect(await query(analyst, sql)).toEqual([{ id: 1 }, { id: 3 }]);
    const again = await governor.govern(analyst, sql, { catalog: 'ins', schema: 'claims' });
    expect(again.timings.parseMs).toBe(0); // served from the plan cache
    await world.catalog.securables.setRowFilter(
      world.admin,
      'ins.claims.claims',
      `id = 3 OR is_member('auditors')`,
    );
    expect(await query(analyst, sql)).toEqual([{ id: 3 }]);
    await world.catalog.securables.updatePermissions(world.admin, 'schema', 'ins.claims', [
      { principal: 'ana', remove: ['SELECT'] },
    ]);
    await expect(query(analyst, sql)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await world.catalog.securables.updatePermissions(world.admin, 'schema', 'ins.claims', [
      { principal: 'ana', add: ['SELECT'] },
    ]);
    await world.catalog.securables.setRowFilter(
      world.admin,
      'ins.claims.claims',
      `is_member('auditors') OR (region = 'EU' AND is_account_group_member('eu_adjusters'))`,
    );
  });

  it('inlines current_user() for the caller', async () => {
    expect(await query(analyst, 'SELECT current_user() AS me')).toEqual([{ me: 'ana' }]);
  });
});
