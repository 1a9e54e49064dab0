// Reading securables: rows as the catalog's Securable, looked up by type and full name.

import type { Kysely, Selectable, Transaction } from 'kysely';
import { isRecord, LakegateError, safeParseJson } from '../../core/index.js';
import type { Database, SecurablesTable } from '../../store/index.js';
import type { Securable, SecurableType } from '../model.js';
import { METASTORE_NAME } from './securable-name.js';

export type Db = Kysely<Database> | Transaction<Database>;

export function toSecurable(row: Selectable<SecurablesTable>): Securable {
  const parsed = safeParseJson(row.details);
  return {
    id: row.id,
    type: row.type as SecurableType,
    fullName: row.full_name,
    name: row.name,
    parentId: row.parent_id,
    ownerId: row.owner_id,
    comment: row.comment,
    details: parsed.ok && isRecord(parsed.value) ? parsed.value : {},
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export function findSecurableRow(
  db: Db,
  type: SecurableType,
  fullName: string,
): Promise<Selectable<SecurablesTable> | undefined> {
  return db
    .selectFrom('securables')
    .selectAll()
    .where('type', '=', type)
    .where('full_name', '=', fullName)
    .executeTakeFirst();
}

export async function findSecurable(
  db: Db,
  type: SecurableType,
  fullName: string,
): Promise<Securable | undefined> {
  const row = await findSecurableRow(db, type, fullName);
  return row ? toSecurable(row) : undefined;
}

export async function findSecurableById(db: Db, id: string): Promise<Securable | undefined> {
  const row = await db.selectFrom('securables').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSecurable(row) : undefined;
}

export async function requireMetastore(db: Db): Promise<Securable> {
  const metastore = await findSecurable(db, 'metastore', METASTORE_NAME);
  if (!metastore) {
    throw new LakegateError('INTERNAL', 'The metastore has not been created: start the service once first.');
  }
  return metastore;
}

/** Whether a name is taken in the type's namespace (tables, views and vector indexes share one). */
export async function nameTaken(
  db: Db,
  types: readonly SecurableType[],
  fullName: string,
  exceptId?: string,
): Promise<SecurableType | undefined> {
  let query = db
    .selectFrom('securables')
    .select('type')
    .where('type', 'in', [...types])
    .where('full_name', '=', fullName);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const row = await query.executeTakeFirst();
  return row?.type as SecurableType | undefined;
}
