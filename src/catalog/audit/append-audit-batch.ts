// Appends one batch of records to the chain in ONE transaction. The chain head (audit_head, id 1) is
// locked first, so two writers — two AuditLog instances, or replicas sharing PostgreSQL — can never
// interleave: each batch continues from the head the previous batch committed.

import { type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import { LakegateError } from '../../core/index.js';
import type { AuditHeadTable, AuditLogTable, Database } from '../../store/index.js';
import { GENESIS_HASH, hashAuditRecord } from './audit-hash.js';

/** A record as queued: everything but its place in the chain. */
export type PendingAuditRow = Omit<AuditLogTable, 'seq' | 'prev_hash' | 'hash'>;

const HEAD_ID = 1;
/** Rows per INSERT statement: well under the bound-parameter limits of both engines (11 per row). */
const ROWS_PER_INSERT = 500;

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

async function readHead(trx: Transaction<Database>, postgres: boolean): Promise<AuditHeadTable | undefined> {
  if (postgres) {
    return trx.selectFrom('audit_head').selectAll().where('id', '=', HEAD_ID).forUpdate().executeTakeFirst();
  }
  // SQLite opens transactions DEFERRED. Writing first takes the database write lock at once — the
  // effect of BEGIN IMMEDIATE — so no other connection or process can append between our read of the
  // head and our commit (and a busy database fails here, before anything is read).
  await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb.ref('seq') }))
    .where('id', '=', HEAD_ID)
    .execute();
  return trx.selectFrom('audit_head').selectAll().where('id', '=', HEAD_ID).executeTakeFirst();
}

/**
 * The locked head, created (the genesis) on first use. A head at 0 over a log that has rows means the
 * head was deleted or reset: continuing would bless a truncated log, so the batch stops and says so.
 */
async function lockHead(trx: Transaction<Database>, postgres: boolean): Promise<AuditHeadTable> {
  let head = await readHead(trx, postgres);
  if (!head) {
    // Two first writers may both get here; the loser waits on the winner's row, then does nothing,
    // and the second read returns (and locks) the head the winner committed.
    await trx
      .insertInto('audit_head')
      .values({ id: HEAD_ID, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    head = await readHead(trx, postgres);
    if (!head) throw new LakegateError('INTERNAL', 'The audit chain head could not be created.');
  }
  const seq = Number(head.seq);
  if (seq === 0 && (await trx.selectFrom('audit_log').select('seq').limit(1).executeTakeFirst())) {
    throw new LakegateError(
      'INTERNAL',
      'The audit chain head is missing or reset while the log has records: the log may have been tampered with. Run `lakegate audit verify`.',
    );
  }
  return { id: head.id, seq, hash: head.hash };
}

/** Writes `batch` after the current head, in order; all of it or none of it. */
export async function appendAuditBatch(
  db: Kysely<Database>,
  batch: readonly PendingAuditRow[],
  postgres: boolean,
): Promise<void> {
  if (batch.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const head = await lockHead(trx, postgres);
    let seq = head.seq;
    let prevHash = head.hash;
    const rows: AuditLogTable[] = batch.map((pending) => {
      seq += 1;
      const fields = { ...pending, seq, prev_hash: prevHash };
      const hash = hashAuditRecord(fields);
      prevHash = hash;
      return { ...fields, hash };
    });
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await trx
        .insertInto('audit_log')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
    }
    await trx.updateTable('audit_head').set({ seq, hash: prevHash }).where('id', '=', HEAD_ID).execute();
  });
}
