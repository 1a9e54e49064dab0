// Creating, reading, listing, changing, deleting and handing over securables through the service, with
// the service authorising each call itself.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { rejection } from '../authorization/test-support.js';
import { readGeneration } from '../generation.js';
import { SCHEMA_OBJECT_TYPES } from '../model.js';
import { CREATE_PRIVILEGE } from '../privileges.js';
import { type CatalogFixture, catalogFixture, replicaService } from './test-support.js';

describe.each(ENGINES)('SecurableService on $engine', (engine) => {
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

  /** A catalog `kN` with schema `kN.s`, made by the admin. */
  async function catalog() {
    const name = `k${++n}`;
    await fx.service.createCatalog(fx.admin.actor, name);
    await fx.service.createSchema(fx.admin.actor, `${name}.s`);
    return name;
  }

  it.runIf(engine.available)('creates a hierarchy; the creator owns it; names are normalized', async () => {
    const c = await catalog();
    const before = await readGeneration(fx.db);
    const table = await fx.service.createObject(fx.admin.actor, 'table', `${c.toUpperCase()}.S.Claims`, {
      comment: 'claims',
      details: { columns: [{ name: 'id', type: 'BIGINT' }, { name: 'ssn' }] },
    });
    expect(table).toMatchObject({
      type: 'table',
      fullName: `${c}.s.claims`,
      name: 'claims',
      ownerId: fx.admin.id,
    });
    expect(table.details).toEqual({ columns: [{ name: 'id', type: 'BIGINT' }, { name: 'ssn' }] });
    expect(await readGeneration(fx.db)).toBeGreaterThan(before);
    expect(fx.events.at(-1)).toMatchObject({
      action: 'createTable',
      principalId: fx.admin.id,
      securableType: 'table',
      securableName: `${c}.s.claims`,
    });
    const got = await fx.service.get(fx.admin.actor, 'table', `${c}.s.CLAIMS`);
    expect(got.id).toBe(table.id);
    const endpoint = await fx.service.createServingEndpoint(fx.admin.actor, `Claude-${c}.v2`);
    expect(endpoint.fullName).toBe(`Claude-${c}.v2`);
    expect((await fx.service.ensureServingEndpoint(fx.admin.id, `Claude-${c}.v2`)).id).toBe(endpoint.id);
  });

  it.runIf(engine.available)('refuses bad names with VALIDATION_FAILED and creates nothing', async () => {
    const c = await catalog();
    const events = fx.events.length;
    const bad: Array<[() => Promise<unknown>, string]> = [
      [() => fx.service.createCatalog(fx.admin.actor, 'a.b'), 'dotted catalog'],
      [() => fx.service.createCatalog(fx.admin.actor, ''), 'empty'],
      [() => fx.service.createCatalog(fx.admin.actor, '1abc'), 'leading digit'],
      [() => fx.service.createCatalog(fx.admin.actor, 'x'.repeat(256)), 'too long'],
      [() => fx.service.createCatalog(fx.admin.actor, "k'; DROP TABLE grants; --"), 'injection'],
      [() => fx.service.createSchema(fx.admin.actor, c), 'schema without catalog part'],
      [() => fx.service.createSchema(fx.admin.actor, `${c}..s`), 'empty part'],
      [() => fx.service.createObject(fx.admin.actor, 'table', `${c}.s`), 'two-part table'],
      [() => fx.service.createObject(fx.admin.actor, 'table', `${c}.s.t.u`), 'four-part table'],
      [() => fx.service.createObject(fx.admin.actor, 'table', `${c}.s.my-table`), 'hyphen'],
      [() => fx.service.createObject(fx.admin.actor, 'catalog' as 'table', `${c}.s.x`), 'not an object type'],
      [() => fx.service.createServingEndpoint(fx.admin.actor, 'a b'), 'space in endpoint'],
      [() => fx.service.get(fx.admin.actor, 'table', 42 as unknown as string), 'not a string'],
    ];
    for (const [call, what] of bad) expect((await rejection(call())).code, what).toBe('VALIDATION_FAILED');
    expect(fx.events.length).toBe(events);
  });

  it.runIf(engine.available)('refuses bad details', async () => {
    const c = await catalog();
    const create = (details: unknown) =>
      fx.service.createObject(fx.admin.actor, 'table', `${c}.s.t`, {
        details: details as Record<string, unknown>,
      });
    for (const details of [
      [],
      'x',
      { columns: 'id' },
      { columns: [{ type: 'INT' }] },
      { columns: [{ name: 'a' }, { name: 'A' }] },
      { columns: [{ name: 'a', type: 3 }] },
      { blob: 'x'.repeat(300 * 1024) },
    ]) {
      expect((await rejection(create(details))).code, JSON.stringify(details).slice(0, 40)).toBe(
        'VALIDATION_FAILED',
      );
    }
    expect(
      (
        await rejection(
          fx.service.createObject(fx.admin.actor, 'volume', `${c}.s.v`, { details: { columns: [] } }),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
  });

  it.runIf(engine.available)(
    'ALREADY_EXISTS, with tables, views and vector indexes sharing one namespace',
    async () => {
      const c = await catalog();
      await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.x`);
      const again = await rejection(fx.service.createObject(fx.admin.actor, 'table', `${c}.s.X`));
      expect(again.code).toBe('ALREADY_EXISTS');
      expect(again.status).toBe(409);
      expect((await rejection(fx.service.createObject(fx.admin.actor, 'view', `${c}.s.x`))).code).toBe(
        'ALREADY_EXISTS',
      );
      expect(
        (await rejection(fx.service.createObject(fx.admin.actor, 'vector_index', `${c}.s.x`))).code,
      ).toBe('ALREADY_EXISTS');
      // Models and functions have their own namespaces.
      await fx.service.createObject(fx.admin.actor, 'model', `${c}.s.x`);
      await fx.service.createObject(fx.admin.actor, 'function', `${c}.s.x`);
      expect((await rejection(fx.service.createCatalog(fx.admin.actor, c))).code).toBe('ALREADY_EXISTS');
    },
  );

  it.runIf(engine.available)(
    'creating needs CREATE CATALOG, USE CATALOG + CREATE SCHEMA, or USE + CREATE <type>',
    async () => {
      const { maker } = await fx.users('maker');
      const m = maker!;
      const denied = await rejection(fx.service.createCatalog(m.actor, `mine${n}`));
      expect(denied.code).toBe('AUTH_PERMISSION_DENIED');
      await fx.service.updatePermissions(fx.admin.actor, 'metastore', 'metastore', [
        { principal: m.name, add: ['CREATE_CATALOG'] },
      ]);
      const own = await fx.service.createCatalog(m.actor, `mine${n}`);
      expect(own.ownerId).toBe(m.id);
      await fx.service.createSchema(m.actor, `mine${n}.s`);
      await fx.service.createObject(m.actor, 'table', `mine${n}.s.t`);

      const c = await catalog();
      // Invisible catalog: NOT_FOUND. Visible but no USE CATALOG: 403 naming it. Then CREATE SCHEMA.
      expect((await rejection(fx.service.createSchema(m.actor, `${c}.x`))).code).toBe('NOT_FOUND');
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: m.name, add: ['CREATE SCHEMA'] },
      ]);
      const noUse = await rejection(fx.service.createSchema(m.actor, `${c}.x`));
      expect([noUse.code, noUse.message]).toEqual([
        'AUTH_PERMISSION_DENIED',
        expect.stringContaining('USE CATALOG'),
      ]);
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: m.name, add: ['USE CATALOG'] },
      ]);
      expect((await fx.service.createSchema(m.actor, `${c}.x`)).ownerId).toBe(m.id);

      // Each object type needs its own CREATE privilege on the schema, inherited from the catalog here.
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: m.name, add: ['USE SCHEMA'] },
      ]);
      for (const type of SCHEMA_OBJECT_TYPES) {
        const name = `${c}.s.${type}_obj`;
        expect((await rejection(fx.service.createObject(m.actor, type, name))).code, type).toBe(
          'AUTH_PERMISSION_DENIED',
        );
        await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
          { principal: m.name, add: [CREATE_PRIVILEGE[type]] },
        ]);
        expect((await fx.service.createObject(m.actor, type, name)).ownerId, type).toBe(m.id);
        await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
          { principal: m.name, remove: [CREATE_PRIVILEGE[type]] },
        ]);
      }
    },
  );

  it.runIf(engine.available)('get: missing and invisible give the same NOT_FOUND', async () => {
    const c = await catalog();
    await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.secret`);
    const { stranger } = await fx.users('stranger');
    const invisible = await rejection(fx.service.get(stranger!.actor, 'table', `${c}.s.secret`));
    const missing = await rejection(fx.service.get(stranger!.actor, 'table', `${c}.s.nothing`));
    expect(invisible.code).toBe('NOT_FOUND');
    expect(invisible.message).toBe(`Table '${c}.s.secret' does not exist or you do not have permission.`);
    expect(missing.message.replace('nothing', 'secret')).toBe(invisible.message);
    await fx.service.updatePermissions(fx.admin.actor, 'table', `${c}.s.secret`, [
      { principal: stranger!.name, add: ['BROWSE'] },
    ]);
    expect((await fx.service.get(stranger!.actor, 'table', `${c}.s.secret`)).fullName).toBe(`${c}.s.secret`);
  });

  it.runIf(engine.available)(
    'get sees every change at once although rows are cached, and hands out objects of its own',
    async () => {
      const c = await catalog();
      const name = `${c}.s.cached`;
      await fx.service.createObject(fx.admin.actor, 'table', name, { comment: 'one' });
      const first = await fx.service.get(fx.admin.actor, 'table', name);
      // A caller changing what it was given changes nothing for the next caller.
      first.details.columns = 'scribbled';
      first.comment = 'scribbled';
      expect(await fx.service.get(fx.admin.actor, 'table', name)).toMatchObject({
        comment: 'one',
        details: {},
      });
      await fx.service.update(fx.admin.actor, 'table', name, { comment: 'two' });
      expect((await fx.service.get(fx.admin.actor, 'table', name)).comment).toBe('two');
      const { heir } = await fx.users('heir');
      await fx.service.transferOwnership(fx.admin.actor, 'table', name, heir!.id);
      expect((await fx.service.get(fx.admin.actor, 'table', name)).ownerId).toBe(heir!.id);
      await fx.service.update(fx.admin.actor, 'table', name, { newName: 'renamed' });
      expect((await rejection(fx.service.get(fx.admin.actor, 'table', name))).code).toBe('NOT_FOUND');
      expect((await fx.service.get(fx.admin.actor, 'table', `${c}.s.renamed`)).comment).toBe('two');
      // A name looked up while missing is found once it exists.
      await fx.service.createObject(fx.admin.actor, 'table', name, { comment: 'three' });
      expect((await fx.service.get(fx.admin.actor, 'table', name)).comment).toBe('three');
      await fx.service.delete(fx.admin.actor, 'table', name);
      expect((await rejection(fx.service.get(fx.admin.actor, 'table', name))).code).toBe('NOT_FOUND');
    },
  );

  it.runIf(engine.available && engine.engine === 'postgres')(
    'a second replica on the same PostgreSQL store sees changes made by the first at once',
    async () => {
      const replica = replicaService(fx.db, true);
      const c = await catalog();
      const name = `${c}.s.shared`;
      await fx.service.createObject(fx.admin.actor, 'table', name, { comment: 'one' });
      expect((await replica.get(fx.admin.actor, 'table', name)).comment).toBe('one');
      await fx.service.update(fx.admin.actor, 'table', name, { comment: 'two' });
      expect((await replica.get(fx.admin.actor, 'table', name)).comment).toBe('two');
      await fx.service.delete(fx.admin.actor, 'table', name);
      expect((await rejection(replica.get(fx.admin.actor, 'table', name))).code).toBe('NOT_FOUND');
    },
  );

  it.runIf(engine.available)('list shows only what the actor may see', async () => {
    const c = await catalog();
    for (const t of ['a', 'b', 'c', 'd'])
      await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.${t}`);
    await fx.service.createObject(fx.admin.actor, 'view', `${c}.s.v`);
    const { lister } = await fx.users('lister');
    const l = lister!;
    expect((await rejection(fx.service.list(l.actor, 'table', `${c}.s`))).code).toBe('NOT_FOUND');
    expect((await fx.service.list(l.actor, 'catalog')).map((s) => s.fullName)).not.toContain(c);
    await fx.service.updatePermissions(fx.admin.actor, 'table', `${c}.s.b`, [
      { principal: l.name, add: ['SELECT'] },
    ]);
    await fx.service.updatePermissions(fx.admin.actor, 'table', `${c}.s.d`, [
      { principal: l.name, add: ['BROWSE'] },
    ]);
    expect((await fx.service.list(l.actor, 'table', `${c}.s`)).map((s) => s.fullName)).toEqual([
      `${c}.s.b`,
      `${c}.s.d`,
    ]);
    await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
      { principal: l.name, add: ['USE CATALOG'] },
    ]);
    expect((await fx.service.list(l.actor, 'catalog')).map((s) => s.fullName)).toContain(c);
    expect(await fx.service.list(l.actor, 'schema', c)).toEqual([]);
    await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
      { principal: l.name, add: ['SELECT'] },
    ]);
    expect((await fx.service.list(l.actor, 'table', `${c}.s`)).map((s) => s.name)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect((await fx.service.list(fx.admin.actor, 'view', `${c}.s`)).map((s) => s.name)).toEqual(['v']);
    expect((await rejection(fx.service.list(fx.admin.actor, 'table', `${c}.nope`))).code).toBe('NOT_FOUND');
    expect((await rejection(fx.service.list(fx.admin.actor, 'metastore'))).code).toBe('VALIDATION_FAILED');
  });

  it.runIf(engine.available)(
    'update: owners and managers only; renames carry down to what is inside',
    async () => {
      const c = await catalog();
      await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.t`, {
        details: { columns: [{ name: 'a' }] },
      });
      const { reader, manager } = await fx.users('reader', 'manager');
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: reader!.name, add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] },
        { principal: manager!.name, add: ['MANAGE'] },
      ]);
      const denied = await rejection(
        fx.service.update(reader!.actor, 'table', `${c}.s.t`, { comment: 'mine' }),
      );
      expect(denied.code).toBe('AUTH_PERMISSION_DENIED');
      const updated = await fx.service.update(manager!.actor, 'table', `${c}.s.t`, { comment: 'managed' });
      expect(updated.comment).toBe('managed');
      expect(updated.updatedBy).toBe(manager!.id);

      const renamed = await fx.service.update(fx.admin.actor, 'catalog', c, { newName: `${c}_new` });
      expect(renamed.fullName).toBe(`${c}_new`);
      const table = await fx.service.get(fx.admin.actor, 'table', `${c}_new.s.t`);
      expect(table.details).toEqual({ columns: [{ name: 'a' }] });
      expect((await rejection(fx.service.get(fx.admin.actor, 'table', `${c}.s.t`))).code).toBe('NOT_FOUND');
      // Grants follow the securable, not the name.
      expect(await fx.authorizer.authorize(reader!.actor, 'SELECT', table)).toEqual({
        allowed: true,
        reason: 'grant',
      });
      await fx.service.update(fx.admin.actor, 'schema', `${c}_new.s`, { newName: 's2' });
      expect((await fx.service.get(fx.admin.actor, 'table', `${c}_new.s2.t`)).id).toBe(table.id);
      await fx.service.createObject(fx.admin.actor, 'view', `${c}_new.s2.v`);
      expect(
        (await rejection(fx.service.update(fx.admin.actor, 'view', `${c}_new.s2.v`, { newName: 't' }))).code,
      ).toBe('ALREADY_EXISTS');
      expect(
        (await rejection(fx.service.update(fx.admin.actor, 'view', `${c}_new.s2.v`, { newName: 'a.b' })))
          .code,
      ).toBe('VALIDATION_FAILED');
    },
  );

  it.runIf(engine.available)(
    'delete: refuses a non-empty catalog or schema without force, cascades with it',
    async () => {
      const c = await catalog();
      const table = await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.t`);
      const { reader } = await fx.users('reader');
      await fx.service.updatePermissions(fx.admin.actor, 'table', `${c}.s.t`, [
        { principal: reader!.name, add: ['SELECT'] },
      ]);
      await fx.service.setTags(fx.admin.actor, 'table', `${c}.s.t`, { pii: 'true' });
      expect((await rejection(fx.service.delete(fx.admin.actor, 'schema', `${c}.s`))).code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await rejection(fx.service.delete(fx.admin.actor, 'catalog', c))).code).toBe(
        'VALIDATION_FAILED',
      );
      expect((await rejection(fx.service.delete(reader!.actor, 'table', `${c}.s.t`))).code).toBe(
        'AUTH_PERMISSION_DENIED',
      );
      await fx.service.delete(fx.admin.actor, 'catalog', c, { force: true });
      expect(
        await fx.db.selectFrom('securables').select('id').where('full_name', 'like', `${c}.%`).execute(),
      ).toEqual([]);
      expect(
        await fx.db.selectFrom('grants').select('privilege').where('securable_id', '=', table.id).execute(),
      ).toEqual([]);
      expect(
        await fx.db.selectFrom('tags').select('tag_key').where('securable_id', '=', table.id).execute(),
      ).toEqual([]);
      expect((await fx.authorizer.authorize(fx.admin.actor, 'SELECT', table.id)).reason).toBe('not-found');
      expect((await rejection(fx.service.delete(fx.admin.actor, 'metastore', 'metastore'))).code).toBe(
        'VALIDATION_FAILED',
      );
    },
  );

  it.runIf(engine.available)(
    'transfer of ownership: by owners and managers, to an existing principal or group',
    async () => {
      const c = await catalog();
      await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.t`);
      const { alice, bob } = await fx.users('alice', 'bob');
      const a = alice!;
      const b = bob!;
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: a.name, add: ['USE CATALOG', 'USE SCHEMA'] },
        { principal: b.name, add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] },
      ]);
      // Someone who cannot see it: NOT_FOUND; who can but does not manage: 403.
      expect((await rejection(fx.service.transferOwnership(a.actor, 'table', `${c}.s.t`, a.id))).code).toBe(
        'NOT_FOUND',
      );
      expect((await rejection(fx.service.transferOwnership(b.actor, 'table', `${c}.s.t`, b.id))).code).toBe(
        'AUTH_PERMISSION_DENIED',
      );
      expect(
        (await rejection(fx.service.transferOwnership(fx.admin.actor, 'table', `${c}.s.t`, 'pr_nobody')))
          .code,
      ).toBe('NOT_FOUND');
      await fx.service.transferOwnership(fx.admin.actor, 'table', `${c}.s.t`, a.id);
      expect(
        await fx.authorizer.authorize(
          a.actor,
          'MODIFY',
          (await fx.service.get(a.actor, 'table', `${c}.s.t`)).id,
        ),
      ).toEqual({
        allowed: true,
        reason: 'owner',
      });
      const team = await fx.group('team', b);
      await fx.service.transferOwnership(a.actor, 'table', `${c}.s.t`, team.id);
      const t = await fx.service.get(b.actor, 'table', `${c}.s.t`);
      expect(t.ownerId).toBe(team.id);
      expect((await fx.authorizer.authorize(a.actor, 'MODIFY', t)).allowed).toBe(false);
      expect(await fx.authorizer.authorize(b.actor, 'MODIFY', t)).toEqual({ allowed: true, reason: 'owner' });
      expect(fx.events.at(-1)).toMatchObject({ action: 'transferOwnership', params: { new_owner: team.id } });
      // Only an admin hands over the metastore, whatever else one holds on it.
      await fx.service.updatePermissions(fx.admin.actor, 'metastore', 'metastore', [
        { principal: a.name, add: ['MANAGE'] },
      ]);
      expect(
        (await rejection(fx.service.transferOwnership(a.actor, 'metastore', 'metastore', a.id))).code,
      ).toBe('AUTH_PERMISSION_DENIED');
    },
  );
});
