// What one decision needs, in three queries at most: the securable's chain up to the metastore (one
// recursive query), the actor's groups (from the injected lookup) and what those principals hold on the
// chain (one query). Listings add the children of one parent to the same grants query.

import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import type { Actor, SecurableType } from '../model.js';
import type { AuthContext, ChainNode } from './decide.js';

/** Transitive group ids of a principal (nested groups, cycle-safe). */
export type GroupsOf = (principalId: string) => Promise<readonly string[]>;

/** Deeper than any real chain (object, schema, catalog, metastore): stops a corrupt parent cycle. */
const MAX_DEPTH = 8;

export async function loadChain(db: Kysely<Database>, securableId: string): Promise<ChainNode[]> {
  const rows = await db
    .withRecursive('chain(id, type, full_name, owner_id, parent_id, depth)', (qb) =>
      qb
        .selectFrom('securables')
        .select((eb) => ['id', 'type', 'full_name', 'owner_id', 'parent_id', eb.lit(0).as('depth')])
        .where('id', '=', securableId)
        .unionAll(
          qb
            .selectFrom('securables')
            .innerJoin('chain', 'chain.parent_id', 'securables.id')
            .select((eb) => [
              'securables.id',
              'securables.type',
              'securables.full_name',
              'securables.owner_id',
              'securables.parent_id',
              eb('chain.depth', '+', 1).as('depth'),
            ])
            .where('chain.depth', '<', MAX_DEPTH),
        ),
    )
    .selectFrom('chain')
    .select(['id', 'type', 'full_name', 'owner_id', 'depth'])
    .orderBy('depth')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type as SecurableType,
    fullName: r.full_name,
    ownerId: r.owner_id,
  }));
}

export async function loadPrincipals(actor: Actor, groupsOf: GroupsOf): Promise<Set<string>> {
  return new Set([actor.principalId, ...(await groupsOf(actor.principalId))]);
}

/**
 * Privileges held by `principals` on `securableIds`, and on the children of `childrenOf` when given (a
 * subquery, so a parent with thousands of children does not become thousands of bound parameters).
 */
export async function loadGrants(
  db: Kysely<Database>,
  principals: ReadonlySet<string>,
  securableIds: readonly string[],
  childrenOf?: string,
): Promise<Map<string, Set<string>>> {
  const grants = new Map<string, Set<string>>();
  if (principals.size === 0 || (securableIds.length === 0 && childrenOf === undefined)) return grants;
  const rows = await db
    .selectFrom('grants')
    .select(['securable_id', 'privilege'])
    .where('principal_id', 'in', [...principals])
    .where((eb) => {
      const ors = securableIds.length > 0 ? [eb('securable_id', 'in', [...securableIds])] : [];
      if (childrenOf !== undefined) {
        ors.push(
          eb(
            'securable_id',
            'in',
            eb
              .selectFrom('securables')
              .select('securables.id')
              .where('securables.parent_id', '=', childrenOf),
          ),
        );
      }
      return eb.or(ors);
    })
    .execute();
  for (const row of rows) {
    const held = grants.get(row.securable_id) ?? new Set<string>();
    held.add(row.privilege);
    grants.set(row.securable_id, held);
  }
  return grants;
}

export async function loadContext(
  db: Kysely<Database>,
  groupsOf: GroupsOf,
  actor: Actor,
  securableId: string,
): Promise<AuthContext> {
  if (actor.isAdmin) {
    const chain = await loadChain(db, securableId);
    return { isAdmin: true, chain, principals: new Set([actor.principalId]), grants: new Map() };
  }
  // Independent reads: on PostgreSQL they run on two connections at once.
  const [chain, principals] = await Promise.all([
    loadChain(db, securableId),
    loadPrincipals(actor, groupsOf),
  ]);
  const grants = await loadGrants(
    db,
    principals,
    chain.map((n) => n.id),
  );
  return { isAdmin: false, chain, principals, grants };
}
