// The backends the shared limits suite runs against, a clock tests move by hand, and a helper to catch
// the typed refusals.

import { expect } from 'vitest';
import { redisAvailable, redisUrl, testKeyPrefix } from '../../../test/support/redis.js';
import { isLakegateError, type LakegateError } from '../../core/index.js';
import type { LimitBackend } from './backend.js';
import { LimitsEngine, type LimitsEvent } from './limits-engine.js';
import { buildPolicy, type LimitsPolicyInput } from './limits-policy.js';
import { MemoryLimitBackend } from './memory-backend.js';
import { RedisLimitBackend } from './redis-backend.js';

/** Noon UTC on a Thursday: far from a day boundary unless a test goes there. */
export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

export class ManualClock {
  constructor(public now = T0) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface BackendCase {
  name: 'memory' | 'redis';
  available: () => boolean;
  open(clock: ManualClock): Promise<LimitBackend>;
}

export const BACKENDS: BackendCase[] = [
  { name: 'memory', available: () => true, open: async (clock) => new MemoryLimitBackend(clock.read) },
  {
    name: 'redis',
    available: redisAvailable,
    open: async (clock) => {
      const backend = RedisLimitBackend.open({ url: redisUrl(), clock: clock.read, timeoutMs: 2000 });
      await backend.ready();
      return backend;
    },
  },
];

export interface TestEngine {
  engine: LimitsEngine;
  clock: ManualClock;
  events: LimitsEvent[];
}

/** An engine over `backendCase` with its own key prefix; closed by `closeAll`. */
export async function openEngine(
  backendCase: BackendCase,
  policy: LimitsPolicyInput,
  open: Set<LimitsEngine>,
  clock = new ManualClock(),
): Promise<TestEngine> {
  const events: LimitsEvent[] = [];
  const backend = await backendCase.open(clock);
  const engine = new LimitsEngine(buildPolicy(policy), backend, {
    clock: clock.read,
    keyPrefix: testKeyPrefix(),
    onEvent: (e) => events.push(e),
  });
  open.add(engine);
  return { engine, clock, events };
}

export async function closeAll(open: Set<LimitsEngine>): Promise<void> {
  await Promise.all([...open].map((e) => e.close()));
  open.clear();
}

/** The LakegateError `promise` rejects with (fails the test when it resolves). */
export async function refusal(promise: Promise<unknown>): Promise<LakegateError> {
  try {
    await promise;
  } catch (error) {
    if (isLakegateError(error)) return error;
    throw error;
  }
  expect.fail('expected the call to be refused');
}

export const alice = { actor: { name: 'alice', kind: 'user' as const }, groups: ['claims'] };
export const bob = { actor: { name: 'bob', kind: 'user' as const }, groups: ['finance'] };
export const robot = { actor: { name: 'nightly-batch', kind: 'service' as const }, groups: ['claims'] };
