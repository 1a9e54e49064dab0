// The guardrail tables (migration 0002): one row per guardrail, one per version of its policy (0 is the
// DRAFT). Only this file writes SQL for them; the service decides who may call what.

import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

export interface VersionRow {
  securable_id: string;
  version: number;
  name: string;
  description: string | null;
  /** The policy as JSON. */
  policy: string;
  created_at: string;
  updated_at: string;
}

const VERSION_COLUMNS = [
  'securable_id',
  'version',
  'name',
  'description',
  'policy',
  'created_at',
  'updated_at',
] as const;

type Db = Kysely<Database>;

export async function nameTaken(db: Db, name: string, exceptSecurableId?: string): Promise<boolean> {
  let query = db.selectFrom('guardrails').select('securable_id').where('name', '=', name);
  if (exceptSecurableId) query = query.where('securable_id', '!=', exceptSecurableId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function guardrailIdByName(db: Db, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('guardrails')
    .select('guardrail_id')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.guardrail_id;
}

export interface DraftValues {
  name: string;
  description: string | null;
  policy: string;
  actorId: string;
  now: string;
}

/** The guardrail and its DRAFT, in one transaction. */
export async function insertGuardrail(
  db: Db,
  securableId: string,
  guardrailId: string,
  draft: DraftValues,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('guardrails')
      .values({
        securable_id: securableId,
        guardrail_id: guardrailId,
        name: draft.name,
        next_version: 1,
        created_at: draft.now,
        created_by: draft.actorId,
      })
      .execute();
    await trx
      .insertInto('guardrail_versions')
      .values({
        securable_id: securableId,
        version: 0,
        name: draft.name,
        description: draft.description,
        policy: draft.policy,
        status: 'READY',
        created_at: draft.now,
        created_by: draft.actorId,
        updated_at: draft.now,
        updated_by: draft.actorId,
      })
      .execute();
  });
}

export async function updateDraft(db: Db, securableId: string, draft: DraftValues): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('guardrails')
      .set({ name: draft.name })
      .where('securable_id', '=', securableId)
      .execute();
    await trx
      .updateTable('guardrail_versions')
      .set({
        name: draft.name,
        description: draft.description,
        policy: draft.policy,
        updated_at: draft.now,
        updated_by: draft.actorId,
      })
      .where('securable_id', '=', securableId)
      .where('version', '=', 0)
      .execute();
  });
}

/**
 * Copies the DRAFT as the next numbered version. The counter is incremented first: on PostgreSQL that
 * locks the guardrail's row, so concurrent snapshots get consecutive numbers rather than a clash.
 */
export async function snapshotDraft(
  db: Db,
  securableId: string,
  values: { description: string | null; actorId: string; now: string },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('guardrails')
      .set((eb) => ({ next_version: eb('next_version', '+', 1) }))
      .where('securable_id', '=', securableId)
      .execute();
    const head = await trx
      .selectFrom('guardrails')
      .select('next_version')
      .where('securable_id', '=', securableId)
      .executeTakeFirstOrThrow();
    const draft = await trx
      .selectFrom('guardrail_versions')
      .selectAll()
      .where('securable_id', '=', securableId)
      .where('version', '=', 0)
      .executeTakeFirstOrThrow();
    const version = head.next_version - 1;
    await trx
      .insertInto('guardrail_versions')
      .values({
        ...draft,
        version,
        description: values.description ?? draft.description,
        created_at: values.now,
        created_by: values.actorId,
        updated_at: values.now,
        updated_by: values.actorId,
      })
      .execute();
    return version;
  });
}

/** Whether the numbered version existed. */
export async function deleteVersion(db: Db, securableId: string, version: number): Promise<boolean> {
  const deleted = await db
    .deleteFrom('guardrail_versions')
    .where('securable_id', '=', securableId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

export function findVersion(db: Db, securableId: string, version: number): Promise<VersionRow | undefined> {
  return db
    .selectFrom('guardrail_versions')
    .select(VERSION_COLUMNS)
    .where('securable_id', '=', securableId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export function listVersions(db: Db, securableId: string): Promise<VersionRow[]> {
  return db
    .selectFrom('guardrail_versions')
    .select(VERSION_COLUMNS)
    .where('securable_id', '=', securableId)
    .orderBy('version')
    .execute();
}

export async function listDrafts(db: Db, securableIds: readonly string[]): Promise<VersionRow[]> {
  if (securableIds.length === 0) return [];
  return db
    .selectFrom('guardrail_versions')
    .select(VERSION_COLUMNS)
    .where('securable_id', 'in', securableIds)
    .where('version', '=', 0)
    .orderBy('name')
    .execute();
}
