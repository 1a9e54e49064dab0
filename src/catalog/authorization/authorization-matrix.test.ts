// THE AUTHORISATION MATRIX: every securable type x every privilege grantable on it x {admin, owner,
// direct grantee, member of a grantee group nested two levels deep, stranger}, on both store engines.
// Every subject securable gets its own grant of one privilege, so the matrix also shows that a grant of
// P gives nothing else (but sight of the securable), and that ALL PRIVILEGES gives everything but MANAGE.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { GenerationClock } from '../generation.js';
import { type Decision, SECURABLE_TYPES, type SecurableType } from '../model.js';
import { GRANTABLE, type Privilege } from '../privileges.js';
import { Authorizer } from './authorizer.js';
import {
  addGrant,
  addMember,
  addPrincipal,
  addSecurable,
  groupsOfFromStore,
  type TestPrincipal,
} from './test-support.js';

type Role = 'admin' | 'owner' | 'grantee' | 'member' | 'stranger';
const ROLES: Role[] = ['admin', 'owner', 'grantee', 'member', 'stranger'];

/**
 * Asking for the very privilege that was granted (to the grantee, and to the outer group the member is
 * in through an inner group). Owner, grantee, member and stranger all hold USE CATALOG and USE SCHEMA on
 * the containers, so the matrix isolates the privilege itself; the USE rules have their own tests.
 */
const EXPECTED: Record<Role, Decision> = {
  admin: { allowed: true, reason: 'admin' },
  owner: { allowed: true, reason: 'owner' },
  grantee: { allowed: true, reason: 'grant' },
  member: { allowed: true, reason: 'grant' },
  stranger: { allowed: false, reason: 'no-privilege' },
};

/** What a grant of `granted` gives its grantee when it asks for `asked` on the same securable. */
function grantGives(granted: Privilege, asked: Privilege): boolean {
  if (asked === granted) return true;
  if (asked === 'BROWSE') return true; // holding any applicable privilege lets you see it
  if (granted === 'ALL PRIVILEGES') return asked !== 'MANAGE'; // ALL PRIVILEGES never lets you grant
  return false;
}

/** The whole table, written out: what each role gets for `asked` on a securable where `granted` was granted. */
function expectedDecision(role: Role, granted: Privilege, asked: Privilege): Decision {
  if (asked === granted) return EXPECTED[role];
  if (role === 'admin' || role === 'owner' || role === 'stranger') return EXPECTED[role];
  return grantGives(granted, asked)
    ? { allowed: true, reason: 'grant' }
    : { allowed: false, reason: 'no-privilege' };
}

const MATRIX_TYPES = SECURABLE_TYPES.filter(
  (t): t is Exclude<SecurableType, 'metastore'> => t !== 'metastore',
);
const slug = (privilege: Privilege) => privilege.toLowerCase().replace(/ /g, '_');
const show = (d: Decision) => `${d.allowed ? 'allowed' : 'denied'} (${d.reason})`;

describe.each(ENGINES)('authorisation matrix on $engine', (engine) => {
  let store: Awaited<ReturnType<typeof openFreshStore>>;
  let cached: Authorizer;
  let uncached: Authorizer;
  const who = {} as Record<Role, TestPrincipal>;
  /** The subject securable for each `${type}|${privilege}`. */
  const subjects = new Map<string, string>();

  beforeAll(async () => {
    if (!engine.available) return;
    store = await openFreshStore(engine);
    const { db } = store;
    for (const role of ROLES) who[role] = await addPrincipal(db, role, { isAdmin: role === 'admin' });
    const outer = await addPrincipal(db, 'outer_group', { kind: 'group' });
    const inner = await addPrincipal(db, 'inner_group', { kind: 'group' });
    await addMember(db, outer.id, inner.id);
    await addMember(db, inner.id, who.member.id);
    // Everyone but the admin may reach the contents of the containers.
    const reachers = [who.owner.id, who.grantee.id, outer.id, who.stranger.id];

    const metastore = await addSecurable(db, {
      type: 'metastore',
      fullName: 'metastore',
      parentId: null,
      ownerId: who.admin.id,
    });
    const container = async (type: 'catalog' | 'schema', fullName: string, parentId: string) => {
      const id = await addSecurable(db, { type, fullName, parentId, ownerId: who.admin.id });
      for (const p of reachers) await addGrant(db, id, p, type === 'catalog' ? 'USE CATALOG' : 'USE SCHEMA');
      return id;
    };

    for (const type of MATRIX_TYPES) {
      let parentId = metastore;
      let prefix = '';
      if (type === 'schema') {
        parentId = await container('catalog', 'mx_schema', metastore);
        prefix = 'mx_schema.';
      } else if (type !== 'catalog' && type !== 'serving_endpoint') {
        const catalog = await container('catalog', `mx_${type}`, metastore);
        parentId = await container('schema', `mx_${type}.s`, catalog);
        prefix = `mx_${type}.s.`;
      }
      for (const privilege of GRANTABLE[type]) {
        const name = type === 'catalog' ? `mx_catalog_${slug(privilege)}` : `${prefix}o_${slug(privilege)}`;
        const id = await addSecurable(db, { type, fullName: name, parentId, ownerId: who.owner.id });
        await addGrant(db, id, who.grantee.id, privilege);
        await addGrant(db, id, outer.id, privilege);
        subjects.set(`${type}|${privilege}`, id);
      }
    }
    const clock = new GenerationClock(db, store.engine === 'postgres');
    const groupsOf = groupsOfFromStore(db);
    cached = new Authorizer({ db, clock, groupsOf });
    uncached = new Authorizer({ db, clock, groupsOf, cacheSize: 0 });
  });

  afterAll(async () => {
    await store?.destroy();
  });

  for (const type of MATRIX_TYPES) {
    it.runIf(engine.available)(
      `${type}: every privilege x every role, cached and uncached`,
      async () => {
        const expected: string[] = [];
        const truth: string[] = [];
        const effective: string[] = [];
        const expectedEffective: string[] = [];
        for (const granted of GRANTABLE[type]) {
          const subject = subjects.get(`${type}|${granted}`)!;
          // Roles in parallel: on PostgreSQL they use separate pool connections.
          const perRole = await Promise.all(
            ROLES.map(async (role) => {
              const decisions: Decision[] = [];
              for (const asked of GRANTABLE[type]) {
                decisions.push(await uncached.authorize(who[role].actor, asked, subject));
              }
              return decisions;
            }),
          );
          ROLES.forEach((role, r) => {
            const allowed: Privilege[] = [];
            GRANTABLE[type].forEach((asked, a) => {
              const decision = perRole[r]![a]!;
              const label = `granted ${granted}, asked ${asked} / ${role}`;
              expected.push(`${label}: ${show(expectedDecision(role, granted, asked))}`);
              truth.push(`${label}: ${show(decision)}`);
              if (decision.allowed) allowed.push(asked);
            });
            expectedEffective.push(`${granted} / ${role}: ${allowed.join(', ')}`);
          });
          for (const role of ROLES) {
            const privileges = await cached.effectivePrivileges(who[role].actor, subject);
            effective.push(`${granted} / ${role}: ${privileges.join(', ')}`);
          }
        }
        expect(truth).toEqual(expected);
        expect(effective).toEqual(expectedEffective);

        // The cache, filled (cold) and then answering (warm), must not change a single decision.
        for (const pass of ['cold', 'warm']) {
          const viaCache: string[] = [];
          for (const granted of GRANTABLE[type]) {
            const subject = subjects.get(`${type}|${granted}`)!;
            for (const role of ROLES) {
              for (const asked of GRANTABLE[type]) {
                const decision = await cached.authorize(who[role].actor, asked, subject);
                viaCache.push(`granted ${granted}, asked ${asked} / ${role}: ${show(decision)}`);
              }
            }
          }
          expect(viaCache, pass).toEqual(truth);
        }
      },
      60_000,
    );
  }
});
