import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { AuditLog } from './audit-log.js';

describe.each(ENGINES)('audit queries on $engine', (engine) => {
  const stores: Array<{ destroy(): Promise<void> }> = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.destroy();
  });

  async function seeded() {
    const store = await openFreshStore(engine);
    stores.push(store);
    const log = new AuditLog({ db: store.db, flushIntervalMs: 3_600_000 });
    for (let i = 1; i <= 9; i++) {
      log.record({
        principalId: i % 2 ? 'pr_alice' : 'pr_bob',
        action: i % 3 ? 'table.select' : 'grant.add',
        securableType: 'table',
        securableName: i <= 5 ? 'main.claims.raw' : 'main.claims.summary',
        params: { i, token: 'sekrit-value' },
        decision: i % 4 ? 'allow' : 'deny',
        at: `2024-05-0${i}T10:00:00.000Z`,
      });
    }
    await log.close();
    return log;
  }

  it.runIf(engine.available)(
    'returns records newest first, paged by cursor without gaps or repeats',
    async () => {
      const log = await seeded();
      const first = await log.query({ limit: 4 });
      expect(first.records.map((r) => r.seq)).toEqual([9, 8, 7, 6]);
      expect(first.nextCursor).toBe('6');
      const second = await log.query({ limit: 4, cursor: first.nextCursor! });
      expect(second.records.map((r) => r.seq)).toEqual([5, 4, 3, 2]);
      const third = await log.query({ limit: 4, cursor: second.nextCursor! });
      expect(third.records.map((r) => r.seq)).toEqual([1]);
      expect(third.nextCursor).toBeUndefined();
      expect(first.records[0]).toEqual({
        seq: 9,
        at: '2024-05-09T10:00:00.000Z',
        principalId: 'pr_alice',
        action: 'grant.add',
        securableType: 'table',
        securableName: 'main.claims.summary',
        params: { i: 9, token: '[REDACTED]' },
        decision: 'allow',
        requestId: null,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    },
  );

  it.runIf(engine.available)('filters by principal, action, securable, decision and time', async () => {
    const log = await seeded();
    const seqs = async (filter: Parameters<AuditLog['query']>[0]) =>
      (await log.query(filter)).records.map((r) => r.seq);
    expect(await seqs({ principalId: 'pr_bob' })).toEqual([8, 6, 4, 2]);
    expect(await seqs({ action: 'grant.add' })).toEqual([9, 6, 3]);
    expect(await seqs({ securableName: 'main.claims.raw', decision: 'deny' })).toEqual([4]);
    // Date-only bounds are normalised, so they compare correctly with stored ISO times.
    expect(await seqs({ since: '2024-05-03', until: '2024-05-05' })).toEqual([4, 3]);
    expect(await seqs({ since: '2024-05-08T10:00:00Z' })).toEqual([9, 8]);
  });

  it.runIf(engine.available)('rejects a bad limit, cursor or time', async () => {
    const log = await seeded();
    for (const filter of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 2.5 },
      { cursor: '0' },
      { cursor: '1 or 1=1' },
      { since: 'yesterday' },
    ]) {
      await expect(log.query(filter)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});
