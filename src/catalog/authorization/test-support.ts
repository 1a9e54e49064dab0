// Fixtures for the catalog's authorisation tests, written straight to the store with Kysely so these
// suites depend on nothing but the schema: principals, nested groups, securables and grants, plus a
// groupsOf lookup (a recursive query, as identity's will be) and a way to announce a change.

import type { Kysely } from 'kysely';
import { isLakegateError, type LakegateError, newId, nowIso } from '../../core/index.js';
import type { Database } from '../../store/index.js';
import { bumpGeneration, type GenerationClock } from '../generation.js';
import type { Actor, PrincipalKind, SecurableType } from '../model.js';
import type { Privilege } from '../privileges.js';
import type { GroupsOf } from './load-context.js';

/** Transitive groups of a principal; UNION (not UNION ALL) ends the recursion on membership cycles. */
export function groupsOfFromStore(db: Kysely<Database>): GroupsOf {
  return async (principalId) => {
    const rows = await db
      .withRecursive('memberships(group_id)', (qb) =>
        qb
          .selectFrom('group_members')
          .select('group_id')
          .where('member_id', '=', principalId)
          .union(
            qb
              .selectFrom('group_members')
              .innerJoin('memberships', 'memberships.group_id', 'group_members.member_id')
              .select('group_members.group_id'),
          ),
      )
      .selectFrom('memberships')
      .select('group_id')
      .execute();
    return rows.map((r) => r.group_id);
  };
}

export interface TestPrincipal {
  id: string;
  name: string;
  actor: Actor;
}

export async function addPrincipal(
  db: Kysely<Database>,
  name: string,
  options: { kind?: PrincipalKind; isAdmin?: boolean } = {},
): Promise<TestPrincipal> {
  const id = newId('pr');
  const kind = options.kind ?? 'user';
  await db
    .insertInto('principals')
    .values({
      id,
      name,
      kind,
      display_name: null,
      is_admin: options.isAdmin ? 1 : 0,
      created_at: nowIso(),
      created_by: null,
    })
    .execute();
  return {
    id,
    name,
    actor: {
      principalId: id,
      name,
      kind: kind === 'service' ? 'service' : 'user',
      isAdmin: !!options.isAdmin,
    },
  };
}

export async function addMember(db: Kysely<Database>, groupId: string, memberId: string): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ group_id: groupId, member_id: memberId, created_at: nowIso(), created_by: null })
    .execute();
}

export async function addSecurable(
  db: Kysely<Database>,
  securable: { type: SecurableType; fullName: string; parentId: string | null; ownerId: string },
): Promise<string> {
  const id = newId('sec');
  const now = nowIso();
  await db
    .insertInto('securables')
    .values({
      id,
      type: securable.type,
      full_name: securable.fullName,
      name: securable.fullName.split('.').at(-1)!,
      parent_id: securable.parentId,
      owner_id: securable.ownerId,
      comment: null,
      details: '{}',
      created_at: now,
      created_by: securable.ownerId,
      updated_at: now,
      updated_by: securable.ownerId,
    })
    .execute();
  return id;
}

export async function addGrant(
  db: Kysely<Database>,
  securableId: string,
  principalId: string,
  privilege: Privilege,
): Promise<void> {
  await db
    .insertInto('grants')
    .values({
      securable_id: securableId,
      principal_id: principalId,
      privilege,
      granted_by: 'test',
      granted_at: nowIso(),
    })
    .execute();
}

/** What every real change does after committing; fixtures that bypass the services call it themselves. */
export async function markChanged(db: Kysely<Database>, clock: GenerationClock): Promise<void> {
  await bumpGeneration(db);
  clock.changed();
}

/** The LakegateError a promise rejects with; fails the test if it resolves or throws something else. */
export async function rejection(promise: Promise<unknown>): Promise<LakegateError> {
  try {
    await promise;
  } catch (error) {
    if (isLakegateError(error)) return error;
    throw error;
  }
  throw new Error('Expected a LakegateError, but the call succeeded.');
}
