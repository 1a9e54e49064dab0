// Tampering done the way an attacker with database access would: SQL straight on the tables.

import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import type { Database } from '../../store/index.js';
import { openStore } from '../../store/index.js';
import { hashAuditRecord } from './audit-hash.js';
import { AuditLog } from './audit-log.js';

async function writeRecords(db: Kysely<Database>, count: number, maxBatch = 500): Promise<AuditLog> {
  const log = new AuditLog({ db, flushIntervalMs: 3_600_000, maxBatch });
  for (let i = 1; i <= count; i++) {
    log.record({
      principalId: `pr_${i % 3}`,
      action: `action.${i}`,
      securableType: 'table',
      securableName: `main.claims.t${i}`,
      params: { n: i },
      decision: i % 2 === 0 ? 'deny' : 'allow',
      requestId: `req_${i}`,
    });
  }
  await log.flush();
  return log;
}

/** An attacker who knows the algorithm: changes a record and recomputes its hash. */
async function forge(db: Kysely<Database>, seq: number, action: string): Promise<void> {
  const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
  const forged = { ...row, seq: Number(row.seq), action };
  await db
    .updateTable('audit_log')
    .set({ action, hash: hashAuditRecord(forged) })
    .where('seq', '=', seq)
    .execute();
}

describe.each(ENGINES)('audit chain verification on $engine', (engine) => {
  const stores: Array<{ destroy(): Promise<void> }> = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.destroy();
  });
  async function withLog(count: number) {
    const store = await openFreshStore(engine);
    stores.push(store);
    const log = await writeRecords(store.db, count);
    return { db: store.db, log };
  }

  it.runIf(engine.available)('passes an empty log and an intact chain', async () => {
    const store = await openFreshStore(engine);
    stores.push(store);
    expect(await new AuditLog({ db: store.db }).verify()).toEqual({ ok: true, records: 0 });
    const log = await writeRecords(store.db, 6, 4);
    expect(await log.verify()).toEqual({ ok: true, records: 6 });
  });

  it.runIf(engine.available)('finds an altered field', async () => {
    const { db, log } = await withLog(6);
    await sql`update audit_log set decision = 'allow' where seq = 4`.execute(db);
    expect(await log.verify()).toMatchObject({
      ok: false,
      records: 3,
      firstBadSeq: 4,
      problem: expect.stringMatching(/altered/),
    });
  });

  it.runIf(engine.available)('finds altered parameters, principal and time', async () => {
    for (const change of [
      sql`update audit_log set params = '{"n":99}' where seq = 2`,
      sql`update audit_log set principal_id = 'pr_admin' where seq = 2`,
      sql`update audit_log set at = '2020-01-01T00:00:00.000Z' where seq = 2`,
      sql`update audit_log set request_id = null where seq = 2`,
    ]) {
      const { db, log } = await withLog(3);
      await change.execute(db);
      expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
    }
  });

  it.runIf(engine.available)('finds a deleted record', async () => {
    const { db, log } = await withLog(6);
    await sql`delete from audit_log where seq = 3`.execute(db);
    expect(await log.verify()).toMatchObject({
      ok: false,
      records: 2,
      firstBadSeq: 3,
      problem: expect.stringMatching(/deleted/),
    });
  });

  it.runIf(engine.available)('finds the first record deleted', async () => {
    const { db, log } = await withLog(3);
    await sql`delete from audit_log where seq = 1`.execute(db);
    expect(await log.verify()).toMatchObject({ ok: false, records: 0, firstBadSeq: 1 });
  });

  it.runIf(engine.available)('finds a deletion hidden by renumbering the records after it', async () => {
    const { db, log } = await withLog(6);
    await sql`delete from audit_log where seq = 3`.execute(db);
    for (const seq of [4, 5, 6])
      await sql`update audit_log set seq = ${seq - 1} where seq = ${seq}`.execute(db);
    await sql`update audit_head set seq = 5`.execute(db);
    expect(await log.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      problem: expect.stringMatching(/does not link/),
    });
  });

  it.runIf(engine.available)('finds two records swapped', async () => {
    const { db, log } = await withLog(6);
    await sql`update audit_log set seq = -1 where seq = 2`.execute(db);
    await sql`update audit_log set seq = 2 where seq = 3`.execute(db);
    await sql`update audit_log set seq = 3 where seq = -1`.execute(db);
    expect(await log.verify()).toMatchObject({ ok: false, records: 1, firstBadSeq: 2 });
  });

  it.runIf(engine.available)('finds a truncated tail', async () => {
    const { db, log } = await withLog(6);
    await sql`delete from audit_log where seq > 3`.execute(db);
    expect(await log.verify()).toMatchObject({
      ok: false,
      records: 3,
      firstBadSeq: 4,
      problem: expect.stringMatching(/deleted from the end/),
    });
  });

  it.runIf(engine.available)('finds every record deleted', async () => {
    const { db, log } = await withLog(4);
    await sql`delete from audit_log`.execute(db);
    expect(await log.verify()).toMatchObject({ ok: false, records: 0, firstBadSeq: 1 });
  });

  it.runIf(engine.available)(
    'finds a forged record whose hash was recomputed, by the next link',
    async () => {
      const { db, log } = await withLog(6);
      await forge(db, 3, 'action.innocent');
      expect(await log.verify()).toMatchObject({
        ok: false,
        records: 3,
        firstBadSeq: 4,
        problem: expect.stringMatching(/does not link to record 3/),
      });
    },
  );

  it.runIf(engine.available)('finds a forged last record, by the head', async () => {
    const { db, log } = await withLog(6);
    await forge(db, 6, 'action.innocent');
    expect(await log.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      problem: expect.stringMatching(/head/),
    });
  });

  it.runIf(engine.available)(
    'finds a record appended behind the writer’s back, and the writer will not chain onto it',
    async () => {
      const { db, log } = await withLog(3);
      const last = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '=', 3)
        .executeTakeFirstOrThrow();
      const fake = { ...last, seq: 4, action: 'grant.all', prev_hash: last.hash };
      await db
        .insertInto('audit_log')
        .values({ ...fake, hash: hashAuditRecord(fake) })
        .execute();
      expect(await log.verify()).toMatchObject({
        ok: false,
        firstBadSeq: 4,
        problem: expect.stringMatching(/beyond the head/),
      });
      log.record({ principalId: null, action: 'honest', decision: 'none' });
      await expect(log.flush()).rejects.toMatchObject({ code: 'INTERNAL' });
    },
  );

  it.runIf(engine.available)(
    'finds a deleted head, and the writer refuses to start a new chain',
    async () => {
      const { db, log } = await withLog(3);
      await sql`delete from audit_head`.execute(db);
      expect(await log.verify()).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/head is missing/),
      });
      log.record({ principalId: null, action: 'after', decision: 'none' });
      await expect(log.flush()).rejects.toMatchObject({
        cause: expect.objectContaining({ message: expect.stringMatching(/tampered/) }),
      });
      expect(await db.selectFrom('audit_log').select('seq').execute()).toHaveLength(3);
    },
  );

  it.runIf(engine.available)(
    'finds a head reset to the genesis, and the writer refuses to restart the chain',
    async () => {
      const { db, log } = await withLog(3);
      await db
        .updateTable('audit_head')
        .set({ seq: 0, hash: '0'.repeat(64) })
        .execute();
      expect(await log.verify()).toMatchObject({
        ok: false,
        firstBadSeq: 1,
        problem: expect.stringMatching(/beyond the head/),
      });
      log.record({ principalId: null, action: 'after', decision: 'none' });
      await expect(log.flush()).rejects.toMatchObject({
        cause: expect.objectContaining({ message: expect.stringMatching(/tampered/) }),
      });
    },
  );

  it.runIf(engine.available)(
    'limitation: a tail truncated together with its head passes (it needs an outside anchor)',
    async () => {
      const { db, log } = await withLog(5);
      const third = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '=', 3)
        .executeTakeFirstOrThrow();
      await sql`delete from audit_log where seq > 3`.execute(db);
      await db.updateTable('audit_head').set({ seq: 3, hash: third.hash }).execute();
      expect(await log.verify()).toEqual({ ok: true, records: 3 });
    },
  );

  it.runIf(engine.available)('walks past one page, and finds a change on a later page', async () => {
    const { db, log } = await withLog(2500);
    expect(await log.verify()).toEqual({ ok: true, records: 2500 });
    await sql`update audit_log set action = 'x' where seq = 2100`.execute(db);
    expect(await log.verify()).toMatchObject({ ok: false, records: 2099, firstBadSeq: 2100 });
  });

  it.runIf(engine.available)('does not cry wolf while other writers append during the walk', async () => {
    const { options, cleanup } = await engine.fresh();
    const reader = await openStore(options);
    const writer = await openStore(options);
    try {
      const log = await writeRecords(writer.db, 1500);
      const verifier = new AuditLog({ db: reader.db });
      const appending = (async () => {
        for (let round = 0; round < 30; round++) {
          for (let i = 0; i < 20; i++)
            log.record({ principalId: null, action: `live.${round}.${i}`, decision: 'none' });
          await log.flush();
        }
      })();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await verifier.verify());
      await appending;
      for (const result of results) expect(result.ok).toBe(true);
      expect(await verifier.verify()).toEqual({ ok: true, records: 2100 });
      await log.close();
    } finally {
      await reader.close();
      await writer.close();
      await cleanup();
    }
  });
});
