// Recognising a unique-key violation on either engine: the check before an insert can race with another
// replica's insert on PostgreSQL, and the constraint is then what answers.

import { isRecord } from '../../core/index.js';

export function isUniqueViolation(error: unknown): boolean {
  if (!isRecord(error)) return false;
  const code = error['code'];
  // PostgreSQL: unique_violation. SQLite (better-sqlite3): the extended result code.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
