// Where a governed table's data lives, as SQL the rewrite can put after FROM. The managed-tables service
// implements it (GovernedTables.relationFor); tests can use plain DuckDB tables. The answer must be
// server-generated and schema-qualified (never a bare name a user CTE could shadow), and physical tables
// must not live in DuckDB's default schema, so no unqualified name in user SQL can ever bind to one.

import type { Securable } from '../../catalog/index.js';

export interface TimeTravel {
  version?: number;
  /** ISO-8601. */
  timestamp?: string;
}

export interface RelationSource {
  /** FROM-able SQL (a qualified table name or a parenthesised SELECT) for the table's data, optionally as of an earlier version. */
  relationFor(table: Securable, at?: TimeTravel): Promise<string>;
}
