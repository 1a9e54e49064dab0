// One audit record per governed statement: who, what kind, a hash and the length of the statement (never
// its text, which may carry literals worth hiding, and never result data), the tables it read or wrote,
// and the decision. A statement refused by governance is a deny; one that ran (even if it then failed in
// the engine) is an allow, with the outcome.

import type { Actor, Catalog } from '../../catalog/index.js';
import { statementHash } from './table-names.js';

export interface QueryAuditEntry {
  actor: Actor;
  kind: 'SELECT' | 'CREATE_TABLE_AS' | 'INSERT';
  statement: string;
  decision: 'allow' | 'deny';
  tables?: readonly string[];
  target?: string;
  /** Error code when refused or failed. */
  error?: string;
  rows?: number;
  statementId?: string;
}

export function auditQuery(catalog: Catalog, entry: QueryAuditEntry): void {
  catalog.audit.record({
    principalId: entry.actor.principalId,
    action: 'sql.statement',
    ...(entry.target ? { securableType: 'table', securableName: entry.target } : {}),
    params: {
      kind: entry.kind,
      statement_sha256: statementHash(entry.statement),
      statement_length: entry.statement.length,
      tables: [...(entry.tables ?? [])],
      ...(entry.error ? { error: entry.error } : {}),
      ...(entry.rows !== undefined ? { rows: entry.rows } : {}),
      ...(entry.statementId ? { statement_id: entry.statementId } : {}),
    },
    decision: entry.decision,
    ...(entry.actor.requestId ? { requestId: entry.actor.requestId } : {}),
  });
}
