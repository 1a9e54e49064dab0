// The limits as the engine uses them: lakegate.yaml's `limits:` and `endpoints.<name>.rateLimits /
// concurrency` turned into flat rules with a stable id each, names normalised the way the catalog
// normalises principal names (lower case). Periods are in ms here so that tests can use short ones.

import { type LakegateConfig, LakegateError, sha256 } from '../../core/index.js';
import { fitsIntegerMath } from './leaky-bucket.js';

type LimitsSection = NonNullable<LakegateConfig['limits']>;
export type LimitKey = LimitsSection['rateLimits'][number]['key'];
export type PrincipalKey = Exclude<LimitKey, 'api_key' | 'endpoint'>;
export type FailMode = LimitsSection['failMode'];
export type BudgetMode = LimitsSection['budgets'][number]['mode'];
export type BudgetPeriod = LimitsSection['budgets'][number]['period'];

/** Who a rule counts: one counter per distinct key (user, group, ...) unless `principal` names one. */
export interface RuleScope {
  key: LimitKey;
  /** A principal or group name (lower case), or an API key id. */
  principal?: string | undefined;
  /** Only calls to this endpoint (or model id) count; with a principal key, this is endpoint × principal. */
  endpoint?: string | undefined;
}

export interface RateRule extends RuleScope {
  id: string;
  unit: 'calls' | 'tokens';
  limit: number;
  periodMs: number;
  /** The resolution of the bucket: 1 ms below an hour, 1 s from an hour up (keeps the integers small). */
  tickMs: number;
  periodTicks: number;
}

export interface BudgetRule extends RuleScope {
  id: string;
  amountUsd: number;
  amountMicros: number;
  period: BudgetPeriod;
  mode: BudgetMode;
  alertAt: readonly number[];
}

export interface ReservedSlots {
  key: PrincipalKey;
  principal: string;
  slots: number;
}

export interface ConcurrencyRule {
  endpoint: string;
  capacity: number;
  reserved: readonly ReservedSlots[];
  /** capacity − reserved: what traffic without a reservation (or beyond it) may use. */
  sharedCapacity: number;
}

export interface LimitsPolicy {
  rates: readonly RateRule[];
  budgets: readonly BudgetRule[];
  concurrency: ReadonlyMap<string, ConcurrencyRule>;
  failMode: FailMode;
  timeoutMs: number;
  leaseMs: number;
}

/** A rate rule as written by hand (tests, programmatic use): any period in ms. */
export interface RateRuleInput extends RuleScope {
  name?: string | undefined;
  unit: 'calls' | 'tokens';
  limit: number;
  periodMs: number;
}

export interface BudgetRuleInput extends RuleScope {
  name?: string | undefined;
  amountUsd: number;
  period: BudgetPeriod;
  mode?: BudgetMode;
  alertAt?: readonly number[];
}

export interface ConcurrencyRuleInput {
  endpoint: string;
  capacity: number;
  reserved?: readonly ReservedSlots[];
}

export interface LimitsPolicyInput {
  rates?: readonly RateRuleInput[];
  budgets?: readonly BudgetRuleInput[];
  concurrency?: readonly ConcurrencyRuleInput[];
  failMode?: FailMode;
  timeoutMs?: number;
  leaseMs?: number;
}

const PERIOD_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** The policy lakegate.yaml describes (it was validated by parseConfig). */
export function policyFromConfig(config: LakegateConfig): LimitsPolicy {
  const limits = config.limits;
  const rates: RateRuleInput[] = (limits?.rateLimits ?? []).map((r) => ({
    name: r.name,
    key: r.key,
    principal: r.principal,
    endpoint: r.endpoint,
    unit: r.calls !== undefined ? 'calls' : 'tokens',
    limit: r.calls ?? r.tokens ?? 0,
    periodMs: PERIOD_MS[r.renewalPeriod],
  }));
  const concurrency: ConcurrencyRuleInput[] = [];
  for (const [endpoint, e] of Object.entries(config.endpoints)) {
    for (const r of e.rateLimits ?? []) {
      rates.push({
        name: r.name,
        key: r.key,
        principal: r.principal,
        endpoint,
        unit: r.calls !== undefined ? 'calls' : 'tokens',
        limit: r.calls ?? r.tokens ?? 0,
        periodMs: PERIOD_MS[r.renewalPeriod],
      });
    }
    if (e.concurrency) concurrency.push({ endpoint, ...e.concurrency });
  }
  return buildPolicy({
    rates,
    budgets: limits?.budgets ?? [],
    concurrency,
    failMode: limits?.failMode ?? 'open',
    timeoutMs: limits?.redisTimeoutMs ?? 250,
    leaseMs: (limits?.leaseSeconds ?? 60) * 1000,
  });
}

export function buildPolicy(input: LimitsPolicyInput): LimitsPolicy {
  const rates = dedupe(input.rates ?? [], 'r', (r) => [r.unit, r.periodMs], rateRule);
  const budgets = dedupe(input.budgets ?? [], 'b', (b) => [b.period], budgetRule);
  const concurrency = new Map<string, ConcurrencyRule>();
  for (const c of input.concurrency ?? []) {
    const reserved = (c.reserved ?? []).map((r) => ({ ...r, principal: normalise(r.key, r.principal) }));
    const sharedCapacity = c.capacity - reserved.reduce((sum, r) => sum + r.slots, 0);
    if (sharedCapacity < 0)
      invalid(`endpoint ${c.endpoint}: reserved slots exceed its capacity ${c.capacity}`);
    concurrency.set(c.endpoint, { endpoint: c.endpoint, capacity: c.capacity, reserved, sharedCapacity });
  }
  return {
    rates,
    budgets,
    concurrency,
    failMode: input.failMode ?? 'open',
    timeoutMs: input.timeoutMs ?? 250,
    leaseMs: input.leaseMs ?? 60_000,
  };
}

function rateRule(input: RateRuleInput, id: string): RateRule {
  const tickMs = input.periodMs >= PERIOD_MS.hour && input.periodMs % 1000 === 0 ? 1000 : 1;
  const rule: RateRule = {
    id,
    key: input.key,
    principal: input.principal === undefined ? undefined : normalise(input.key, input.principal),
    endpoint: input.endpoint,
    unit: input.unit,
    limit: input.limit,
    periodMs: input.periodMs,
    tickMs,
    periodTicks: Math.round(input.periodMs / tickMs),
  };
  if (
    !Number.isInteger(rule.limit) ||
    rule.limit < 1 ||
    !Number.isInteger(input.periodMs) ||
    input.periodMs < 1
  )
    invalid(`limit ${id}: the limit and the period must be positive integers`);
  if (!fitsIntegerMath(rule))
    invalid(`limit ${id}: ${rule.limit} ${rule.unit} per ${rule.periodMs} ms is too many`);
  return rule;
}

function budgetRule(input: BudgetRuleInput, id: string): BudgetRule {
  return {
    id,
    key: input.key,
    principal: input.principal === undefined ? undefined : normalise(input.key, input.principal),
    endpoint: input.endpoint,
    amountUsd: input.amountUsd,
    amountMicros: Math.round(input.amountUsd * 1e6),
    period: input.period,
    mode: input.mode ?? 'block',
    alertAt: [...(input.alertAt ?? [0.8, 1])].sort((a, b) => a - b),
  };
}

/**
 * Stable ids, so that every replica with the same config charges the same counters: the rule's name, or
 * a hash of WHAT it counts (scope, unit, period) — not how much, so raising a limit or a budget keeps
 * what was already counted. Identical rules are one rule; two rules that count the same thing with
 * different amounts both apply (the second gets a suffix); a name used twice is an error.
 */
function dedupe<I extends RuleScope & { name?: string | undefined }, R extends { id: string }>(
  inputs: readonly I[],
  prefix: string,
  identity: (input: I) => unknown[],
  make: (input: I, id: string) => R,
): R[] {
  const byId = new Map<string, { rule: R; content: string }>();
  for (const input of inputs) {
    const content = JSON.stringify({ ...input, name: undefined });
    let id = input.name;
    if (id !== undefined) {
      if (byId.has(id)) invalid(`two limits are named ${JSON.stringify(id)}`);
    } else {
      const scope = [
        input.key,
        normalise(input.key, input.principal ?? ''),
        input.endpoint ?? '',
        ...identity(input),
      ];
      const base = `${prefix}${sha256(JSON.stringify(scope), 'hex').slice(0, 12)}`;
      if (byId.get(base)?.content === content) continue;
      id = base;
      for (let n = 2; byId.has(id); n++) id = `${base}-${n}`;
    }
    byId.set(id, { rule: make(input, id), content });
  }
  return [...byId.values()].map((entry) => entry.rule);
}

/** Principal and group names are case-insensitive in the catalog; API key ids and endpoints are not. */
export function normalise(key: LimitKey, name: string): string {
  return key === 'api_key' || key === 'endpoint' ? name : name.toLowerCase();
}

function invalid(message: string): never {
  throw new LakegateError('CONFIG_INVALID', `limits: ${message}`);
}
