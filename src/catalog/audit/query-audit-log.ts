// Reads the audit log for the API and the CLI: newest first, filtered, paged by seq so a page boundary
// never skips or repeats a record while new ones are appended.

import type { Kysely } from 'kysely';
import { isRecord, safeParseJson, validationError } from '../../core/index.js';
import type { AuditLogTable, Database } from '../../store/index.js';
import type { AuditPage, AuditQuery, AuditRecord } from './audit-types.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function toRecord(row: AuditLogTable): AuditRecord {
  const parsed = safeParseJson(row.params);
  return {
    seq: Number(row.seq),
    at: row.at,
    principalId: row.principal_id,
    action: row.action,
    securableType: row.securable_type,
    securableName: row.securable_name,
    params: parsed.ok && isRecord(parsed.value) ? parsed.value : { _unparseable: row.params },
    decision: row.decision,
    requestId: row.request_id,
    hash: row.hash,
  };
}

/** ISO bounds compare as text only in one form: normalise `2024-05-01` to `2024-05-01T00:00:00.000Z`. */
function isoBound(value: string, name: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw validationError(`${name} must be an ISO-8601 time.`);
  return new Date(time).toISOString();
}

export async function queryAuditLog(db: Kysely<Database>, filter: AuditQuery): Promise<AuditPage> {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw validationError(`limit must be an integer from 1 to ${MAX_LIMIT}.`);
  }
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.cursor !== undefined) {
    if (!/^[1-9][0-9]{0,15}$/.test(filter.cursor)) throw validationError('cursor is not valid.');
    query = query.where('seq', '<', Number(filter.cursor));
  }
  if (filter.since !== undefined) query = query.where('at', '>=', isoBound(filter.since, 'since'));
  if (filter.until !== undefined) query = query.where('at', '<', isoBound(filter.until, 'until'));
  if (filter.principalId !== undefined) query = query.where('principal_id', '=', filter.principalId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.securableName !== undefined) query = query.where('securable_name', '=', filter.securableName);
  if (filter.decision !== undefined) query = query.where('decision', '=', filter.decision);
  // One extra row says whether another page follows.
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const records = rows.slice(0, limit).map(toRecord);
  const last = records.at(-1);
  return rows.length > limit && last ? { records, nextCursor: String(last.seq) } : { records };
}
