// Appends one batch of records to the chain in ONE transaction. The chain head (audit_head, id 1) is
// locked first, so two writers — two AuditLog instances, or replicas sharing PostgreSQL — can never
// interleave: each batch continues from the head the previous batch committed.

import { CompiledQuery, type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import { LakegateError } from '../../core/index.js';
import type { AuditHeadTable, AuditLogTable, Database } from '../../store/index.js';
import { GENESIS_HASH, hashAuditRecord } from './audit-hash.js';

/** A record as queued: everything but its place in the chain. */
export type PendingAuditRow = Omit<AuditLogTable, 'seq' | 'prev_hash' | 'hash'>;

const HEAD_ID = 1;

/**
 * Rows per INSERT, largest first: a batch is cut into statements of these sizes only, so the SQL texts
 * repeat and the store reuses their prepared statements (a text per batch length would be prepared anew
 * almost every flush). 256 rows are 2,816 bound values, well under the limits of both engines.
 */
const INSERT_SIZES = [256, 64, 16, 4, 1] as const;

const COLUMNS = [
  'seq',
  'at',
  'principal_id',
  'action',
  'securable_type',
  'securable_name',
  'params',
  'decision',
  'request_id',
  'prev_hash',
  'hash',
] as const satisfies ReadonlyArray<keyof AuditLogTable>;

/**
 * The INSERT of `rows` rows, written out once per size and engine: the query builder would rebuild and
 * recompile the same statement for every flush, at a cost per value that showed in profiles.
 */
function insertSql(rows: number, postgres: boolean): string {
  let param = 0;
  const placeholder = () => (postgres ? `$${++param}` : '?');
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) tuples.push(`(${COLUMNS.map(placeholder).join(', ')})`);
  return `insert into "audit_log" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`;
}

const insertTexts = new Map<string, string>();

function insertText(rows: number, postgres: boolean): string {
  const key = `${postgres ? 'pg' : 'sqlite'}:${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    text = insertSql(rows, postgres);
    insertTexts.set(key, text);
  }
  return text;
}

async function run<Row>(trx: Transaction<Database>, text: string, values: unknown[]): Promise<Row[]> {
  return (await trx.executeQuery<Row>(CompiledQuery.raw(text, values))).rows;
}

async function insertRows(
  trx: Transaction<Database>,
  rows: readonly AuditLogTable[],
  postgres: boolean,
): Promise<void> {
  let start = 0;
  for (const size of INSERT_SIZES) {
    while (rows.length - start >= size) {
      const values: unknown[] = [];
      for (let i = start; i < start + size; i++) {
        const r = rows[i]!;
        // In COLUMNS order.
        values.push(r.seq, r.at, r.principal_id, r.action, r.securable_type, r.securable_name);
        values.push(r.params, r.decision, r.request_id, r.prev_hash, r.hash);
      }
      await run(trx, insertText(size, postgres), values);
      start += size;
    }
  }
}

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The statements on the chain head, written out once per engine like the INSERTs: built with the query
 * builder they were compiled again on every flush.
 */
function headStatements(postgres: boolean) {
  const p = postgres ? (n: number) => `$${n}` : () => '?';
  return {
    // SQLite opens transactions DEFERRED. Writing first takes the database write lock at once — the
    // effect of BEGIN IMMEDIATE — so no other connection or process can append between our read of the
    // head and our commit (and a busy database fails here, before anything is read). PostgreSQL locks
    // the row it reads (FOR UPDATE).
    takeWriteLock: postgres ? undefined : 'update "audit_head" set "seq" = "seq" where "id" = ?',
    read: `select "id", "seq", "hash" from "audit_head" where "id" = ${p(1)}${postgres ? ' for update' : ''}`,
    create: `insert into "audit_head" ("id", "seq", "hash") values (${p(1)}, ${p(2)}, ${p(3)}) on conflict ("id") do nothing`,
    anyRecord: 'select "seq" from "audit_log" limit 1',
    move: `update "audit_head" set "seq" = ${p(1)}, "hash" = ${p(2)} where "id" = ${p(3)}`,
  };
}

type HeadStatements = ReturnType<typeof headStatements>;

const HEAD_STATEMENTS = { sqlite: headStatements(false), postgres: headStatements(true) };

async function readHead(
  trx: Transaction<Database>,
  statements: HeadStatements,
): Promise<AuditHeadTable | undefined> {
  if (statements.takeWriteLock) await run(trx, statements.takeWriteLock, [HEAD_ID]);
  return (await run<AuditHeadTable>(trx, statements.read, [HEAD_ID]))[0];
}

/**
 * The locked head, created (the genesis) on first use. A head at 0 over a log that has rows means the
 * head was deleted or reset: continuing would bless a truncated log, so the batch stops and says so.
 */
async function lockHead(trx: Transaction<Database>, statements: HeadStatements): Promise<AuditHeadTable> {
  let head = await readHead(trx, statements);
  if (!head) {
    // Two first writers may both get here; the loser waits on the winner's row, then does nothing,
    // and the second read returns (and locks) the head the winner committed.
    await run(trx, statements.create, [HEAD_ID, 0, GENESIS_HASH]);
    head = await readHead(trx, statements);
    if (!head) throw new LakegateError('INTERNAL', 'The audit chain head could not be created.');
  }
  const seq = Number(head.seq);
  if (seq === 0 && (await run(trx, statements.anyRecord, [])).length > 0) {
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
    const statements = HEAD_STATEMENTS[postgres ? 'postgres' : 'sqlite'];
    const head = await lockHead(trx, statements);
    let seq = head.seq;
    let prevHash = head.hash;
    // Rows written out field by field: spreading the pending row twice per record showed in profiles.
    const rows: AuditLogTable[] = batch.map((pending) => {
      seq += 1;
      const row: AuditLogTable = {
        seq,
        at: pending.at,
        principal_id: pending.principal_id,
        action: pending.action,
        securable_type: pending.securable_type,
        securable_name: pending.securable_name,
        params: pending.params,
        decision: pending.decision,
        request_id: pending.request_id,
        prev_hash: prevHash,
        hash: '',
      };
      row.hash = hashAuditRecord(row);
      prevHash = row.hash;
      return row;
    });
    await insertRows(trx, rows, postgres);
    await run(trx, statements.move, [seq, prevHash, HEAD_ID]);
  });
}
