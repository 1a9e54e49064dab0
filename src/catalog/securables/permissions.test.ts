// Grants through the service: the UC shapes, who may change them, escalation attempts, and
// all-or-nothing updates whose revokes hold on the very next decision.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { rejection } from '../authorization/test-support.js';
import { readGeneration } from '../generation.js';
import { type CatalogFixture, catalogFixture } from './test-support.js';

describe.each(ENGINES)('permissions on $engine', (engine) => {
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

  /** `pN.s.t` made by the admin. */
  async function table() {
    const c = `p${++n}`;
    await fx.service.createCatalog(fx.admin.actor, c);
    await fx.service.createSchema(fx.admin.actor, `${c}.s`);
    await fx.service.createObject(fx.admin.actor, 'table', `${c}.s.t`);
    return { c, t: `${c}.s.t` };
  }

  const grants = async (fullName: string) =>
    (await fx.service.getPermissions(fx.admin.actor, 'table', fullName)).privilege_assignments;

  it.runIf(engine.available)(
    'reads and writes grants in Unity Catalog shape, both spellings accepted',
    async () => {
      const { c, t } = await table();
      const { alice, bob } = await fx.users('alice', 'bob');
      const result = await fx.service.updatePermissions(fx.admin.actor, 'table', t, [
        { principal: bob!.name, add: ['select', 'MODIFY'] },
        { principal: alice!.name, add: ['SELECT', 'APPLY_TAG', 'SELECT'] },
      ]);
      expect(result).toEqual({
        privilege_assignments: [
          { principal: alice!.name, privileges: ['APPLY_TAG', 'SELECT'] },
          { principal: bob!.name, privileges: ['MODIFY', 'SELECT'] },
        ],
      });
      expect(await fx.service.getPermissions(fx.admin.actor, 'table', t, { principal: bob!.name })).toEqual({
        privilege_assignments: [{ principal: bob!.name, privileges: ['MODIFY', 'SELECT'] }],
      });
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: alice!.name, add: ['USE_CATALOG', 'use schema'] },
      ]);
      expect(
        await fx.authorizer.authorize(
          alice!.actor,
          'SELECT',
          (await fx.service.get(alice!.actor, 'table', t)).id,
        ),
      ).toEqual({
        allowed: true,
        reason: 'grant',
      });
      // Granting again changes nothing; removing what is not there is no error.
      await fx.service.updatePermissions(fx.admin.actor, 'table', t, [
        { principal: bob!.name, add: ['SELECT'], remove: ['APPLY TAG'] },
      ]);
      expect(await grants(t)).toEqual(result.privilege_assignments);
      expect(fx.events.at(-1)).toMatchObject({
        action: 'updatePermissions',
        securableName: t,
        params: { changes: [{ principal: bob!.name, add: ['SELECT'], remove: ['APPLY_TAG'] }] },
      });
    },
  );

  it.runIf(engine.available)('a revoke holds on the very next decision', async () => {
    const { c, t } = await table();
    const { reader } = await fx.users('reader');
    const r = reader!;
    await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
      { principal: r.name, add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] },
    ]);
    const id = (await fx.service.get(r.actor, 'table', t)).id;
    expect((await fx.authorizer.authorize(r.actor, 'SELECT', id)).allowed).toBe(true);
    expect((await fx.authorizer.authorize(r.actor, 'SELECT', id)).allowed).toBe(true); // now cached
    await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
      { principal: r.name, remove: ['SELECT'] },
    ]);
    expect(await fx.authorizer.authorize(r.actor, 'SELECT', id)).toEqual({
      allowed: false,
      reason: 'no-privilege',
    });
    expect((await rejection(fx.service.get(r.actor, 'table', t))).code).toBe('NOT_FOUND');
  });

  it.runIf(engine.available)(
    'escalation: a grantee cannot grant, not even to itself, and not MANAGE',
    async () => {
      const { c, t } = await table();
      const { grantee, friend } = await fx.users('grantee', 'friend');
      const g = grantee!;
      await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
        { principal: g.name, add: ['USE CATALOG', 'USE SCHEMA'] },
      ]);
      await fx.service.updatePermissions(fx.admin.actor, 'table', t, [
        { principal: g.name, add: ['SELECT', 'ALL PRIVILEGES'] },
      ]);
      const before = await grants(t);
      const generation = await readGeneration(fx.db);
      for (const changes of [
        [{ principal: g.name, add: ['MANAGE'] }],
        [{ principal: g.name, add: ['MODIFY'] }],
        [{ principal: friend!.name, add: ['SELECT'] }],
        [{ principal: g.name, remove: ['SELECT'] }],
      ]) {
        const error = await rejection(fx.service.updatePermissions(g.actor, 'table', t, changes));
        expect(error.code, JSON.stringify(changes)).toBe('AUTH_PERMISSION_DENIED');
      }
      // Nor on the schema or catalog above, which it cannot even see.
      expect(
        (
          await rejection(
            fx.service.updatePermissions(g.actor, 'schema', `${c}.s`, [
              { principal: g.name, add: ['MANAGE'] },
            ]),
          )
        ).code,
      ).toBe('AUTH_PERMISSION_DENIED');
      expect(await grants(t)).toEqual(before);
      expect(await readGeneration(fx.db)).toBe(generation);
      expect(await fx.authorizer.canManage(g.actor, (await fx.service.get(g.actor, 'table', t)).id)).toBe(
        false,
      );
    },
  );

  it.runIf(engine.available)(
    'escalation: no grants on what you cannot see, and no ownership taken',
    async () => {
      const { t } = await table();
      const { outsider } = await fx.users('outsider');
      const o = outsider!;
      const error = await rejection(
        fx.service.updatePermissions(o.actor, 'table', t, [{ principal: o.name, add: ['SELECT'] }]),
      );
      expect(error.code).toBe('NOT_FOUND');
      expect((await rejection(fx.service.transferOwnership(o.actor, 'table', t, o.id))).code).toBe(
        'NOT_FOUND',
      );
      expect(
        (
          await rejection(
            fx.service.updatePermissions(o.actor, 'metastore', 'metastore', [
              { principal: o.name, add: ['CREATE CATALOG'] },
            ]),
          )
        ).code,
      ).toBe('NOT_FOUND');
      expect(await grants(t)).toEqual([]);
    },
  );

  it.runIf(engine.available)(
    'owners, ancestor owners and MANAGE holders may grant, MANAGE included',
    async () => {
      const { c, t } = await table();
      const { owner, manager, target } = await fx.users('owner', 'manager', 'target');
      await fx.service.transferOwnership(fx.admin.actor, 'catalog', c, owner!.id);
      // The catalog owner grants on a table inside, including MANAGE to someone else.
      await fx.service.updatePermissions(owner!.actor, 'table', t, [
        { principal: manager!.name, add: ['MANAGE'] },
      ]);
      // The MANAGE holder grants on to a third.
      await fx.service.updatePermissions(manager!.actor, 'table', t, [
        { principal: target!.name, add: ['SELECT'] },
      ]);
      expect(await grants(t)).toEqual([
        { principal: manager!.name, privileges: ['MANAGE'] },
        { principal: target!.name, privileges: ['SELECT'] },
      ]);
      // But MANAGE on the table is nothing on the schema.
      expect(
        (
          await rejection(
            fx.service.updatePermissions(manager!.actor, 'schema', `${c}.s`, [
              { principal: target!.name, add: ['SELECT'] },
            ]),
          )
        ).code,
      ).toBe('NOT_FOUND');
    },
  );

  it.runIf(engine.available)(
    'refuses privileges that are unknown or not grantable on the type, naming both',
    async () => {
      const { c, t } = await table();
      const { someone } = await fx.users('someone');
      const s = someone!;
      const cases: Array<[string, string, string]> = [
        ['table', t, 'USE CATALOG'],
        ['table', t, 'READ_VOLUME'],
        ['table', t, 'SUPERUSER'],
        ['catalog', c, 'CREATE CATALOG'],
        ['metastore', 'metastore', 'SELECT'],
        ['metastore', 'metastore', 'ALL PRIVILEGES'],
        ['schema', `${c}.s`, 'USE CATALOG'],
      ];
      for (const [type, name, privilege] of cases) {
        const error = await rejection(
          fx.service.updatePermissions(fx.admin.actor, type as 'table', name, [
            { principal: s.name, add: [privilege] },
          ]),
        );
        expect(error.code, `${privilege} on ${type}`).toBe('VALIDATION_FAILED');
        expect(error.message).toContain(privilege);
        expect(error.message).toContain(type);
      }
      for (const changes of [
        'nope',
        [{ add: ['SELECT'] }],
        [{ principal: '', add: ['SELECT'] }],
        [{ principal: s.name, add: 'SELECT' }],
        [{ principal: s.name, add: [42] }],
        [{ principal: s.name, add: ['SELECT'], remove: ['SELECT'] }],
      ]) {
        const error = await rejection(
          fx.service.updatePermissions(fx.admin.actor, 'table', t, changes as never),
        );
        expect(error.code, JSON.stringify(changes)).toBe('VALIDATION_FAILED');
      }
    },
  );

  it.runIf(engine.available)('all or nothing: one bad change and none is applied', async () => {
    const { t } = await table();
    const { alice, bob } = await fx.users('alice', 'bob');
    await fx.service.updatePermissions(fx.admin.actor, 'table', t, [
      { principal: bob!.name, add: ['MODIFY'] },
    ]);
    const before = await grants(t);
    const generation = await readGeneration(fx.db);
    const events = fx.events.length;
    const unknown = await rejection(
      fx.service.updatePermissions(fx.admin.actor, 'table', t, [
        { principal: alice!.name, add: ['SELECT'] },
        { principal: bob!.name, remove: ['MODIFY'] },
        { principal: 'nobody_at_all', add: ['SELECT'] },
      ]),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('nobody_at_all');
    const invalid = await rejection(
      fx.service.updatePermissions(fx.admin.actor, 'table', t, [
        { principal: alice!.name, add: ['SELECT'] },
        { principal: bob!.name, add: ['EXECUTE'] },
      ]),
    );
    expect(invalid.code).toBe('VALIDATION_FAILED');
    expect(await grants(t)).toEqual(before);
    expect(await readGeneration(fx.db)).toBe(generation);
    expect(fx.events.length).toBe(events);
  });

  it.runIf(engine.available)('grants to groups, and group members see the securable', async () => {
    const { c, t } = await table();
    const { member } = await fx.users('member');
    const inner = await fx.group('inner', member!);
    const outer = await fx.group('outer', inner);
    await fx.service.updatePermissions(fx.admin.actor, 'catalog', c, [
      { principal: outer.name, add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] },
    ]);
    const seen = await fx.service.get(member!.actor, 'table', t);
    expect(await fx.authorizer.authorize(member!.actor, 'SELECT', seen)).toEqual({
      allowed: true,
      reason: 'grant',
    });
    expect((await fx.service.getPermissions(member!.actor, 'catalog', c)).privilege_assignments).toEqual([
      { principal: outer.name, privileges: ['SELECT', 'USE_CATALOG', 'USE_SCHEMA'] },
    ]);
  });
});
