import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../test/support/stores.js';
import { MIGRATIONS, migrateToLatest } from './migrate.js';
import { openStore } from './open-store.js';

describe.each(ENGINES)('control-plane store on $engine', (engine) => {
  const opened: Array<{ destroy(): Promise<void> }> = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.destroy();
  });

  it.runIf(engine.available)('creates the schema, and migrating again changes nothing', async () => {
    const store = await openFreshStore(engine);
    opened.push(store);
    expect(store.engine).toBe(engine.engine);
    const tables = await store.db.introspection.getTables();
    const names = tables.map((t) => t.name);
    for (const table of ['principals', 'securables', 'grants', 'audit_log', 'lineage_edges', 'api_keys']) {
      expect(names).toContain(table);
    }
    expect(await migrateToLatest(store.db)).toEqual([]);
  });

  it.runIf(engine.available)('stores and reads rows, with bigint counters as numbers', async () => {
    const store = await openFreshStore(engine);
    opened.push(store);
    await store.db
      .insertInto('control_state')
      .values({ key: 'generation', value: 2 ** 40 })
      .execute();
    const row = await store.db
      .selectFrom('control_state')
      .selectAll()
      .where('key', '=', 'generation')
      .executeTakeFirst();
    expect(row).toEqual({ key: 'generation', value: 2 ** 40 });
    await expect(
      store.db.insertInto('control_state').values({ key: 'generation', value: 1 }).execute(),
    ).rejects.toThrow();
  });

  it.runIf(engine.available)('enforces foreign keys', async () => {
    const store = await openFreshStore(engine);
    opened.push(store);
    await expect(
      store.db
        .insertInto('group_members')
        .values({
          group_id: 'nope',
          member_id: 'nobody',
          created_at: new Date().toISOString(),
          created_by: null,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it.runIf(engine.available)('rolls a failed migration back whole', async () => {
    const { options, cleanup } = await engine.fresh();
    opened.push({ destroy: cleanup });
    const store = await openStore(options);
    const broken = {
      ...MIGRATIONS,
      '0999-broken': {
        up: async (db: Kysely<unknown>) => {
          await db.schema.createTable('half_done').addColumn('id', 'text').execute();
          await sql`insert into no_such_table values (1)`.execute(db);
        },
      },
    };
    await expect(migrateToLatest(store.db, broken)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const names = (await store.db.introspection.getTables()).map((t) => t.name);
    expect(names).not.toContain('half_done');
    const applied = await sql<{ name: string }>`select name from lakegate_migration`.execute(store.db);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
    await store.close();
  });
});
