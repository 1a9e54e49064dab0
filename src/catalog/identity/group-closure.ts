// Transitive group membership with one recursive query that both engines run. UNION (not UNION ALL)
// drops rows already produced, so the recursion ends even if the data ever held a cycle.

import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

/** Ids of every group `principalId` belongs to, directly or through nested groups. */
export async function ancestorGroupIds(db: Kysely<Database>, principalId: string): Promise<string[]> {
  const rows = await db
    .withRecursive('ancestors(id)', (qc) =>
      qc
        .selectFrom('group_members')
        .select('group_members.group_id as id')
        .where('group_members.member_id', '=', principalId)
        .union(
          qc
            .selectFrom('group_members')
            .innerJoin('ancestors', 'ancestors.id', 'group_members.member_id')
            .select('group_members.group_id as id'),
        ),
    )
    .selectFrom('ancestors')
    .select('ancestors.id')
    .orderBy('ancestors.id')
    .execute();
  return rows.map((row) => String(row.id));
}
