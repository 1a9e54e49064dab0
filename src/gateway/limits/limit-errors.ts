// The refusals of the limits, as typed errors every surface maps to its own 429 shape (Bedrock
// ThrottlingException, OpenAI rate_limit_exceeded) with a `retry-after` header from `retryAfterMs`.
// Messages name the rule the caller hit (their own name, group, key id or the endpoint) and never
// another principal's usage.

import { LakegateError } from '../../core/index.js';
import type { BudgetRule, ConcurrencyRule, RateRule, RuleScope } from './limits-policy.js';

/** Whole seconds, at least 1: what `retry-after` carries. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function describeScope(rule: RuleScope, countedAs: string): string {
  const where = rule.endpoint !== undefined && rule.key !== 'endpoint' ? ` on endpoint ${rule.endpoint}` : '';
  switch (rule.key) {
    case 'endpoint':
      return `endpoint ${countedAs}`;
    case 'api_key':
      return `API key ${countedAs}${where}`;
    case 'user':
      return `user ${countedAs}${where}`;
    case 'service_principal':
      return `service principal ${countedAs}${where}`;
    case 'user_group':
      return `group ${countedAs}${where}`;
  }
}

function describePeriod(ms: number): string {
  if (ms === 60_000) return 'minute';
  if (ms === 3_600_000) return 'hour';
  if (ms === 86_400_000) return 'day';
  return `${ms} ms`;
}

export function rateLimitedError(rule: RateRule, countedAs: string, retryAfterMs: number): LakegateError {
  const seconds = retryAfterSeconds(retryAfterMs);
  return new LakegateError(
    'RATE_LIMITED',
    `Rate limit reached: ${rule.limit} ${rule.unit} per ${describePeriod(rule.periodMs)} for ` +
      `${describeScope(rule, countedAs)}. Retry after ${seconds} s.`,
    {
      retryable: true,
      retryAfterMs: seconds * 1000,
      details: { limit: rule.id, unit: rule.unit, scope: rule.key, retryAfterSeconds: seconds },
    },
  );
}

/** A call whose token estimate alone is more than the limit allows in a whole period: waiting won't help. */
export function requestTooLargeError(rule: RateRule, countedAs: string, estimate: number): LakegateError {
  return new LakegateError(
    'RATE_LIMITED',
    `Request too large: about ${estimate} tokens, more than the ${rule.limit} tokens per ` +
      `${describePeriod(rule.periodMs)} allowed for ${describeScope(rule, countedAs)}. Ask for fewer tokens.`,
    {
      retryable: false,
      details: { limit: rule.id, unit: rule.unit, scope: rule.key, estimatedTokens: estimate },
    },
  );
}

export function budgetExceededError(
  rule: BudgetRule,
  countedAs: string,
  renewsAt: Date,
  now: number,
): LakegateError {
  const seconds = retryAfterSeconds(renewsAt.getTime() - now);
  return new LakegateError(
    'BUDGET_EXCEEDED',
    `Budget exhausted: the ${rule.period === 'day' ? 'daily' : 'monthly'} budget of $${rule.amountUsd} for ` +
      `${describeScope(rule, countedAs)} is spent; it renews at ${renewsAt.toISOString()}.`,
    {
      retryable: false,
      retryAfterMs: seconds * 1000,
      details: {
        budget: rule.id,
        scope: rule.key,
        renewsAt: renewsAt.toISOString(),
        retryAfterSeconds: seconds,
      },
    },
  );
}

/** How long to suggest when slots are full: a slot frees when a call ends, which we cannot foresee. */
export const SLOT_RETRY_MS = 1000;

export function concurrencyFullError(rule: ConcurrencyRule): LakegateError {
  const seconds = retryAfterSeconds(SLOT_RETRY_MS);
  return new LakegateError(
    'RATE_LIMITED',
    `Too many concurrent calls: endpoint ${rule.endpoint} has no free slot for this caller. Retry after ${seconds} s.`,
    {
      retryable: true,
      retryAfterMs: seconds * 1000,
      details: { endpoint: rule.endpoint, scope: 'concurrency', retryAfterSeconds: seconds },
    },
  );
}

export function limitsUnavailableError(cause: unknown): LakegateError {
  return new LakegateError(
    'LIMITS_UNAVAILABLE',
    'Limits cannot be checked right now (the shared limits store is unreachable); the call was not made.',
    { cause, retryable: true, retryAfterMs: 1000, details: { retryAfterSeconds: 1 } },
  );
}
