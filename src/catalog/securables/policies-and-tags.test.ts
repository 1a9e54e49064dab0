// Row filters, column masks and governed tags: who may set them, what is checked, what is read back.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { rejection } from '../authorization/test-support.js';
import { type CatalogFixture, catalogFixture } from './test-support.js';

describe.each(ENGINES)('policies and tags on $engine', (engine) => {
  let store: Awaited<ReturnType<typeof openFreshStore>>;
  let fx: CatalogFixture;
  let n = 0;

  beforeAll(async () => {
    if (!engine.available) return;
    store = await openFreshStore(engine);
    fx = await catalogFixture(store.db, store.engine === 'postgres');
  });
  afterAll(async () => {
    await store?.destroy();
  });

  /** `qN.s.claims` with declared columns, plus a reader (SELECT) and a manager (MANAGE) of it. */
  async function claims() {
    const c = `q${++n}`;
    await fx.service.createCatalog(fx.admin.actor, c);
    await fx.service.createSchema(fx.admin.actor, `${c}.s`);
    const t = `${c}.s.claims`;
    await fx.service.createObject(fx.admin.actor, 'table', t, {
      details: {
        columns: [{ name: 'id', type: 'BIGINT' }, { name: 'SSN', type: 'VARCHAR' }, { name: 'region' }],
      },
    });
    const { reader, manager } = await fx.users('reader', 'manager');
    await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
      { principal: reader!.name, add: ['USE CATALOG', 'USE SCHEMA'] },
      { principal: manager!.name, add: ['USE CATALOG', 'USE SCHEMA'] },
    ]);
    await fx.service.updatePermissions(fx.admin.actor, 'table', t, [
      { principal: reader!.name, add: ['SELECT'] },
      { principal: manager!.name, add: ['MANAGE'] },
    ]);
    return { c, t, reader: reader!, manager: manager! };
  }

  it.runIf(engine.available)(
    'row filters and column masks: set by managers, read by those who see the table',
    async () => {
      const { t, reader, manager } = await claims();
      expect(await fx.service.getPolicies(reader.actor, t)).toEqual({ rowFilter: null, masks: [] });
      await fx.service.setRowFilter(manager.actor, t, "is_member('emea') OR region = 'us'");
      await fx.service.setColumnMask(
        manager.actor,
        t,
        'ssn',
        "CASE WHEN is_member('hr') THEN ssn ELSE '***' END",
      );
      await fx.service.setColumnMask(fx.admin.actor, t, 'ID', 'id');
      const policies = await fx.service.getPolicies(reader.actor, t);
      expect(policies.rowFilter).toMatchObject({
        expression: "is_member('emea') OR region = 'us'",
        createdBy: manager.id,
      });
      expect(policies.masks.map((m) => [m.column, m.expression])).toEqual([
        ['id', 'id'],
        ['ssn', "CASE WHEN is_member('hr') THEN ssn ELSE '***' END"],
      ]);
      // Setting again replaces; dropping removes (and dropping twice is fine).
      await fx.service.setRowFilter(manager.actor, t, 'current_user() = owner');
      await fx.service.dropColumnMask(manager.actor, t, 'id');
      await fx.service.dropColumnMask(manager.actor, t, 'id');
      const after = await fx.service.getPolicies(fx.admin.actor, t);
      expect(after.rowFilter?.expression).toBe('current_user() = owner');
      expect(after.masks.map((m) => m.column)).toEqual(['ssn']);
      await fx.service.dropRowFilter(manager.actor, t);
      expect((await fx.service.getPolicies(fx.admin.actor, t)).rowFilter).toBeNull();
      expect(fx.events.at(-1)).toMatchObject({ action: 'dropRowFilter', securableName: t });
    },
  );

  it.runIf(engine.available)(
    'a reader cannot set or drop policies; a stranger cannot even see them',
    async () => {
      const { t, reader, manager } = await claims();
      await fx.service.setRowFilter(manager.actor, t, 'true');
      for (const call of [
        () => fx.service.setRowFilter(reader.actor, t, 'true'),
        () => fx.service.dropRowFilter(reader.actor, t),
        () => fx.service.setColumnMask(reader.actor, t, 'ssn', "'x'"),
        () => fx.service.dropColumnMask(reader.actor, t, 'ssn'),
      ]) {
        expect((await rejection(call())).code).toBe('AUTH_PERMISSION_DENIED');
      }
      const { stranger } = await fx.users('stranger');
      expect((await rejection(fx.service.getPolicies(stranger!.actor, t))).code).toBe('NOT_FOUND');
      expect((await rejection(fx.service.dropRowFilter(stranger!.actor, t))).code).toBe('NOT_FOUND');
      expect((await fx.service.getPolicies(fx.admin.actor, t)).rowFilter?.expression).toBe('true');
    },
  );

  it.runIf(engine.available)('screens expressions and columns', async () => {
    const { c, t } = await claims();
    for (const expression of ['', '   ', 'true; DROP TABLE x', 'x'.repeat(5000), 'a\u0000b', 42]) {
      const error = await rejection(fx.service.setRowFilter(fx.admin.actor, t, expression as string));
      expect(error.code, String(expression).slice(0, 20)).toBe('VALIDATION_FAILED');
    }
    expect((await rejection(fx.service.setColumnMask(fx.admin.actor, t, 'salary', "'x'"))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await rejection(fx.service.setColumnMask(fx.admin.actor, t, 'ssn; --', "'x'"))).code).toBe(
      'VALIDATION_FAILED',
    );
    // Without declared columns, any valid column name is accepted.
    await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.loose`);
    await fx.service.setColumnMask(fx.admin.actor, `${c}.s.loose`, 'anything', "'x'");
    // Policies bind to tables only.
    await fx.service.createObject(fx.admin.actor, 'view', `${c}.s.v`);
    expect((await rejection(fx.service.setRowFilter(fx.admin.actor, `${c}.s.v`, 'true'))).code).toBe(
      'NOT_FOUND',
    );
    // A masked column cannot silently disappear from the table's columns.
    await fx.service.setColumnMask(fx.admin.actor, t, 'ssn', "'***'");
    const dropped = await rejection(
      fx.service.update(fx.admin.actor, 'table', t, {
        details: { columns: [{ name: 'id' }, { name: 'region' }] },
      }),
    );
    expect(dropped.code).toBe('VALIDATION_FAILED');
    expect(dropped.message).toContain('ssn');
  });

  it.runIf(engine.available)('tags: APPLY TAG or management to set, sight to read', async () => {
    const { c, t, reader, manager } = await claims();
    expect((await rejection(fx.service.setTags(reader.actor, 'table', t, { pii: 'true' }))).code).toBe(
      'AUTH_PERMISSION_DENIED',
    );
    await fx.service.setTags(manager.actor, 'table', t, { pii: 'true', owner_team: 'claims' });
    await fx.service.setTags(manager.actor, 'table', t, { class: 'ssn' }, 'SSN');
    const { tagger } = await fx.users('tagger');
    await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
      { principal: tagger!.name, add: ['USE CATALOG', 'USE SCHEMA', 'APPLY TAG'] },
    ]);
    await fx.service.setTags(tagger!.actor, 'table', t, { pii: 'false', __proto__: 'x' } as Record<
      string,
      string
    >);
    await fx.service.removeTags(tagger!.actor, 'table', t, ['owner_team']);
    const tags = await fx.service.getTags(reader.actor, 'table', t);
    expect(tags.columns).toEqual({ ssn: { class: 'ssn' } });
    expect(tags.tags.pii).toBe('false');
    expect(Object.keys(tags.tags).sort()).toEqual(['pii']);
    // APPLY TAG without USE CATALOG is not enough.
    const { blind } = await fx.users('blind');
    await fx.service.updatePermissions(fx.admin.actor, 'table', t, [
      { principal: blind!.name, add: ['APPLY TAG'] },
    ]);
    const noUse = await rejection(fx.service.setTags(blind!.actor, 'table', t, { x: 'y' }));
    expect(noUse.code).toBe('AUTH_PERMISSION_DENIED');
    // Catalogs and schemas take tags too; a stranger sees none of it.
    await fx.service.setTags(fx.admin.actor, 'catalog', c, { domain: 'insurance' });
    expect((await fx.service.getTags(fx.admin.actor, 'catalog', c)).tags).toEqual({ domain: 'insurance' });
    const { stranger } = await fx.users('stranger');
    expect((await rejection(fx.service.getTags(stranger!.actor, 'table', t))).code).toBe('NOT_FOUND');
  });

  it.runIf(engine.available)('tags: bad keys, values and columns are refused', async () => {
    const { c, t } = await claims();
    for (const tags of [
      {},
      { '': 'x' },
      { ['k'.repeat(256)]: 'x' },
      { k: 'v'.repeat(1001) },
      { k: 3 },
      'x',
      null,
    ]) {
      const error = await rejection(
        fx.service.setTags(fx.admin.actor, 'table', t, tags as Record<string, string>),
      );
      expect(error.code, JSON.stringify(tags)?.slice(0, 30)).toBe('VALIDATION_FAILED');
    }
    expect((await rejection(fx.service.setTags(fx.admin.actor, 'table', t, { k: 'v' }, 'salary'))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await rejection(fx.service.setTags(fx.admin.actor, 'catalog', c, { k: 'v' }, 'id'))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await rejection(fx.service.removeTags(fx.admin.actor, 'table', t, []))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(await fx.service.getTags(fx.admin.actor, 'table', t)).toEqual({ tags: {}, columns: {} });
  });
});
