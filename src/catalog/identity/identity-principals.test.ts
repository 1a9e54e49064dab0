import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../../../test/support/stores.js';
import { isLakegateError, nowIso } from '../../core/index.js';
import { openStore, type Store } from '../../store/index.js';
import { GenerationClock } from '../generation.js';
import type { IdentityChange } from './commit-change.js';
import { IdentityService } from './identity-service.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isLakegateError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a LakegateError');
}

describe.each(ENGINES)('identity: principals and groups on $engine', (engine) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const { options, cleanup } = await engine.fresh();
    cleanups.push(cleanup);
    const store = await openStore(options);
    cleanups.push(() => store.close());
    const events: IdentityChange[] = [];
    const identity = new IdentityService({
      db: store.db,
      clock: new GenerationClock(store.db, store.engine === 'postgres'),
      masterKey: randomBytes(32),
      onChange: (event) => events.push(event),
    });
    return { store, identity, events };
  }

  async function count(store: Store, table: 'principals' | 'group_members' | 'api_keys' | 'grants') {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  describe('principals', () => {
    it.runIf(engine.available)('creates users, services and groups, found by id or by name', async () => {
      const { identity } = await setup();
      const ana = await identity.createPrincipal(
        { name: 'Ana@Example.com', kind: 'user', displayName: 'Ana' },
        null,
      );
      expect(ana).toMatchObject({
        name: 'ana@example.com',
        kind: 'user',
        displayName: 'Ana',
        isAdmin: false,
      });
      expect(ana.id).toMatch(/^pr_[0-9a-f]{24}$/);
      const svc = await identity.createPrincipal({ name: 'claims-bot', kind: 'service' }, ana.id);
      await identity.createPrincipal({ name: 'analysts', kind: 'group' }, ana.id);

      expect(await identity.getPrincipal(ana.id)).toEqual(ana);
      expect(await identity.getPrincipal('ANA@example.COM')).toEqual(ana);
      expect(await identity.getPrincipal('nobody')).toBeUndefined();
      expect((await identity.listPrincipals()).map((p) => p.name)).toEqual([
        'ana@example.com',
        'analysts',
        'claims-bot',
      ]);
      expect(await identity.listPrincipals({ kind: 'service' })).toEqual([svc]);
    });

    it.runIf(engine.available)('refuses a name that is taken, whatever its case or kind', async () => {
      const { identity, store } = await setup();
      await identity.createPrincipal({ name: 'ana@example.com', kind: 'user' }, null);
      expect(await codeOf(identity.createPrincipal({ name: 'ANA@example.com', kind: 'user' }, null))).toBe(
        'ALREADY_EXISTS',
      );
      await identity.createPrincipal({ name: 'data', kind: 'group' }, null);
      expect(await codeOf(identity.createPrincipal({ name: 'Data', kind: 'service' }, null))).toBe(
        'ALREADY_EXISTS',
      );
      expect(await count(store, 'principals')).toBe(2);
    });

    it.runIf(engine.available)('lets only one of two concurrent creations of a name succeed', async () => {
      const { identity, store } = await setup();
      const results = await Promise.allSettled([
        identity.createPrincipal({ name: 'race', kind: 'user' }, null),
        identity.createPrincipal({ name: 'RACE', kind: 'group' }, null),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(await count(store, 'principals')).toBe(1);
    });

    it.runIf(engine.available)('allows e-mail addresses for users only', async () => {
      const { identity } = await setup();
      await identity.createPrincipal({ name: 'first.last-2@sub.example.co.uk', kind: 'user' }, null);
      expect(await codeOf(identity.createPrincipal({ name: 'ops@example.com', kind: 'group' }, null))).toBe(
        'VALIDATION_FAILED',
      );
      expect(await codeOf(identity.createPrincipal({ name: 'bot@example.com', kind: 'service' }, null))).toBe(
        'VALIDATION_FAILED',
      );
    });

    const badNames: Array<[string, string]> = [
      ['nothing in it', ''],
      ['a space', 'ana smith'],
      ['a slash', 'a/b'],
      ['a quote', "x'; drop table principals; --"],
      ['a leading dash', '-lead'],
      ['a leading dot', '.hidden'],
      ['a newline', 'ana\n'],
      ['non-ASCII letters', 'zoë'],
      ['256 characters', 'a'.repeat(256)],
      ['the shape of a principal id', `pr_${'0'.repeat(24)}`],
    ];
    for (const [what, name] of badNames) {
      it.runIf(engine.available)(`refuses a name with ${what}`, async () => {
        const { identity, store } = await setup();
        expect(await codeOf(identity.createPrincipal({ name, kind: 'user' }, null))).toBe(
          'VALIDATION_FAILED',
        );
        expect(await count(store, 'principals')).toBe(0);
      });
    }

    it.runIf(engine.available)(
      'refuses an unknown kind, a non-string name and an oversized display name',
      async () => {
        const { identity } = await setup();
        const bad = [
          { name: 'x', kind: 'admin' },
          { name: 42, kind: 'user' },
          { name: 'y', kind: 'user', displayName: 'd'.repeat(256) },
        ] as unknown as Parameters<IdentityService['createPrincipal']>[0][];
        for (const input of bad)
          expect(await codeOf(identity.createPrincipal(input, null))).toBe('VALIDATION_FAILED');
        expect(await codeOf(identity.listPrincipals({ kind: 'robot' as never }))).toBe('VALIDATION_FAILED');
      },
    );

    it.runIf(engine.available)('accepts the longest name, 255 characters', async () => {
      const { identity } = await setup();
      const name = `a${'b'.repeat(254)}`;
      expect((await identity.createPrincipal({ name, kind: 'user' }, null)).name).toBe(name);
    });

    it.runIf(engine.available)('deletes a principal with its memberships, keys and grants', async () => {
      const { identity, store, events } = await setup();
      const admin = (await identity.bootstrapAdmin()).admin;
      const ana = await identity.createPrincipal({ name: 'ana', kind: 'user' }, admin.id);
      await identity.createPrincipal({ name: 'analysts', kind: 'group' }, admin.id);
      await identity.addMember('analysts', 'ana', admin.id);
      const key = await identity.createKey('ana', {}, admin.id);
      expect(await identity.verifyBearer(key.token)).toBeDefined();
      const now = nowIso();
      await store.db
        .insertInto('securables')
        .values({
          id: 'sc_test',
          type: 'catalog',
          full_name: 'main',
          name: 'main',
          parent_id: null,
          owner_id: admin.id,
          comment: null,
          details: '{}',
          created_at: now,
          created_by: admin.id,
          updated_at: now,
          updated_by: admin.id,
        })
        .execute();
      await store.db
        .insertInto('grants')
        .values({
          securable_id: 'sc_test',
          principal_id: ana.id,
          privilege: 'USE CATALOG',
          granted_by: admin.id,
          granted_at: now,
        })
        .execute();

      await identity.deletePrincipal('ana', admin.id);
      expect(await identity.getPrincipal(ana.id)).toBeUndefined();
      expect(await identity.listMembers('analysts')).toEqual([]);
      expect(await count(store, 'grants')).toBe(0);
      expect(await count(store, 'api_keys')).toBe(1); // the admin's
      expect(await identity.verifyBearer(key.token)).toBeUndefined();
      expect(events.at(-1)).toEqual({
        action: 'identity.deletePrincipal',
        principalId: admin.id,
        params: { principal: 'ana', kind: 'user', principalId: ana.id },
      });
      expect(await codeOf(identity.deletePrincipal('ana'))).toBe('NOT_FOUND');
    });

    it.runIf(engine.available)(
      'refuses to delete the last admin, or a principal that owns securables',
      async () => {
        const { identity, store } = await setup();
        const { admin } = await identity.bootstrapAdmin();
        expect(await codeOf(identity.deletePrincipal('admin'))).toBe('VALIDATION_FAILED');
        expect(await codeOf(identity.deletePrincipal(admin.id))).toBe('VALIDATION_FAILED');
        const owner = await identity.createPrincipal({ name: 'owner', kind: 'group' }, admin.id);
        const now = nowIso();
        await store.db
          .insertInto('securables')
          .values({
            id: 'sc_owned',
            type: 'catalog',
            full_name: 'owned',
            name: 'owned',
            parent_id: null,
            owner_id: owner.id,
            comment: null,
            details: '{}',
            created_at: now,
            created_by: admin.id,
            updated_at: now,
            updated_by: admin.id,
          })
          .execute();
        expect(await codeOf(identity.deletePrincipal('owner'))).toBe('VALIDATION_FAILED');
        expect(await identity.getPrincipal('owner')).toBeDefined();
        expect(await identity.getPrincipal('admin')).toMatchObject({ isAdmin: true });
      },
    );

    it.runIf(engine.available)(
      'reports each change once committed, and nothing for a failed one',
      async () => {
        const { identity, events } = await setup();
        const ana = await identity.createPrincipal({ name: 'ana', kind: 'user' }, null);
        await codeOf(identity.createPrincipal({ name: 'ana', kind: 'user' }, null));
        expect(events).toEqual([
          {
            action: 'identity.createPrincipal',
            principalId: null,
            params: { principal: 'ana', kind: 'user', principalId: ana.id },
          },
        ]);
      },
    );

    it.runIf(engine.available)('keeps a committed change when the audit hook throws', async () => {
      const { store } = await setup();
      const identity = new IdentityService({
        db: store.db,
        clock: new GenerationClock(store.db, store.engine === 'postgres'),
        masterKey: randomBytes(32),
        onChange: () => {
          throw new Error('audit down');
        },
      });
      await identity.createPrincipal({ name: 'ana', kind: 'user' }, null);
      expect(await identity.getPrincipal('ana')).toBeDefined();
    });
  });

  describe('groups', () => {
    async function nested() {
      const ctx = await setup();
      const { identity } = ctx;
      const ana = await identity.createPrincipal({ name: 'ana', kind: 'user' }, null);
      const bob = await identity.createPrincipal({ name: 'bob', kind: 'user' }, null);
      const bot = await identity.createPrincipal({ name: 'bot', kind: 'service' }, null);
      const analysts = await identity.createPrincipal({ name: 'analysts', kind: 'group' }, null);
      const data = await identity.createPrincipal({ name: 'data', kind: 'group' }, null);
      const everyone = await identity.createPrincipal({ name: 'everyone', kind: 'group' }, null);
      await identity.addMember('analysts', 'ana');
      await identity.addMember('data', 'analysts');
      await identity.addMember('everyone', 'data');
      await identity.addMember('data', 'bot');
      return { ...ctx, ana, bob, bot, analysts, data, everyone };
    }

    it.runIf(engine.available)('resolves membership through nested groups', async () => {
      const { identity, ana, bob, bot, analysts, data, everyone } = await nested();
      expect([...(await identity.groupsOf(ana.id))].sort()).toEqual(
        [analysts.id, data.id, everyone.id].sort(),
      );
      expect([...(await identity.groupsOf(bot.id))].sort()).toEqual([data.id, everyone.id].sort());
      expect([...(await identity.groupsOf(analysts.id))].sort()).toEqual([data.id, everyone.id].sort());
      expect(await identity.groupsOf(bob.id)).toEqual([]);
      expect(await identity.groupsOf(everyone.id)).toEqual([]);
      expect(await identity.isMember(ana.id, 'everyone')).toBe(true);
      expect(await identity.isMember(ana.id, 'EVERYONE')).toBe(true);
      expect(await identity.isMember(bob.id, 'everyone')).toBe(false);
      expect(await identity.isMember(ana.id, 'no-such-group')).toBe(false);
      expect(await identity.isMember(ana.id, 'ana')).toBe(false);
      expect((await identity.listMembers('data')).map((p) => p.name)).toEqual(['analysts', 'bot']);
    });

    it.runIf(engine.available)('sees a removal or a deleted group on the very next lookup', async () => {
      const { identity, ana, data, everyone, events } = await nested();
      expect(await identity.isMember(ana.id, 'everyone')).toBe(true);
      expect(await identity.removeMember('data', 'analysts', 'pr_actor')).toBe(true);
      expect(events.at(-1)).toEqual({
        action: 'identity.removeMember',
        principalId: 'pr_actor',
        params: { group: 'data', member: 'analysts' },
      });
      expect(await identity.isMember(ana.id, 'everyone')).toBe(false);
      expect(await identity.isMember(ana.id, 'data')).toBe(false);
      expect(await identity.removeMember('data', 'analysts')).toBe(false);
      await identity.addMember('data', 'analysts');
      expect(await identity.groupsOf(ana.id)).toContain(everyone.id);
      await identity.deletePrincipal('data');
      expect(await identity.groupsOf(ana.id)).not.toContain(data.id);
      expect(await identity.groupsOf(ana.id)).not.toContain(everyone.id);
    });

    it.runIf(engine.available)(
      'refuses every cycle, direct or through nesting, and leaves the groups as they were',
      async () => {
        const { identity, store } = await nested();
        const before = await count(store, 'group_members');
        expect(await codeOf(identity.addMember('analysts', 'analysts'))).toBe('VALIDATION_FAILED');
        expect(await codeOf(identity.addMember('analysts', 'data'))).toBe('VALIDATION_FAILED');
        expect(await codeOf(identity.addMember('analysts', 'everyone'))).toBe('VALIDATION_FAILED');
        expect(await codeOf(identity.addMember('data', 'everyone'))).toBe('VALIDATION_FAILED');
        expect(await count(store, 'group_members')).toBe(before);
        // Not a cycle: a group may sit in two groups, and a member may be reached two ways.
        await identity.createPrincipal({ name: 'auditors', kind: 'group' }, null);
        expect(await identity.addMember('auditors', 'analysts')).toBe(true);
        expect(await identity.addMember('everyone', 'analysts')).toBe(true);
      },
    );

    it.runIf(engine.available)(
      'lets at most one of two concurrent, mutually cyclic additions through',
      async () => {
        const { identity, store } = await setup();
        await identity.createPrincipal({ name: 'g1', kind: 'group' }, null);
        await identity.createPrincipal({ name: 'g2', kind: 'group' }, null);
        const results = await Promise.allSettled([
          identity.addMember('g1', 'g2'),
          identity.addMember('g2', 'g1'),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await count(store, 'group_members')).toBe(1);
      },
    );

    it.runIf(engine.available)(
      'terminates on a cycle that was written to the store behind its back',
      async () => {
        const { identity, store } = await setup();
        const g1 = await identity.createPrincipal({ name: 'g1', kind: 'group' }, null);
        const g2 = await identity.createPrincipal({ name: 'g2', kind: 'group' }, null);
        const ana = await identity.createPrincipal({ name: 'ana', kind: 'user' }, null);
        await identity.addMember('g1', 'ana');
        await identity.addMember('g2', 'g1');
        await store.db
          .insertInto('group_members')
          .values({ group_id: g1.id, member_id: g2.id, created_at: nowIso(), created_by: null })
          .execute();
        const fresh = new IdentityService({
          db: store.db,
          clock: new GenerationClock(store.db, false),
          masterKey: randomBytes(32),
        });
        expect([...(await fresh.groupsOf(ana.id))].sort()).toEqual([g1.id, g2.id].sort());
      },
    );

    it.runIf(engine.available)('puts members only into groups, and names what is missing', async () => {
      const { identity } = await nested();
      expect(await codeOf(identity.addMember('ana', 'bob'))).toBe('VALIDATION_FAILED');
      expect(await codeOf(identity.addMember('bot', 'bob'))).toBe('VALIDATION_FAILED');
      expect(await codeOf(identity.addMember('nope', 'bob'))).toBe('NOT_FOUND');
      expect(await codeOf(identity.addMember('data', 'nobody'))).toBe('NOT_FOUND');
      expect(await codeOf(identity.listMembers('ana'))).toBe('VALIDATION_FAILED');
      expect(await codeOf(identity.removeMember('nope', 'ana'))).toBe('NOT_FOUND');
    });

    it.runIf(engine.available)(
      'adds a member once: a repeat changes nothing and reports nothing',
      async () => {
        const { identity, events } = await nested();
        const before = events.length;
        expect(await identity.addMember('analysts', 'ANA')).toBe(false);
        expect(events.length).toBe(before);
        expect((await identity.listMembers('analysts')).map((p) => p.name)).toEqual(['ana']);
      },
    );
  });
});
