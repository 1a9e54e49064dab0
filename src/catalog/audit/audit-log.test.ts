import { setTimeout as sleep } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import type { LakegateError } from '../../core/index.js';
import { type AuditLogTable, type Database, openStore } from '../../store/index.js';
import { AuditLog } from './audit-log.js';

const TOKEN = 'lg0123456789ABCDEF.my-long-secret-of-20-chars-or-more';
/** Long enough that the timer never fires during a test that flushes by hand. */
const NEVER = 3_600_000;

async function rawRows(db: Kysely<Database>): Promise<AuditLogTable[]> {
  return db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
}

/** Polls until `check` holds: a bound on attempts, never an assertion on time. */
async function waitUntil(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(ENGINES)('audit log on $engine', (engine) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function fresh() {
    const store = await openFreshStore(engine);
    cleanups.push(store.destroy);
    return store;
  }
  function open(db: Kysely<Database>, options: Partial<ConstructorParameters<typeof AuditLog>[0]> = {}) {
    const errors: LakegateError[] = [];
    const log = new AuditLog({ db, flushIntervalMs: NEVER, onError: (e) => errors.push(e), ...options });
    // Stop timers even when a test fails half-way; a failed final flush is the test's business.
    cleanups.push(() => log.close().catch(() => undefined));
    return { log, errors };
  }

  it.runIf(engine.available)('writes many records in few transactions, one per batch, in order', async () => {
    const store = await fresh();
    const { log } = open(store.db, { maxBatch: 100 });
    const transactions = vi.spyOn(store.db, 'transaction');
    for (let i = 0; i < 250; i++) log.record({ principalId: 'pr_a', action: `act.${i}`, decision: 'allow' });
    expect(transactions).not.toHaveBeenCalled();
    expect(log.stats()).toMatchObject({ queued: 250, written: 0 });
    await log.flush();
    expect(transactions).toHaveBeenCalledTimes(3);
    const rows = await rawRows(store.db);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(rows.map((r) => r.action)).toEqual(Array.from({ length: 250 }, (_, i) => `act.${i}`));
    expect(log.stats()).toEqual({ queued: 0, written: 250, dropped: 0, lastError: null });
    expect(await log.verify()).toEqual({ ok: true, records: 250 });
  });

  it.runIf(engine.available)('lets requests run between the transactions of a long flush', async () => {
    const store = await fresh();
    const { log } = open(store.db, { maxBatch: 10 });
    for (let i = 0; i < 50; i++) log.record({ principalId: 'pr_a', action: `act.${i}`, decision: 'allow' });
    const flushing = log.flush();
    // Queued behind the flush's first transaction: it runs before the flush ends only if the flush yields.
    const writtenWhenServed = new Promise<number>((resolve) =>
      setImmediate(() => resolve(log.stats().written)),
    );
    await flushing;
    expect(await writtenWhenServed).toBeLessThan(50);
    expect(log.stats()).toMatchObject({ queued: 0, written: 50 });
    expect(await log.verify()).toEqual({ ok: true, records: 50 });
  });

  it.runIf(engine.available)(
    'flushes on its own timer, and a full batch without waiting for it',
    async () => {
      const store = await fresh();
      const timed = open(store.db, { flushIntervalMs: 5 }).log;
      for (let i = 0; i < 3; i++) timed.record({ principalId: null, action: 'tick', decision: 'none' });
      await waitUntil(() => timed.stats().written === 3, 'the timer flush');
      // Interval "never", batch of 10: reaching 10 queued records starts a write.
      const batched = open(store.db, { maxBatch: 10 }).log;
      for (let i = 0; i < 10; i++) batched.record({ principalId: null, action: 'full', decision: 'none' });
      await waitUntil(() => batched.stats().written === 10, 'the full-batch flush');
      expect((await rawRows(store.db)).length).toBe(13);
      expect(await new AuditLog({ db: store.db }).verify()).toEqual({ ok: true, records: 13 });
    },
  );

  it.runIf(engine.available)(
    'stores every field, and never a secret: read back from the raw rows',
    async () => {
      const store = await fresh();
      const { log } = open(store.db);
      log.record({
        principalId: 'pr_alice',
        action: 'keys.create',
        securableType: 'api_key',
        securableName: 'lgKEYID0123456789AB',
        params: {
          description: 'ci key',
          secret: 'plain-secret-value-1',
          request: { headers: { authorization: `Bearer ${TOKEN}`, 'x-request-id': 'r1' } },
          body: [{ nested: { deeper: { password: 'hunter2', note: `token ${TOKEN}` } } }],
          aws: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        },
        decision: 'allow',
        requestId: 'req_1',
        at: '2024-05-01T12:00:00.000Z',
      });
      log.record({ principalId: 'pr_bob', action: 'table.read', securableName: TOKEN, decision: 'deny' });
      await log.flush();
      const rows = await rawRows(store.db);
      const everything = JSON.stringify(rows);
      for (const secret of ['plain-secret-value-1', 'my-long-secret', 'hunter2', 'wJalrXUtnFEMI']) {
        expect(everything).not.toContain(secret);
      }
      expect(rows[0]).toMatchObject({
        seq: 1,
        at: '2024-05-01T12:00:00.000Z',
        principal_id: 'pr_alice',
        action: 'keys.create',
        securable_type: 'api_key',
        securable_name: 'lgKEYID0123456789AB',
        decision: 'allow',
        request_id: 'req_1',
        prev_hash: '0'.repeat(64),
      });
      expect(JSON.parse(rows[0]!.params)).toMatchObject({ description: 'ci key', secret: '[REDACTED]' });
      expect(rows[1]).toMatchObject({
        principal_id: 'pr_bob',
        securable_name: 'lg0123456789ABCDEF.[REDACTED]',
      });
      expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
      expect(rows[1]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    },
  );

  it.runIf(engine.available)(
    'close() writes what is queued; later records are dropped and reported',
    async () => {
      const store = await fresh();
      const { log, errors } = open(store.db);
      for (let i = 0; i < 10; i++) log.record({ principalId: null, action: `a${i}`, decision: 'none' });
      await log.close();
      expect((await rawRows(store.db)).length).toBe(10);
      log.record({ principalId: null, action: 'late', decision: 'none' });
      log.record({ principalId: null, action: 'later', decision: 'none' });
      expect(log.stats()).toMatchObject({ written: 10, dropped: 2, queued: 0 });
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/closed/);
      await log.flush();
      expect((await rawRows(store.db)).length).toBe(10);
    },
  );

  it.runIf(engine.available)(
    'a full queue drops new records, counts them, reports once, and logs the gap',
    async () => {
      const store = await fresh();
      const { log, errors } = open(store.db, { maxQueue: 5 });
      for (let i = 0; i < 8; i++) log.record({ principalId: null, action: `a${i}`, decision: 'none' });
      expect(log.stats()).toMatchObject({ queued: 5, dropped: 3 });
      expect(errors).toHaveLength(1);
      expect(errors[0]!.details).toMatchObject({ dropped: 1 });
      await log.flush();
      log.record({ principalId: null, action: 'after', decision: 'none' });
      await log.flush();
      const rows = await rawRows(store.db);
      expect(rows.map((r) => r.action)).toEqual([
        'a0',
        'a1',
        'a2',
        'a3',
        'a4',
        'audit.records_dropped',
        'after',
      ]);
      expect(JSON.parse(rows[5]!.params)).toMatchObject({ count: 3 });
      expect(await log.verify()).toEqual({ ok: true, records: 7 });
    },
  );

  it.runIf(engine.available)(
    'a failing database keeps the records queued, in order, until it recovers',
    async () => {
      const store = await fresh();
      const { log, errors } = open(store.db);
      log.record({ principalId: null, action: 'before', decision: 'none' });
      await log.flush();
      await sql`alter table audit_log rename to audit_log_away`.execute(store.db);
      for (let i = 0; i < 3; i++) log.record({ principalId: null, action: `down${i}`, decision: 'deny' });
      await expect(log.flush()).rejects.toMatchObject({ code: 'INTERNAL' });
      // The request path is untouched: record() still returns, synchronously.
      expect(log.record({ principalId: null, action: 'down3', decision: 'deny' })).toBeUndefined();
      await expect(log.flush()).rejects.toThrow(/retried/);
      expect(log.stats()).toMatchObject({ queued: 4, written: 1, dropped: 0 });
      expect(log.stats().lastError).toMatch(/audit_log/);
      expect(errors.length).toBeGreaterThanOrEqual(2);
      await sql`alter table audit_log_away rename to audit_log`.execute(store.db);
      await log.flush();
      const rows = await rawRows(store.db);
      expect(rows.map((r) => r.action)).toEqual(['before', 'down0', 'down1', 'down2', 'down3']);
      expect(await log.verify()).toEqual({ ok: true, records: 5 });
    },
  );

  it.runIf(engine.available)(
    'record() returns at once when the database is gone; close() says what was lost',
    async () => {
      const { options, cleanup } = await engine.fresh();
      cleanups.push(cleanup);
      const store = await openStore(options);
      await store.close();
      const errors: LakegateError[] = [];
      const log = new AuditLog({ db: store.db, flushIntervalMs: 5, onError: (e) => errors.push(e) });
      for (let i = 0; i < 5; i++) {
        expect(log.record({ principalId: null, action: 'x', decision: 'allow' })).toBeUndefined();
      }
      await waitUntil(() => errors.length > 0, 'the background flush to fail');
      expect(log.stats()).toMatchObject({ queued: 5, written: 0 });
      await expect(log.close()).rejects.toThrow(/5 audit records could not be written/);
    },
  );

  it.runIf(engine.available)('two writers on one store keep one valid chain', async () => {
    const store = await fresh();
    const a = open(store.db, { maxBatch: 4 }).log;
    const b = open(store.db, { maxBatch: 3 }).log;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 5; i++) {
        a.record({ principalId: 'pr_a', action: `a.${round * 5 + i}`, decision: 'allow' });
        b.record({ principalId: 'pr_b', action: `b.${round * 5 + i}`, decision: 'deny' });
      }
      await Promise.all([a.flush(), b.flush()]);
    }
    expect(await a.verify()).toEqual({ ok: true, records: 100 });
    const rows = await rawRows(store.db);
    for (const who of ['a', 'b']) {
      const mine = rows.filter((r) => r.action.startsWith(`${who}.`)).map((r) => r.action);
      expect(mine).toEqual(Array.from({ length: 50 }, (_, i) => `${who}.${i}`));
    }
  });
});

describe.each(ENGINES.filter((e) => e.engine === 'sqlite'))('audit log on a busy SQLite file', (engine) => {
  it('waits out a connection holding an exclusive lock, then writes everything', async () => {
    const store = await openFreshStore(engine);
    // Another process (a backup, a sqlite3 shell) holds the database: keep the store's wait short so
    // each failed attempt is quick.
    await sql`pragma busy_timeout = 20`.execute(store.db);
    const locker = new SqliteDatabase(store.location);
    const errors: LakegateError[] = [];
    const log = new AuditLog({ db: store.db, flushIntervalMs: 5, onError: (e) => errors.push(e) });
    try {
      locker.exec('BEGIN EXCLUSIVE');
      for (let i = 0; i < 3; i++) {
        expect(log.record({ principalId: null, action: `locked${i}`, decision: 'none' })).toBeUndefined();
      }
      await waitUntil(() => errors.length > 0, 'a failed attempt while locked');
      expect(log.stats()).toMatchObject({ written: 0, queued: 3 });
      expect(log.stats().lastError).toMatch(/locked|busy/i);
      locker.exec('COMMIT');
      // No flush() call: the writer's own retries must get it done.
      await waitUntil(() => log.stats().written === 3, 'the retries to write');
      expect((await new AuditLog({ db: store.db }).verify()).records).toBe(3);
    } finally {
      if (locker.inTransaction) locker.exec('ROLLBACK');
      locker.close();
      await log.close().catch(() => undefined);
      await store.destroy();
    }
  });

  it('two connections to one file (two processes) cannot interleave their batches', async () => {
    const { options, cleanup } = await engine.fresh();
    const stores = [await openStore(options), await openStore(options)];
    try {
      for (const s of stores) await sql`pragma busy_timeout = 20`.execute(s.db);
      const logs = stores.map((s) => new AuditLog({ db: s.db, flushIntervalMs: 5, maxBatch: 3 }));
      for (let i = 0; i < 60; i++) {
        logs[0]!.record({ principalId: 'p0', action: `p0.${i}`, decision: 'allow' });
        logs[1]!.record({ principalId: 'p1', action: `p1.${i}`, decision: 'allow' });
        if (i % 10 === 9) await Promise.allSettled(logs.map((l) => l.flush()));
      }
      await waitUntil(async () => {
        await Promise.allSettled(logs.map((l) => l.flush()));
        return logs.every((l) => l.stats().queued === 0);
      }, 'both writers to finish');
      expect(await logs[0]!.verify()).toEqual({ ok: true, records: 120 });
      for (const l of logs) await l.close();
    } finally {
      for (const s of stores) await s.close();
      await cleanup();
    }
  });
});

describe.each(ENGINES.filter((e) => e.engine === 'postgres'))('audit log on shared PostgreSQL', (engine) => {
  it.runIf(engine.available)('replicas writing at the same time produce one valid chain', async () => {
    const { options, cleanup } = await engine.fresh();
    const replicas = [await openStore(options), await openStore(options), await openStore(options)];
    try {
      const logs = replicas.map((r) => new AuditLog({ db: r.db, flushIntervalMs: 2, maxBatch: 5 }));
      for (let round = 0; round < 20; round++) {
        logs.forEach((log, n) => {
          for (let i = 0; i < 7; i++)
            log.record({ principalId: `r${n}`, action: `r${n}.${round * 7 + i}`, decision: 'allow' });
        });
        await Promise.all(logs.map((l) => l.flush()));
      }
      await Promise.all(logs.map((l) => l.close()));
      expect(await logs[0]!.verify()).toEqual({ ok: true, records: 420 });
      const rows = await rawRows(replicas[0]!.db);
      expect(new Set(rows.map((r) => r.hash)).size).toBe(420);
      for (let n = 0; n < 3; n++) {
        const mine = rows.filter((r) => r.principal_id === `r${n}`).map((r) => r.action);
        expect(mine).toEqual(Array.from({ length: 140 }, (_, i) => `r${n}.${i}`));
      }
    } finally {
      for (const r of replicas) await r.close();
      await cleanup();
    }
  });

  it.runIf(engine.available)(
    'replicas racing to write the very first batch agree on one genesis',
    async () => {
      for (let attempt = 0; attempt < 6; attempt++) {
        const { options, cleanup } = await engine.fresh();
        const replicas = [await openStore(options), await openStore(options)];
        try {
          // Two writers per replica, sharing its pool, as the gateway and the catalog API would.
          const logs = [...replicas, ...replicas].map(
            (r) => new AuditLog({ db: r.db, flushIntervalMs: NEVER }),
          );
          logs.forEach((log, n) => {
            log.record({ principalId: `r${n}`, action: 'first', decision: 'none' });
          });
          await Promise.all(logs.map((l) => l.flush()));
          expect(await logs[0]!.verify()).toEqual({ ok: true, records: 4 });
        } finally {
          for (const r of replicas) await r.close();
          await cleanup();
        }
      }
    },
  );

  it.runIf(engine.available)(
    'a slow database (a lock held elsewhere) delays the writes, not record()',
    async () => {
      const { options, cleanup } = await engine.fresh();
      const store = await openStore(options);
      const blocker = new pg.Client({ connectionString: options.databaseUrl });
      await blocker.connect();
      try {
        const log = new AuditLog({ db: store.db, flushIntervalMs: NEVER });
        log.record({ principalId: null, action: 'first', decision: 'none' });
        await log.flush();
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE audit_head IN ACCESS EXCLUSIVE MODE');
        log.record({ principalId: null, action: 'second', decision: 'none' });
        let flushed = false;
        const pending = log.flush().then(() => {
          flushed = true;
        });
        await waitUntil(async () => {
          const { rows } = await blocker.query<{ n: string }>(
            "select count(*) as n from pg_locks where relation = 'audit_head'::regclass and not granted",
          );
          return Number(rows[0]?.n) > 0;
        }, 'the flush to wait on the lock');
        for (let i = 0; i < 100; i++) log.record({ principalId: null, action: `more${i}`, decision: 'none' });
        expect(flushed).toBe(false);
        expect(log.stats()).toMatchObject({ written: 1, queued: 101 });
        await blocker.query('COMMIT');
        await pending;
        await log.close();
        expect(await log.verify()).toEqual({ ok: true, records: 102 });
      } finally {
        await blocker.end();
        await store.close();
        await cleanup();
      }
    },
  );
});
