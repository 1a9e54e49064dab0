// Walks the chain in seq order, a page at a time (constant memory), recomputing every hash. It finds an
// altered field (hash mismatch), a deleted record (gap in seq, or a broken prev_hash link), a reordered
// record (its hash covers its seq), a forged record re-hashed to look valid (the next record's link, or
// the head, no longer matches) and a truncated tail (the head points past the last record).
//
// What it cannot find: an attacker who rewrites a suffix of the log AND the head consistently. Catching
// that needs the head exported somewhere the attacker cannot write (a periodic anchor), not in this store.

import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import { GENESIS_HASH, hashAuditRecord } from './audit-hash.js';
import type { AuditVerifyResult } from './audit-types.js';

const PAGE = 1000;

interface Cursor {
  seq: number;
  hash: string;
  records: number;
}

type Walk = { ok: true; cursor: Cursor } | { ok: false; result: AuditVerifyResult };

/** Checks every record after `cursor` (up to `maxSeq` when given) against the chain so far. */
async function walk(db: Kysely<Database>, start: Cursor, maxSeq?: number): Promise<Walk> {
  const cursor = { ...start };
  for (;;) {
    let query = db.selectFrom('audit_log').selectAll().where('seq', '>', cursor.seq);
    if (maxSeq !== undefined) query = query.where('seq', '<=', maxSeq);
    const rows = await query.orderBy('seq').limit(PAGE).execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      const bad = (problem: string): Walk => ({
        ok: false,
        result: { ok: false, records: cursor.records, firstBadSeq: seq, problem },
      });
      if (seq !== cursor.seq + 1) {
        const missing = seq - 1 === cursor.seq + 1 ? `${cursor.seq + 1}` : `${cursor.seq + 1}..${seq - 1}`;
        return {
          ok: false,
          result: {
            ok: false,
            records: cursor.records,
            firstBadSeq: cursor.seq + 1,
            problem: `record ${missing} missing: records were deleted (the next record is ${seq}).`,
          },
        };
      }
      if (row.prev_hash !== cursor.hash) {
        return bad(
          `record ${seq} does not link to record ${seq - 1}: a record before it was deleted, reordered, or altered and re-hashed.`,
        );
      }
      if (hashAuditRecord(row) !== row.hash) {
        return bad(`record ${seq} was altered: its content does not match its hash.`);
      }
      cursor.seq = seq;
      cursor.hash = row.hash;
      cursor.records += 1;
    }
    if (rows.length < PAGE) return { ok: true, cursor };
  }
}

export async function verifyAuditChain(db: Kysely<Database>): Promise<AuditVerifyResult> {
  const first = await walk(db, { seq: 0, hash: GENESIS_HASH, records: 0 });
  if (!first.ok) return first.result;
  let end = first.cursor;
  // Read after the walk: a writer commits rows and head together, so this head covers at least every
  // row the walk saw. A head ahead of the walk is either a batch committed meanwhile (its rows are
  // visible now) or a truncated tail (they are not).
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!head) {
    if (end.records === 0) return { ok: true, records: 0 };
    return {
      ok: false,
      records: end.records,
      firstBadSeq: end.seq,
      problem: 'the chain head is missing: it was deleted.',
    };
  }
  const headSeq = Number(head.seq);
  if (headSeq > end.seq) {
    const rest = await walk(db, end, headSeq);
    if (!rest.ok) return rest.result;
    end = rest.cursor;
    if (headSeq > end.seq) {
      return {
        ok: false,
        records: end.records,
        firstBadSeq: end.seq + 1,
        problem: `the log ends at record ${end.seq} but the head says ${headSeq}: records were deleted from the end.`,
      };
    }
  }
  if (headSeq < end.seq) {
    return {
      ok: false,
      records: end.records - (end.seq - headSeq),
      firstBadSeq: headSeq + 1,
      problem: `records ${headSeq + 1}..${end.seq} lie beyond the head: they were not appended by the audit writer.`,
    };
  }
  if (head.hash !== end.hash) {
    return {
      ok: false,
      records: end.records,
      firstBadSeq: end.seq,
      problem:
        end.seq === 0
          ? 'the chain head was altered.'
          : `record ${end.seq} does not match the head: the last record was altered and re-hashed.`,
    };
  }
  return { ok: true, records: end.records };
}
