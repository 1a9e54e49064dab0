// What only the Redis backend has: the server's clock, scripts the server forgot, expiring keys, replicas
// sharing counters and slots, and what happens when Redis is unreachable, slow, or restarts.

import { createServer, type Server } from 'node:net';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisAvailable, redisUrl, testKeyPrefix } from '../../../test/support/redis.js';
import { freePort, type RedisServer, startRedisServer } from '../../../test/support/redis-server.js';
import { LimitsEngine, type LimitsEvent } from './limits-engine.js';
import { buildPolicy, type LimitsPolicyInput } from './limits-policy.js';
import { RedisLimitBackend } from './redis-backend.js';
import { alice, bob, refusal } from './test-support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const engines = new Set<LimitsEngine>();
afterEach(async () => {
  await Promise.all([...engines].map((e) => e.close()));
  engines.clear();
});

/** An engine on Redis at `url` with the server's clock (no clock passed in), as replicas run. */
async function replica(
  url: string,
  policy: LimitsPolicyInput,
  keyPrefix: string,
  options: { wait?: boolean; timeoutMs?: number } = {},
): Promise<{ engine: LimitsEngine; backend: RedisLimitBackend; events: LimitsEvent[] }> {
  const events: LimitsEvent[] = [];
  const backend = RedisLimitBackend.open({ url, timeoutMs: options.timeoutMs ?? 1000 });
  if (options.wait !== false) await backend.ready();
  const engine = new LimitsEngine(buildPolicy(policy), backend, {
    keyPrefix,
    onEvent: (e) => events.push(e),
  });
  engines.add(engine);
  return { engine, backend, events };
}

describe.skipIf(!redisAvailable())('Redis limits with the server clock', () => {
  let admin: ReturnType<typeof createClient>;
  beforeAll(async () => {
    admin = createClient({ url: redisUrl() });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.close();
  });

  it('a short window rolls over on the server’s TIME', async () => {
    const { engine } = await replica(
      redisUrl(),
      { rates: [{ key: 'user', unit: 'calls', limit: 2, periodMs: 400 }] },
      testKeyPrefix(),
    );
    await engine.admit(alice);
    await engine.admit(alice);
    const error = await refusal(engine.admit(alice));
    // Under a second, retry-after still says 1 s: the header carries whole seconds.
    expect(error.details['retryAfterSeconds']).toBe(1);
    await sleep(230);
    await engine.admit(alice);
    await refusal(engine.admit(alice));
  });

  it('keeps counters only while they matter: keys expire once drained, budgets after their period', async () => {
    const prefix = testKeyPrefix();
    const { engine } = await replica(
      redisUrl(),
      {
        rates: [{ name: 'per-user', key: 'user', unit: 'tokens', limit: 1000, periodMs: 60_000 }],
        budgets: [{ name: 'daily', key: 'user', amountUsd: 5, period: 'day' }],
      },
      prefix,
    );
    await (await engine.admit({ ...alice, estimatedTokens: 500 })).settle(250, 0.01);
    const ttl = await admin.pTTL(`${prefix}r:per-user:alice`);
    // 250 of 1000 per minute drain in 15 s (plus one tick).
    expect(ttl).toBeGreaterThan(14_000);
    expect(ttl).toBeLessThanOrEqual(15_001);
    const budgetKeys = await admin.keys(`${prefix}b:daily:*`);
    expect(budgetKeys).toHaveLength(1);
    const budgetTtl = await admin.pTTL(budgetKeys[0] ?? '');
    expect(budgetTtl).toBeGreaterThan(86_400_000);
    expect(budgetTtl).toBeLessThanOrEqual(2 * 86_400_000);
    await (await engine.admit({ ...alice, estimatedTokens: 10 })).release();
  });

  it('loads its scripts again when the server has forgotten them', async () => {
    const { engine } = await replica(
      redisUrl(),
      { rates: [{ key: 'user', unit: 'calls', limit: 2, periodMs: 60_000 }] },
      testKeyPrefix(),
    );
    await engine.admit(alice);
    await admin.scriptFlush();
    await engine.admit(alice);
    await refusal(engine.admit(alice));
  });

  it('two replicas share one counter, one budget and one set of slots', async () => {
    const prefix = testKeyPrefix();
    const policy: LimitsPolicyInput = {
      rates: [{ key: 'endpoint', unit: 'calls', limit: 4, periodMs: 3_600_000 }],
      budgets: [{ key: 'user', amountUsd: 1, period: 'day' }],
      concurrency: [{ endpoint: 'claims', capacity: 1 }],
      leaseMs: 60_000,
    };
    const a = await replica(redisUrl(), policy, prefix);
    const b = await replica(redisUrl(), policy, prefix);
    const call = { ...alice, endpoint: 'claims' };
    const held = await a.engine.admit(call);
    expect((await refusal(b.engine.admit(call))).message).toContain('no free slot');
    await held.settle(10, 0.7);
    await (await b.engine.admit(call)).settle(10, 0.4);
    expect((await refusal(a.engine.admit(call))).code).toBe('BUDGET_EXCEEDED');
    expect((await b.engine.remaining(alice))[0]?.spentUsd).toBeCloseTo(1.1, 9);
    await (await a.engine.admit({ ...bob, endpoint: 'claims' })).release();
    await (await b.engine.admit({ ...bob, endpoint: 'claims' })).release();
    // Four calls in all, from two replicas: the fifth is refused by the shared counter.
    expect((await refusal(b.engine.admit({ ...bob, endpoint: 'claims' }))).message).toContain(
      '4 calls per hour',
    );
  });

  it('a budget threshold crossed by concurrent settles on two replicas is reported exactly once', async () => {
    const prefix = testKeyPrefix();
    const policy: LimitsPolicyInput = {
      budgets: [{ key: 'endpoint', amountUsd: 1, period: 'day', mode: 'alert', alertAt: [0.5, 1] }],
    };
    const a = await replica(redisUrl(), policy, prefix);
    const b = await replica(redisUrl(), policy, prefix);
    const call = { ...alice, endpoint: 'shared' };
    // 40 calls of $0.05 from both replicas at once: $2 in all, crossing $0.50 and $1 once each.
    const admissions = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).engine.admit(call)),
    );
    await Promise.all(admissions.map((admission) => admission.settle(10, 0.05)));
    const alerts = [...a.events, ...b.events].filter((e) => e.type === 'budget_alert');
    expect(alerts.map((e) => e.type === 'budget_alert' && e.threshold).sort()).toEqual([0.5, 1]);
    expect((await a.engine.remaining(call))[0]?.spentUsd).toBeCloseTo(2, 9);
  });

  it('a live replica renews its slots; a dead one’s lease runs out and the slot comes back', async () => {
    const prefix = testKeyPrefix();
    const policy: LimitsPolicyInput = { concurrency: [{ endpoint: 'e', capacity: 1 }], leaseMs: 300 };
    const a = await replica(redisUrl(), policy, prefix);
    const b = await replica(redisUrl(), policy, prefix);
    const call = { ...alice, endpoint: 'e' };
    const held = await a.engine.admit(call);
    await sleep(700);
    await refusal(b.engine.admit(call));
    await held.settle(1);
    const again = await b.engine.admit(call);
    expect(again.enforced).toBe(true);
    // b dies holding the slot: nothing renews it and nothing releases it.
    await b.engine.close();
    await refusal(a.engine.admit(call));
    await sleep(350);
    await a.engine.admit(call);
  });
});

describe.skipIf(!redisAvailable())('when Redis cannot be reached', () => {
  const policy = (failMode: 'open' | 'closed'): LimitsPolicyInput => ({
    rates: [{ key: 'user', unit: 'tokens', limit: 10, periodMs: 60_000 }],
    budgets: [{ key: 'user', amountUsd: 1, period: 'day' }],
    failMode,
  });

  it('fails open by default: the call goes ahead unenforced, and an event says why', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const { engine, events } = await replica(url, policy('open'), testKeyPrefix(), { wait: false });
    const admission = await engine.admit({ ...alice, estimatedTokens: 5 });
    expect(admission.enforced).toBe(false);
    await admission.settle(1000, 50);
    expect(events.map((e) => e.type === 'backend_unavailable' && e.operation)).toEqual(['admit', 'settle']);
    expect(events[0]).toMatchObject({ failMode: 'open' });
    expect((await refusal(engine.remaining(alice))).code).toBe('LIMITS_UNAVAILABLE');
  });

  it('fails closed when configured: 503 LIMITS_UNAVAILABLE and no call', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const { engine } = await replica(url, policy('closed'), testKeyPrefix(), { wait: false });
    const error = await refusal(engine.admit(alice));
    expect(error.code).toBe('LIMITS_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBe(1000);
  });

  it('a server that accepts but never answers counts as unreachable after the deadline', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { engine, events } = await replica(
        `redis://127.0.0.1:${port}`,
        policy('closed'),
        testKeyPrefix(),
        {
          wait: false,
          timeoutMs: 100,
        },
      );
      const started = Date.now();
      expect((await refusal(engine.admit(alice))).code).toBe('LIMITS_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(events[0]).toMatchObject({ type: 'backend_unavailable', failMode: 'closed' });
    } finally {
      await Promise.all([...engines].map((e) => e.close()));
      engines.clear();
      silent.close();
    }
  });

  describe('and comes back', () => {
    let server: RedisServer | undefined;
    afterEach(async () => {
      await server?.stop(true);
    });

    it('enforces again once the client has reconnected', async () => {
      server = await startRedisServer();
      const { engine } = await replica(
        server.url,
        { rates: [{ key: 'user', unit: 'calls', limit: 1, periodMs: 60_000 }] },
        testKeyPrefix(),
      );
      expect((await engine.admit(alice)).enforced).toBe(true);
      await server.stop(true);
      expect((await engine.admit(alice)).enforced).toBe(false);
      server = await startRedisServer(server.port);
      // The restarted server is empty; the client reconnects within its backoff (at most 2 s).
      let admission = await engine.admit(alice);
      for (let i = 0; i < 100 && !admission.enforced; i++) {
        await sleep(50);
        admission = await engine.admit(alice);
      }
      expect(admission.enforced).toBe(true);
      await refusal(engine.admit(alice));
    });
  });
});
