// Migrations run on start. Kysely runs the pending ones in one transaction on both engines (SQLite and
// PostgreSQL have transactional DDL), so a failed migration leaves the database as it was; finished ones
// are recorded and skipped, so running them again is a no-op.

import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { LakegateError } from '../core/index.js';
import * as controlPlane from './migrations/0001-control-plane.js';
import * as guardrails from './migrations/0002-guardrails.js';

/** Every migration, in order. Names sort in the order they must run. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-control-plane': controlPlane,
  '0002-guardrails': guardrails,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  migrations: Record<string, Migration> = MIGRATIONS,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrations === MIGRATIONS ? provider : { getMigrations: async () => migrations },
    migrationTableName: 'lakegate_migration',
    migrationLockTableName: 'lakegate_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new LakegateError('CONFIG_INVALID', `Migration ${failed} failed; the database is unchanged.`, {
      cause: error,
      details: { migration: failed },
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
