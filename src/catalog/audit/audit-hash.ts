// The hash chain: each record's hash covers its own fields and the previous record's hash, so altering,
// deleting, reordering or inserting a record breaks a link that `verify` finds.

import { sha256 } from '../../core/index.js';
import type { AuditLogTable } from '../../store/index.js';

/** The previous hash of record 1. */
export const GENESIS_HASH = '0'.repeat(64);

export type HashedFields = Omit<AuditLogTable, 'hash'>;

/**
 * sha256 of the canonical JSON of the record: a fixed key order, and `params` as the exact stored text
 * (itself canonical JSON), so the hash is recomputed from the row without re-serialising anything.
 */
export function hashAuditRecord(row: HashedFields): string {
  const canonical = JSON.stringify({
    seq: Number(row.seq),
    at: row.at,
    principal_id: row.principal_id,
    action: row.action,
    securable_type: row.securable_type,
    securable_name: row.securable_name,
    params: row.params,
    decision: row.decision,
    request_id: row.request_id,
    prev_hash: row.prev_hash,
  });
  return sha256(canonical, 'hex');
}
