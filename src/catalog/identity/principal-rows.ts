// Reading principals: by id or by name, and the row as the catalog's CatalogPrincipal.

import type { Kysely, Selectable } from 'kysely';
import { LakegateError } from '../../core/index.js';
import type { Database, PrincipalsTable } from '../../store/index.js';
import type { CatalogPrincipal } from '../model.js';
import { isPrincipalId, lookupName } from './principal-name.js';

export type PrincipalRow = Selectable<PrincipalsTable>;

export function toCatalogPrincipal(row: PrincipalRow): CatalogPrincipal {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    displayName: row.display_name,
    isAdmin: Number(row.is_admin) === 1,
    createdAt: row.created_at,
  };
}

export async function findPrincipal(
  db: Kysely<Database>,
  idOrName: string,
): Promise<PrincipalRow | undefined> {
  const query = db.selectFrom('principals').selectAll();
  return isPrincipalId(idOrName)
    ? query.where('id', '=', idOrName).executeTakeFirst()
    : query.where('name', '=', lookupName(idOrName)).executeTakeFirst();
}

export function principalNotFound(idOrName: string): LakegateError {
  return new LakegateError(
    'NOT_FOUND',
    `Principal ${JSON.stringify(idOrName.slice(0, 300))} does not exist.`,
  );
}

export async function requirePrincipal(db: Kysely<Database>, idOrName: string): Promise<PrincipalRow> {
  const row = await findPrincipal(db, idOrName);
  if (!row) throw principalNotFound(idOrName);
  return row;
}
