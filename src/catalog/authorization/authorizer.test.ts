// The rules around the matrix: inheritance, the USE requirements, management without data access,
// revocation through the cache, nested and cyclic groups, the metastore, and NOT_FOUND versus 403.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { GenerationClock } from '../generation.js';
import type { Actor } from '../model.js';
import { PRIVILEGES, type Privilege } from '../privileges.js';
import { Authorizer } from './authorizer.js';
import {
  addGrant,
  addMember,
  addPrincipal,
  addSecurable,
  groupsOfFromStore,
  markChanged,
  rejection,
  type TestPrincipal,
} from './test-support.js';

describe.each(ENGINES)('Authorizer on $engine', (engine) => {
  let store: Awaited<ReturnType<typeof openFreshStore>>;
  let authz: Authorizer;
  let clock: GenerationClock;
  let admin: TestPrincipal;
  let metastore: string;
  let counter = 0;

  beforeAll(async () => {
    if (!engine.available) return;
    store = await openFreshStore(engine);
    clock = new GenerationClock(store.db, store.engine === 'postgres');
    authz = new Authorizer({ db: store.db, clock, groupsOf: groupsOfFromStore(store.db) });
    admin = await addPrincipal(store.db, 'admin', { isAdmin: true });
    metastore = await addSecurable(store.db, {
      type: 'metastore',
      fullName: 'metastore',
      parentId: null,
      ownerId: admin.id,
    });
  });
  afterAll(async () => {
    await store?.destroy();
  });

  /** A fresh catalog `cN` > schema `cN.s` > table `cN.s.t`, all owned by the admin, and fresh users. */
  async function world(...users: string[]) {
    const n = ++counter;
    const db = store.db;
    const catalog = await addSecurable(db, {
      type: 'catalog',
      fullName: `c${n}`,
      parentId: metastore,
      ownerId: admin.id,
    });
    const schema = await addSecurable(db, {
      type: 'schema',
      fullName: `c${n}.s`,
      parentId: catalog,
      ownerId: admin.id,
    });
    const table = await addSecurable(db, {
      type: 'table',
      fullName: `c${n}.s.t`,
      parentId: schema,
      ownerId: admin.id,
    });
    const people: Record<string, TestPrincipal> = {};
    for (const user of users) people[user] = await addPrincipal(db, `${user}_${n}`);
    await markChanged(db, clock);
    return { n, catalog, schema, table, people };
  }

  const grant = async (securable: string, who: { id: string }, ...privileges: Privilege[]) => {
    for (const p of privileges) await addGrant(store.db, securable, who.id, p);
    await markChanged(store.db, clock);
  };
  const allowed = async (actor: Actor, privilege: Privilege, securable: string) =>
    (await authz.authorize(actor, privilege, securable)).allowed;

  it.runIf(engine.available)('inherits grants from the schema and from the catalog', async () => {
    const w = await world('via_schema', 'via_catalog');
    const { via_schema, via_catalog } = w.people as Record<string, TestPrincipal>;
    await grant(w.catalog, via_schema!, 'USE CATALOG');
    await grant(w.schema, via_schema!, 'USE SCHEMA', 'SELECT');
    await grant(w.catalog, via_catalog!, 'USE CATALOG', 'USE SCHEMA', 'MODIFY');
    expect(await authz.authorize(via_schema!.actor, 'SELECT', w.table)).toEqual({
      allowed: true,
      reason: 'grant',
    });
    expect(await allowed(via_schema!.actor, 'MODIFY', w.table)).toBe(false);
    expect(await authz.authorize(via_catalog!.actor, 'MODIFY', w.table)).toEqual({
      allowed: true,
      reason: 'grant',
    });
    expect(await allowed(via_catalog!.actor, 'SELECT', w.table)).toBe(false);
    // A table created later inherits too.
    const later = await addSecurable(store.db, {
      type: 'table',
      fullName: `c${w.n}.s.later`,
      parentId: w.schema,
      ownerId: admin.id,
    });
    await markChanged(store.db, clock);
    expect(await allowed(via_schema!.actor, 'SELECT', later)).toBe(true);
  });

  it.runIf(engine.available)(
    'ALL PRIVILEGES on the catalog reaches and reads everything but does not manage',
    async () => {
      const w = await world('all');
      const all = w.people.all!;
      await grant(w.catalog, all, 'ALL PRIVILEGES');
      expect(await allowed(all.actor, 'SELECT', w.table)).toBe(true);
      expect(await allowed(all.actor, 'MODIFY', w.table)).toBe(true);
      expect(await allowed(all.actor, 'MANAGE', w.table)).toBe(false);
      expect(await authz.canManage(all.actor, w.catalog)).toBe(false);
    },
  );

  it.runIf(engine.available)('needs USE CATALOG and USE SCHEMA even with SELECT on the table', async () => {
    const w = await world('reader');
    const reader = w.people.reader!;
    await grant(w.table, reader, 'SELECT');
    expect(await authz.authorize(reader.actor, 'SELECT', w.table)).toEqual({
      allowed: false,
      reason: 'no-use-catalog',
    });
    await grant(w.catalog, reader, 'USE CATALOG');
    expect(await authz.authorize(reader.actor, 'SELECT', w.table)).toEqual({
      allowed: false,
      reason: 'no-use-schema',
    });
    // USE SCHEMA granted on the catalog counts for every schema in it.
    await grant(w.catalog, reader, 'USE SCHEMA');
    expect(await authz.authorize(reader.actor, 'SELECT', w.table)).toEqual({
      allowed: true,
      reason: 'grant',
    });
    // USE CATALOG on the metastore or on another catalog does not count.
    const other = await world('x');
    await grant(other.table, reader, 'SELECT');
    await grant(other.schema, reader, 'USE SCHEMA');
    await grant(w.catalog, reader, 'CREATE SCHEMA');
    await addGrant(store.db, metastore, reader.id, 'USE CATALOG');
    await markChanged(store.db, clock);
    expect((await authz.authorize(reader.actor, 'SELECT', other.table)).reason).toBe('no-use-catalog');
  });

  it.runIf(engine.available)(
    'an owner still needs USE on the containers; a catalog owner passes USE CATALOG only',
    async () => {
      const w = await world('table_owner', 'catalog_owner');
      const { table_owner, catalog_owner } = w.people as Record<string, TestPrincipal>;
      await store.db
        .updateTable('securables')
        .set({ owner_id: table_owner!.id })
        .where('id', '=', w.table)
        .execute();
      await store.db
        .updateTable('securables')
        .set({ owner_id: catalog_owner!.id })
        .where('id', '=', w.catalog)
        .execute();
      await markChanged(store.db, clock);
      expect((await authz.authorize(table_owner!.actor, 'SELECT', w.table)).reason).toBe('no-use-catalog');
      await grant(w.catalog, table_owner!, 'USE CATALOG', 'USE SCHEMA');
      expect(await authz.authorize(table_owner!.actor, 'SELECT', w.table)).toEqual({
        allowed: true,
        reason: 'owner',
      });

      // The catalog owner manages everything inside, but reads nothing it was not granted.
      expect(await allowed(catalog_owner!.actor, 'USE CATALOG', w.catalog)).toBe(true);
      expect((await authz.authorize(catalog_owner!.actor, 'SELECT', w.table)).reason).toBe('no-use-schema');
      await grant(w.schema, catalog_owner!, 'USE SCHEMA');
      expect(await authz.authorize(catalog_owner!.actor, 'SELECT', w.table)).toEqual({
        allowed: false,
        reason: 'no-privilege',
      });
      expect(await authz.authorize(catalog_owner!.actor, 'MANAGE', w.table)).toEqual({
        allowed: true,
        reason: 'manage',
      });
      expect(await authz.canManage(catalog_owner!.actor, w.schema)).toBe(true);
      expect(await authz.canSee(catalog_owner!.actor, w.table)).toBe(true);
    },
  );

  it.runIf(engine.available)('MANAGE on the schema manages the table but reads nothing', async () => {
    const w = await world('manager');
    const manager = w.people.manager!;
    await grant(w.catalog, manager, 'USE CATALOG');
    await grant(w.schema, manager, 'USE SCHEMA', 'MANAGE');
    expect(await authz.canManage(manager.actor, w.table)).toBe(true);
    expect(await authz.canManage(manager.actor, w.catalog)).toBe(false);
    expect(await allowed(manager.actor, 'SELECT', w.table)).toBe(false);
    expect(await authz.effectivePrivileges(manager.actor, w.table)).toEqual(['BROWSE', 'MANAGE']);
  });

  it.runIf(engine.available)('BROWSE shows metadata without USE CATALOG, and reads nothing', async () => {
    const w = await world('browser');
    const browser = w.people.browser!;
    await grant(w.catalog, browser, 'BROWSE');
    expect(await authz.authorize(browser.actor, 'BROWSE', w.table)).toEqual({
      allowed: true,
      reason: 'grant',
    });
    expect(await authz.canSee(browser.actor, w.schema)).toBe(true);
    expect((await authz.authorize(browser.actor, 'SELECT', w.table)).allowed).toBe(false);
    expect(await authz.canManage(browser.actor, w.table)).toBe(false);
  });

  it.runIf(engine.available)('denies by default: a new user may do nothing anywhere', async () => {
    const w = await world('nobody');
    const nobody = w.people.nobody!;
    for (const securable of [metastore, w.catalog, w.schema, w.table]) {
      for (const privilege of PRIVILEGES) {
        expect(await allowed(nobody.actor, privilege, securable), `${privilege} on ${securable}`).toBe(false);
      }
      expect(await authz.effectivePrivileges(nobody.actor, securable)).toEqual([]);
    }
  });

  it.runIf(engine.available)(
    'a privilege that does not apply to the type is refused, even to the owner',
    async () => {
      const w = await world('owner');
      const owner = w.people.owner!;
      await store.db
        .updateTable('securables')
        .set({ owner_id: owner.id })
        .where('id', 'in', [w.catalog, w.schema, w.table])
        .execute();
      await markChanged(store.db, clock);
      expect(await allowed(owner.actor, 'SELECT', w.table)).toBe(true);
      expect(await allowed(owner.actor, 'READ VOLUME', w.table)).toBe(false);
      expect(await allowed(owner.actor, 'USE CATALOG', w.table)).toBe(false);
      expect(await allowed(admin.actor, 'READ VOLUME', w.table)).toBe(true);
    },
  );

  it.runIf(engine.available)(
    'a revoke holds on the very next decision, though the decision was cached',
    async () => {
      const w = await world('reader');
      const reader = w.people.reader!;
      await grant(w.catalog, reader, 'USE CATALOG', 'USE SCHEMA', 'SELECT');
      expect(await allowed(reader.actor, 'SELECT', w.table)).toBe(true);
      await store.db
        .deleteFrom('grants')
        .where('principal_id', '=', reader.id)
        .where('privilege', '=', 'SELECT')
        .execute();
      // Without a generation bump the cached decision stands: proof that the cache is in use...
      expect(await allowed(reader.actor, 'SELECT', w.table)).toBe(true);
      // ...and the bump every change makes is what ends it.
      await markChanged(store.db, clock);
      expect(await authz.authorize(reader.actor, 'SELECT', w.table)).toEqual({
        allowed: false,
        reason: 'no-privilege',
      });
    },
  );

  it.runIf(engine.available)(
    'grants to a group reach members two levels down, and stop when membership ends',
    async () => {
      const w = await world('member');
      const member = w.people.member!;
      const outer = await addPrincipal(store.db, `outer_${w.n}`, { kind: 'group' });
      const inner = await addPrincipal(store.db, `inner_${w.n}`, { kind: 'group' });
      await addMember(store.db, outer.id, inner.id);
      await addMember(store.db, inner.id, member.id);
      await grant(w.catalog, outer, 'USE CATALOG', 'USE SCHEMA', 'SELECT');
      expect(await authz.authorize(member.actor, 'SELECT', w.table)).toEqual({
        allowed: true,
        reason: 'grant',
      });
      await store.db
        .deleteFrom('group_members')
        .where('group_id', '=', outer.id)
        .where('member_id', '=', inner.id)
        .execute();
      await markChanged(store.db, clock);
      expect((await authz.authorize(member.actor, 'SELECT', w.table)).allowed).toBe(false);
    },
  );

  it.runIf(engine.available)('survives a cycle of groups', async () => {
    const w = await world('member');
    const member = w.people.member!;
    const g1 = await addPrincipal(store.db, `g1_${w.n}`, { kind: 'group' });
    const g2 = await addPrincipal(store.db, `g2_${w.n}`, { kind: 'group' });
    await addMember(store.db, g1.id, g2.id);
    await addMember(store.db, g2.id, g1.id);
    await addMember(store.db, g2.id, member.id);
    await grant(w.catalog, g1, 'USE CATALOG', 'USE SCHEMA', 'SELECT');
    expect(await allowed(member.actor, 'SELECT', w.table)).toBe(true);
    expect([...(await groupsOfFromStore(store.db)(member.id))].sort()).toEqual([g1.id, g2.id].sort());
  });

  it.runIf(engine.available)('a group can own: its members are owners', async () => {
    const w = await world('member');
    const member = w.people.member!;
    const owners = await addPrincipal(store.db, `owners_${w.n}`, { kind: 'group' });
    await addMember(store.db, owners.id, member.id);
    await store.db
      .updateTable('securables')
      .set({ owner_id: owners.id })
      .where('id', '=', w.catalog)
      .execute();
    await markChanged(store.db, clock);
    expect(await authz.authorize(member.actor, 'CREATE SCHEMA', w.catalog)).toEqual({
      allowed: true,
      reason: 'owner',
    });
    expect(await authz.canManage(member.actor, w.table)).toBe(true);
  });

  it.runIf(engine.available)('ownership transfer moves the rights on the next decision', async () => {
    const w = await world('before', 'after');
    const { before, after } = w.people as Record<string, TestPrincipal>;
    await grant(w.catalog, before!, 'USE CATALOG', 'USE SCHEMA');
    await grant(w.catalog, after!, 'USE CATALOG', 'USE SCHEMA');
    await store.db
      .updateTable('securables')
      .set({ owner_id: before!.id })
      .where('id', '=', w.table)
      .execute();
    await markChanged(store.db, clock);
    expect(await allowed(before!.actor, 'MODIFY', w.table)).toBe(true);
    expect(await allowed(after!.actor, 'MODIFY', w.table)).toBe(false);
    await store.db.updateTable('securables').set({ owner_id: after!.id }).where('id', '=', w.table).execute();
    await markChanged(store.db, clock);
    expect(await allowed(before!.actor, 'MODIFY', w.table)).toBe(false);
    expect(await authz.canManage(before!.actor, w.table)).toBe(false);
    expect(await authz.authorize(after!.actor, 'MODIFY', w.table)).toEqual({
      allowed: true,
      reason: 'owner',
    });
  });

  it.runIf(engine.available)(
    'metastore privileges are not inherited by catalogs and what is inside',
    async () => {
      const w = await world('creator');
      const creator = w.people.creator!;
      await grant(metastore, creator, 'CREATE CATALOG', 'MANAGE');
      // Not grantable on the metastore through the service, but even a stray row must not leak down.
      await grant(metastore, creator, 'ALL PRIVILEGES', 'USE CATALOG', 'USE SCHEMA', 'SELECT', 'BROWSE');
      expect(await allowed(creator.actor, 'CREATE CATALOG', metastore)).toBe(true);
      expect(await authz.canManage(creator.actor, metastore)).toBe(true);
      expect(await authz.canManage(creator.actor, w.catalog)).toBe(false);
      expect(await authz.canSee(creator.actor, w.catalog)).toBe(false);
      expect(await allowed(creator.actor, 'USE CATALOG', w.catalog)).toBe(false);
      expect(await allowed(creator.actor, 'SELECT', w.table)).toBe(false);
    },
  );

  it.runIf(engine.available)('an unknown securable is not found, for the admin too', async () => {
    expect(await authz.authorize(admin.actor, 'SELECT', 'sec_missing')).toEqual({
      allowed: false,
      reason: 'not-found',
    });
    expect(await authz.effectivePrivileges(admin.actor, 'sec_missing')).toEqual([]);
  });

  it.runIf(engine.available)(
    'require: NOT_FOUND when it cannot be seen, 403 naming what is missing when it can',
    async () => {
      const w = await world('stranger', 'reader', 'browser');
      const { stranger, reader, browser } = w.people as Record<string, TestPrincipal>;
      const missing = await rejection(authz.require(stranger!.actor, 'SELECT', 'sec_missing'));
      const hidden = await rejection(authz.require(stranger!.actor, 'SELECT', w.table));
      expect(missing.code).toBe('NOT_FOUND');
      expect(hidden.code).toBe('NOT_FOUND');
      expect(hidden.message).toBe(`Table 'c${w.n}.s.t' does not exist or you do not have permission.`);

      await grant(w.table, reader!, 'SELECT');
      const noUse = await rejection(authz.require(reader!.actor, 'SELECT', w.table));
      expect(noUse.code).toBe('AUTH_PERMISSION_DENIED');
      expect(noUse.status).toBe(403);
      expect(noUse.message).toContain(`USE CATALOG on catalog 'c${w.n}'`);
      await grant(w.catalog, reader!, 'USE CATALOG');
      expect((await rejection(authz.require(reader!.actor, 'SELECT', w.table))).message).toContain(
        `USE SCHEMA on schema 'c${w.n}.s'`,
      );

      await grant(w.catalog, browser!, 'BROWSE', 'USE CATALOG', 'USE SCHEMA');
      const denied = await rejection(authz.require(browser!.actor, 'MODIFY', w.table));
      expect(denied.code).toBe('AUTH_PERMISSION_DENIED');
      expect(denied.message).toContain(`MODIFY on table 'c${w.n}.s.t'`);
      await grant(w.schema, reader!, 'USE SCHEMA');
      expect(await authz.require(reader!.actor, 'SELECT', w.table)).toEqual({
        allowed: true,
        reason: 'grant',
      });
    },
  );

  it.runIf(engine.available)('visibleChildren agrees with authorize(BROWSE) child by child', async () => {
    const w = await world('viewer');
    const viewer = w.people.viewer!;
    const ids = [w.table];
    for (const name of ['a', 'b', 'c']) {
      ids.push(
        await addSecurable(store.db, {
          type: 'table',
          fullName: `c${w.n}.s.${name}`,
          parentId: w.schema,
          ownerId: admin.id,
        }),
      );
    }
    await grant(ids[1]!, viewer, 'SELECT');
    await store.db.updateTable('securables').set({ owner_id: viewer.id }).where('id', '=', ids[2]!).execute();
    await markChanged(store.db, clock);
    const rows = await store.db
      .selectFrom('securables')
      .selectAll()
      .where('parent_id', '=', w.schema)
      .execute();
    const refs = rows.map((r) => ({
      id: r.id,
      type: 'table' as const,
      fullName: r.full_name,
      ownerId: r.owner_id,
    }));
    const fresh = new Authorizer({
      db: store.db,
      clock,
      groupsOf: groupsOfFromStore(store.db),
      cacheSize: 0,
    });
    const visible = await fresh.visibleChildren(viewer.actor, w.schema, refs);
    expect([...visible].sort()).toEqual([ids[1]!, ids[2]!].sort());
    for (const ref of refs) expect(await fresh.canSee(viewer.actor, ref.id)).toBe(visible.has(ref.id));
  });
});
