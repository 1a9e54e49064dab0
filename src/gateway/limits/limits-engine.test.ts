// The limits engine, one suite run against both backends (in-process and Redis with the time passed
// in): every limit type, windows rolling over, token reserve + settle, atomicity across rules, budgets
// and provisioned concurrency.

import { afterEach, describe, expect, it } from 'vitest';
import type { LimitSubject } from './limit-subject.js';
import type { LimitsEngine } from './limits-engine.js';
import { alice, BACKENDS, bob, closeAll, openEngine, refusal, robot, T0 } from './test-support.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(BACKENDS)('limits on $name', (backend) => {
  const open = new Set<LimitsEngine>();
  afterEach(() => closeAll(open));
  const engineWith = (policy: Parameters<typeof openEngine>[1]) => openEngine(backend, policy, open);

  describe.skipIf(!backend.available())('rate limits', () => {
    it('calls per minute: the limit, then 429 with the wait until one call has drained', async () => {
      const { engine } = await engineWith({
        rates: [{ key: 'user', unit: 'calls', limit: 3, periodMs: MINUTE }],
      });
      for (let i = 0; i < 3; i++) await engine.admit(alice);
      const error = await refusal(engine.admit(alice));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.status).toBe(429);
      // 3 per minute drains one call every 20 s.
      expect(error.details['retryAfterSeconds']).toBe(20);
      expect(error.retryAfterMs).toBe(20_000);
      expect(error.message).toContain('3 calls per minute for user alice');
      // Another user has a counter of their own.
      await engine.admit(bob);
    });

    it('rolls over: one call back every limit/period, all of them after a period', async () => {
      const { engine, clock } = await engineWith({
        rates: [{ key: 'user', unit: 'calls', limit: 3, periodMs: MINUTE }],
      });
      for (let i = 0; i < 3; i++) await engine.admit(alice);
      clock.advance(19_999);
      expect((await refusal(engine.admit(alice))).retryAfterMs).toBe(1000);
      clock.advance(1);
      await engine.admit(alice);
      await refusal(engine.admit(alice));
      clock.advance(MINUTE);
      for (let i = 0; i < 3; i++) await engine.admit(alice);
      await refusal(engine.admit(alice));
    });

    it('hour and day periods count in seconds', async () => {
      const { engine, clock } = await engineWith({
        rates: [
          { key: 'user', unit: 'calls', limit: 2, periodMs: 3_600_000 },
          { key: 'user', unit: 'tokens', limit: 1_000, periodMs: DAY },
        ],
      });
      await engine.admit({ ...alice, estimatedTokens: 100 });
      await engine.admit({ ...alice, estimatedTokens: 100 });
      expect(
        (await refusal(engine.admit({ ...alice, estimatedTokens: 100 }))).details['retryAfterSeconds'],
      ).toBe(1800);
      clock.advance(1_800_000);
      // The hour rule has one call back; the day rule has 800 tokens left, not 900.
      const error = await refusal(engine.admit({ ...alice, estimatedTokens: 900 }));
      expect(error.message).toContain('1000 tokens per day');
      await engine.admit({ ...alice, estimatedTokens: 800 });
    });

    it('tokens per minute: reserves the estimate, settle corrects it down', async () => {
      const { engine } = await engineWith({
        rates: [{ key: 'user', unit: 'tokens', limit: 1000, periodMs: MINUTE }],
      });
      const first = await engine.admit({ ...alice, estimatedTokens: 400 });
      await engine.admit({ ...alice, estimatedTokens: 400 });
      const error = await refusal(engine.admit({ ...alice, estimatedTokens: 400 }));
      // 800 + 400 is 200 over; 1000 per minute drains 200 in 12 s.
      expect(error.details['retryAfterSeconds']).toBe(12);
      await first.settle(100);
      await engine.admit({ ...alice, estimatedTokens: 400 });
      await refusal(engine.admit({ ...alice, estimatedTokens: 200 }));
    });

    it('settle above the estimate leaves a debt that holds the next calls back', async () => {
      const { engine, clock } = await engineWith({
        rates: [{ key: 'user', unit: 'tokens', limit: 1000, periodMs: MINUTE }],
      });
      const call = await engine.admit({ ...alice, estimatedTokens: 100 });
      await call.settle(1500);
      const error = await refusal(engine.admit({ ...alice, estimatedTokens: 1 }));
      // 1500 + 1 held, 1000 allowed: 501 tokens must drain, 30.06 s.
      expect(error.retryAfterMs).toBe(31_000);
      clock.advance(30_060);
      await engine.admit({ ...alice, estimatedTokens: 1 });
    });

    it('settle and release are once only; release refunds tokens but the call still counts', async () => {
      const { engine } = await engineWith({
        rates: [
          { key: 'user', unit: 'tokens', limit: 1000, periodMs: MINUTE },
          { key: 'user', unit: 'calls', limit: 2, periodMs: MINUTE },
        ],
      });
      const failed = await engine.admit({ ...alice, estimatedTokens: 900 });
      await failed.release();
      await failed.release();
      await failed.settle(900);
      const ok = await engine.admit({ ...alice, estimatedTokens: 1000 });
      await ok.settle(1000);
      await ok.settle(0);
      const error = await refusal(engine.admit({ ...alice, estimatedTokens: 1 }));
      expect(error.message).toMatch(/tokens|calls/);
    });

    it('a request larger than the whole token limit is refused without a retry-after and charges nothing', async () => {
      const { engine } = await engineWith({
        rates: [
          { key: 'user', unit: 'tokens', limit: 1000, periodMs: MINUTE },
          { key: 'user', unit: 'calls', limit: 1, periodMs: MINUTE },
        ],
      });
      const error = await refusal(engine.admit({ ...alice, estimatedTokens: 1001 }));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryable).toBe(false);
      expect(error.retryAfterMs).toBeUndefined();
      expect(error.message).toMatch(/Request too large: about 1001 tokens/);
      await engine.admit({ ...alice, estimatedTokens: 1000 });
    });

    it('scopes: API key, user, service principal, group, endpoint, endpoint × principal', async () => {
      const { engine } = await engineWith({
        rates: [
          { key: 'api_key', principal: 'k1', unit: 'calls', limit: 1, periodMs: MINUTE },
          { key: 'user', principal: 'Alice', unit: 'calls', limit: 100, periodMs: MINUTE },
          { key: 'service_principal', unit: 'calls', limit: 2, periodMs: MINUTE },
          { key: 'user_group', principal: 'finance', unit: 'calls', limit: 2, periodMs: MINUTE },
          { key: 'endpoint', endpoint: 'claims', unit: 'calls', limit: 4, periodMs: MINUTE },
          { key: 'user', endpoint: 'triage', unit: 'calls', limit: 1, periodMs: MINUTE },
        ],
      });
      // API key k1: one call; k2 and keyless calls are not under that rule.
      await engine.admit({ ...alice, keyId: 'k1' });
      expect((await refusal(engine.admit({ ...alice, keyId: 'k1' }))).message).toContain('API key k1');
      await engine.admit({ ...alice, keyId: 'k2' });
      // Service principals: two each; users are not service principals.
      await engine.admit(robot);
      await engine.admit(robot);
      expect((await refusal(engine.admit(robot))).message).toContain('service principal nightly-batch');
      // Group finance (bob): two calls shared by the group.
      await engine.admit(bob);
      await engine.admit({ actor: { name: 'carol', kind: 'user' }, groups: ['FINANCE'] });
      expect((await refusal(engine.admit(bob))).message).toContain('group finance');
      // Endpoint claims: four calls from anyone.
      await engine.admit({ ...alice, endpoint: 'claims' });
      await engine.admit({ ...alice, endpoint: 'claims' });
      await engine.admit({ actor: { name: 'frank', kind: 'user' }, endpoint: 'other' });
      await engine.admit({ actor: { name: 'dave', kind: 'user' }, endpoint: 'claims' });
      await engine.admit({ actor: { name: 'erin', kind: 'user' }, endpoint: 'claims' });
      expect(
        (await refusal(engine.admit({ actor: { name: 'dave', kind: 'user' }, endpoint: 'claims' }))).message,
      ).toContain('endpoint claims');
      // Endpoint × principal: each user once on triage, unlimited elsewhere.
      await engine.admit({ ...alice, endpoint: 'triage' });
      expect((await refusal(engine.admit({ ...alice, endpoint: 'triage' }))).message).toContain(
        'user alice on endpoint triage',
      );
      await engine.admit({ actor: { name: 'dave', kind: 'user' }, endpoint: 'triage' });
      await engine.admit({ ...alice, endpoint: 'elsewhere' });
    });

    it('a group rule without a principal counts each of the caller’s groups', async () => {
      const { engine } = await engineWith({
        rates: [{ key: 'user_group', unit: 'calls', limit: 1, periodMs: MINUTE }],
      });
      await engine.admit({ actor: { name: 'x', kind: 'user' }, groups: ['a', 'b'] });
      // Group a is used up, so a caller in a and c is refused; a caller in c alone is not.
      expect(
        (await refusal(engine.admit({ actor: { name: 'y', kind: 'user' }, groups: ['c', 'a'] }))).message,
      ).toContain('group a');
      await engine.admit({ actor: { name: 'y', kind: 'user' }, groups: ['c'] });
      // With no groups, no group counter applies.
      await engine.admit({ actor: { name: 'z', kind: 'user' } });
    });

    it('is all-or-nothing: a call refused by one rule takes nothing from the others', async () => {
      const { engine } = await engineWith({
        rates: [
          { key: 'user', unit: 'calls', limit: 3, periodMs: MINUTE },
          { key: 'user', unit: 'tokens', limit: 10_000, periodMs: MINUTE },
          { key: 'endpoint', endpoint: 'narrow', unit: 'calls', limit: 1, periodMs: MINUTE },
        ],
      });
      await engine.admit({ ...alice, endpoint: 'narrow', estimatedTokens: 10 });
      for (let i = 0; i < 5; i++)
        await refusal(engine.admit({ ...alice, endpoint: 'narrow', estimatedTokens: 3000 }));
      // Had the refusals charged the user rules, alice would have no calls and 1,000 tokens left.
      await engine.admit({ ...alice, endpoint: 'wide', estimatedTokens: 5000 });
      await engine.admit({ ...alice, endpoint: 'wide', estimatedTokens: 4990 });
      await refusal(engine.admit({ ...alice, endpoint: 'wide', estimatedTokens: 1 }));
    });

    it('when several rules refuse, retry-after is the longest wait', async () => {
      const { engine } = await engineWith({
        rates: [
          { key: 'user', unit: 'calls', limit: 1, periodMs: MINUTE },
          { key: 'user', unit: 'calls', limit: 1, periodMs: 10_000 },
        ],
      });
      await engine.admit(alice);
      expect((await refusal(engine.admit(alice))).retryAfterMs).toBe(60_000);
    });

    it('identical rules count once; rules with the same scope and different limits both apply', async () => {
      const { engine } = await engineWith({
        rates: [
          { key: 'user', unit: 'calls', limit: 2, periodMs: MINUTE },
          { key: 'user', unit: 'calls', limit: 2, periodMs: MINUTE },
          { key: 'user', unit: 'calls', limit: 5, periodMs: MINUTE },
        ],
      });
      expect(engine.policy.rates).toHaveLength(2);
      await engine.admit(alice);
      await engine.admit(alice);
      await refusal(engine.admit(alice));
    });
  });

  describe.skipIf(!backend.available())('budgets', () => {
    it('block: calls are refused once the day is spent, until the next day; alerts cross once', async () => {
      const { engine, clock, events } = await engineWith({
        budgets: [{ name: 'alice-daily', key: 'user', principal: 'alice', amountUsd: 1, period: 'day' }],
      });
      await (await engine.admit(alice)).settle(100, 0.6);
      expect(events).toEqual([]);
      await (await engine.admit(alice)).settle(100, 0.3);
      expect(events.map((e) => e.type === 'budget_alert' && e.threshold)).toEqual([0.8]);
      const last = await engine.admit(alice);
      await last.settle(100, 0.25);
      expect(events.map((e) => e.type === 'budget_alert' && e.threshold)).toEqual([0.8, 1]);
      expect(events[1]).toMatchObject({
        budget: 'alice-daily',
        countedAs: 'alice',
        mode: 'block',
        period: 'day',
        periodStart: '2026-11-26T00:00:00.000Z',
        amountUsd: 1,
        spentUsd: 1.15,
      });

      const error = await refusal(engine.admit(alice));
      expect(error.code).toBe('BUDGET_EXCEEDED');
      expect(error.status).toBe(429);
      expect(error.retryable).toBe(false);
      expect(error.details['retryAfterSeconds']).toBe(12 * 3600);
      expect(error.message).toContain('daily budget of $1 for user alice');
      expect(error.message).toContain('2026-11-27T00:00:00.000Z');
      expect(await engine.remaining(alice)).toEqual([
        {
          budget: 'alice-daily',
          countedAs: 'alice',
          mode: 'block',
          period: 'day',
          periodStart: '2026-11-26T00:00:00.000Z',
          renewsAt: '2026-11-27T00:00:00.000Z',
          amountUsd: 1,
          spentUsd: 1.15,
          remainingUsd: 0,
        },
      ]);
      // Bob has no budget.
      await engine.admit(bob);
      expect(await engine.remaining(bob)).toEqual([]);

      clock.advance(12 * 3600 * 1000);
      await engine.admit(alice);
      expect((await engine.remaining(alice))[0]).toMatchObject({ spentUsd: 0, remainingUsd: 1 });
    });

    it('alert: never refuses, reports each threshold once', async () => {
      const { engine, events } = await engineWith({
        budgets: [{ key: 'endpoint', amountUsd: 10, period: 'month', mode: 'alert', alertAt: [0.5, 1, 2] }],
      });
      for (let i = 0; i < 5; i++)
        await (await engine.admit({ ...alice, endpoint: 'claims' })).settle(10, 4.5);
      await (await engine.admit({ ...alice, endpoint: 'claims' })).settle(10, 0);
      expect(events.map((e) => e.type === 'budget_alert' && [e.threshold, e.spentUsd])).toEqual([
        [0.5, 9],
        [1, 13.5],
        [2, 22.5],
      ]);
      const [status] = await engine.remaining({ ...bob, endpoint: 'claims' });
      expect(status).toMatchObject({
        period: 'month',
        periodStart: '2026-11-01T00:00:00.000Z',
        spentUsd: 22.5,
      });
      expect(status?.renewsAt).toBe('2026-12-01T00:00:00.000Z');
    });

    it('a budget refusal takes nothing from the rate limits; group and key budgets count their members', async () => {
      const { engine } = await engineWith({
        rates: [{ key: 'user', unit: 'calls', limit: 3, periodMs: MINUTE }],
        budgets: [
          { key: 'user_group', principal: 'claims', amountUsd: 0.5, period: 'day' },
          { key: 'api_key', amountUsd: 100, period: 'day' },
        ],
      });
      await (await engine.admit({ ...robot, keyId: 'k9' })).settle(1, 0.5);
      expect((await refusal(engine.admit(alice))).message).toContain('group claims');
      expect((await refusal(engine.admit(alice))).code).toBe('BUDGET_EXCEEDED');
      await engine.admit(bob);
      const statuses = await engine.remaining({ ...robot, keyId: 'k9' });
      expect(statuses.map((s) => [s.countedAs, s.spentUsd, s.remainingUsd])).toEqual([
        ['claims', 0.5, 0],
        ['k9', 0.5, 99.5],
      ]);
      // Alice was refused twice by the budget; her 3 calls per minute are untouched.
      const free = { ...alice, groups: [] };
      for (let i = 0; i < 3; i++) await engine.admit(free);
      expect((await refusal(engine.admit(free))).code).toBe('RATE_LIMITED');
    });

    it('a budget on one endpoint shows in remaining() when no endpoint is asked about', async () => {
      const { engine } = await engineWith({
        budgets: [{ key: 'user', endpoint: 'claims', amountUsd: 2, period: 'day' }],
      });
      await (await engine.admit({ ...alice, endpoint: 'claims' })).settle(1, 0.5);
      await (await engine.admit({ ...alice, endpoint: 'other' })).settle(1, 5);
      expect((await engine.remaining(alice)).map((s) => s.remainingUsd)).toEqual([1.5]);
      expect(await engine.remaining({ ...alice, endpoint: 'other' })).toEqual([]);
    });
  });

  describe.skipIf(!backend.available())('provisioned concurrency', () => {
    const policy = {
      concurrency: [
        {
          endpoint: 'claims',
          capacity: 3,
          reserved: [{ key: 'user_group' as const, principal: 'claims', slots: 2 }],
        },
      ],
      leaseMs: 30_000,
    };
    const claims = (who: LimitSubject) => ({ ...who, endpoint: 'claims' });

    it('shared traffic cannot take the reserved slots', async () => {
      const { engine } = await engineWith(policy);
      const bobs = await engine.admit(claims(bob));
      const error = await refusal(engine.admit(claims(bob)));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.message).toContain('endpoint claims has no free slot');
      expect(error.retryAfterMs).toBe(1000);
      // The group still has its two slots, then shares the rest.
      const a1 = await engine.admit(claims(alice));
      await engine.admit(claims(robot));
      await refusal(engine.admit(claims(alice)));
      await bobs.settle(10);
      const a3 = await engine.admit(claims(alice));
      await refusal(engine.admit(claims(bob)));
      await a3.release();
      await a1.release();
      await engine.admit(claims(alice));
      await engine.admit(claims(bob));
      // Other endpoints have no concurrency limit.
      for (let i = 0; i < 5; i++) await engine.admit({ ...bob, endpoint: 'other' });
    });

    it('a slot whose holder stopped renewing it (a dead replica) frees when its lease runs out', async () => {
      const { engine, clock } = await engineWith(policy);
      await engine.admit(claims(bob));
      await refusal(engine.admit(claims(bob)));
      clock.advance(29_999);
      await refusal(engine.admit(claims(bob)));
      clock.advance(1);
      await engine.admit(claims(bob));
    });

    it('a slots refusal takes nothing from the rate limits', async () => {
      const { engine } = await engineWith({
        ...policy,
        rates: [{ key: 'user', unit: 'calls', limit: 2, periodMs: MINUTE }],
      });
      const held = await engine.admit(claims(bob));
      for (let i = 0; i < 3; i++) await refusal(engine.admit(claims(bob)));
      await held.settle(1);
      await engine.admit(claims(bob));
      expect((await refusal(engine.admit(claims(bob)))).message).toContain('2 calls per minute');
    });
  });

  it.skipIf(!backend.available())('an empty policy admits everything and is disabled', async () => {
    const { engine } = await engineWith({});
    expect(engine.enabled).toBe(false);
    const admission = await engine.admit({ ...alice, estimatedTokens: 1e9 });
    expect(admission.enforced).toBe(true);
    await admission.settle(1e9, 1e6);
    expect(T0).toBeGreaterThan(0);
  });
});
