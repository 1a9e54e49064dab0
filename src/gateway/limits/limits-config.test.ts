// From lakegate.yaml and the environment to a running engine, and the two helpers the request path
// uses to fill in an admission: group names from the catalog, and the token estimate.

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ENGINES, openFreshStore } from '../../../test/support/stores.js';
import { openCatalog } from '../../catalog/index.js';
import { isLakegateError, parseConfig } from '../../core/index.js';
import { createLimitsEngine } from './create-limits-engine.js';
import { estimateTokens } from './estimate-tokens.js';
import { groupNamesResolver } from './group-names.js';
import { policyFromConfig } from './limits-policy.js';
import { alice, refusal } from './test-support.js';

const yaml = (lines: string[]) => parseConfig(`${lines.join('\n')}\n`, 'lakegate.yaml');

const CONFIG = [
  'limits:',
  '  failMode: closed',
  '  leaseSeconds: 30',
  '  rateLimits:',
  '    - { key: user, principal: Alice, calls: 2 }',
  '    - { key: user_group, tokens: 100000, renewalPeriod: day }',
  '  budgets:',
  '    - { key: user, amountUsd: 5, period: month }',
  'endpoints:',
  '  chat:',
  '    served: [{ model: a/b }]',
  '    rateLimits: [{ key: endpoint, calls: 100, renewalPeriod: hour }]',
  '    concurrency: { capacity: 4, reserved: [{ key: user_group, principal: Claims, slots: 1 }] }',
];

describe('policyFromConfig', () => {
  it('turns the config into rules: endpoint limits scoped to their endpoint, names in lower case', () => {
    const policy = policyFromConfig(yaml(CONFIG));
    expect(policy.failMode).toBe('closed');
    expect(policy.leaseMs).toBe(30_000);
    expect(
      policy.rates.map((r) => [r.key, r.principal, r.endpoint, r.unit, r.limit, r.periodMs, r.tickMs]),
    ).toEqual([
      ['user', 'alice', undefined, 'calls', 2, 60_000, 1],
      ['user_group', undefined, undefined, 'tokens', 100_000, 86_400_000, 1000],
      ['endpoint', undefined, 'chat', 'calls', 100, 3_600_000, 1000],
    ]);
    expect(policy.budgets[0]).toMatchObject({
      key: 'user',
      amountMicros: 5_000_000,
      mode: 'block',
      alertAt: [0.8, 1],
    });
    expect(policy.concurrency.get('chat')).toEqual({
      endpoint: 'chat',
      capacity: 4,
      reserved: [{ key: 'user_group', principal: 'claims', slots: 1 }],
      sharedCapacity: 3,
    });
  });

  it('gives rules ids that survive reordering and a new amount, so counters carry over', () => {
    const ids = (lines: string[]) => policyFromConfig(yaml(lines)).rates.map((r) => r.id);
    const [first, second] = ids([
      'limits:',
      '  rateLimits:',
      '    - { key: user, calls: 2 }',
      '    - { key: endpoint, calls: 9 }',
    ]);
    expect(
      ids(['limits:', '  rateLimits:', '    - { key: endpoint, calls: 9 }', '    - { key: user, calls: 5 }']),
    ).toEqual([second, first]);
    expect(ids(['limits:', '  rateLimits:', '    - { key: user, tokens: 2 }'])[0]).not.toBe(first);
    expect(ids(['limits:', '  rateLimits:', '    - { name: mine, key: user, calls: 2 }'])).toEqual(['mine']);
  });

  it('refuses a name given to two rules', () => {
    const config = yaml([
      'limits:',
      '  rateLimits:',
      '    - { name: x, key: user, calls: 2 }',
      '    - { name: x, key: endpoint, calls: 2 }',
    ]);
    let code = '';
    try {
      policyFromConfig(config);
    } catch (error) {
      if (isLakegateError(error)) code = error.code;
    }
    expect(code).toBe('CONFIG_INVALID');
  });
});

describe('createLimitsEngine', () => {
  it('keeps counters in this process without LAKEGATE_REDIS_URL', async () => {
    const engine = createLimitsEngine(yaml(CONFIG), {});
    expect(engine.enabled).toBe(true);
    expect(engine.needsGroups).toBe(true);
    expect(engine.backendKind).toBe('memory');
    await engine.admit(alice);
    await engine.admit(alice);
    expect((await refusal(engine.admit(alice))).code).toBe('RATE_LIMITED');
    await engine.close();
  });

  it('uses Redis when LAKEGATE_REDIS_URL is set, and nothing when no limit is configured', async () => {
    const redis = createLimitsEngine(yaml(CONFIG), { LAKEGATE_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(redis.backendKind).toBe('redis');
    // Fail mode closed, and nothing listens on port 1.
    expect((await refusal(redis.admit(alice))).code).toBe('LIMITS_UNAVAILABLE');
    await redis.close();
    const none = createLimitsEngine(yaml(['endpoints:', '  chat: { served: [{ model: a/b }] }']), {
      LAKEGATE_REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(none.enabled).toBe(false);
    expect(none.needsGroups).toBe(false);
    expect(none.backendKind).toBe('memory');
    await none.close();
  });

  it.each([
    ['not a URL', 'secret-password@localhost'],
    ['not redis', 'http://user:secret-password@localhost:6379'],
  ])('refuses a LAKEGATE_REDIS_URL that is %s, without echoing it', (_name, url) => {
    let message = '';
    try {
      createLimitsEngine(yaml(CONFIG), { LAKEGATE_REDIS_URL: url });
    } catch (error) {
      if (isLakegateError(error) && error.code === 'CONFIG_INVALID') message = error.message;
    }
    expect(message).toContain('LAKEGATE_REDIS_URL');
    expect(message).not.toContain('secret-password');
  });
});

describe('estimateTokens', () => {
  it('counts text at ~4 characters a token, media flat, plus the output allowance', () => {
    const text = 'x'.repeat(400);
    expect(estimateTokens({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] })).toBe(
      100 + 1024,
    );
    expect(
      estimateTokens({
        system: [{ type: 'text', text }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text },
              { type: 'image', format: 'png', bytes: new Uint8Array(3) },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'toolUse', toolUseId: 't', name: 'abcd', input: { q: 'x' } }],
          },
          {
            role: 'user',
            content: [{ type: 'toolResult', toolUseId: 't', content: [{ type: 'json', json: [1, 2] }] }],
          },
        ],
        inferenceConfig: { maxTokens: 50 },
      }),
    ).toBe(Math.ceil((400 + 400 + 4 + 9 + 5) / 4) + 1600 + 50);
  });
});

describe.each(ENGINES.filter((e) => e.engine === 'sqlite'))('groupNamesResolver on $engine', (engine) => {
  it('answers the names of every group, nested ones too, and follows membership changes', async () => {
    const store = await openFreshStore(engine);
    const catalog = openCatalog({ store, masterKey: randomBytes(32) });
    try {
      const { identity } = catalog;
      const ana = await identity.createPrincipal({ name: 'ana@example.com', kind: 'user' }, null);
      await identity.createPrincipal({ name: 'Claims', kind: 'group' }, null);
      await identity.createPrincipal({ name: 'everyone', kind: 'group' }, null);
      await identity.addMember('claims', 'ana@example.com');
      await identity.addMember('everyone', 'claims');
      const groupsOf = groupNamesResolver(identity);
      expect([...(await groupsOf(ana.id))].sort()).toEqual(['claims', 'everyone']);
      // The same cached id list gives the same name list, without asking again.
      expect(await groupsOf(ana.id)).toBe(await groupsOf(ana.id));
      await identity.removeMember('claims', 'ana@example.com');
      expect(await groupsOf(ana.id)).toEqual([]);
    } finally {
      await catalog.close();
      await store.destroy();
    }
  });
});
