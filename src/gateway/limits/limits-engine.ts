// The limits engine: decides whether one model call may start (rate limits, blocking budgets,
// provisioned concurrency — all checked and charged in one atomic step of the backend), and afterwards
// corrects the token reservation with the real usage and adds the call's cost to its budgets.
// It is policy as a verdict: the caller asks `admit` before the model call and gets an Admission or a
// typed 429; it does not wrap or know the model call itself.

import { randomUUID } from 'node:crypto';
import { type LakegateError, withProperty } from '../../core/index.js';
import {
  Admission,
  type AdmissionOwner,
  NOTHING_TO_LIMIT,
  type PlannedBudget,
  type PlannedRate,
} from './admission.js';
import type { LimitBackend, RateCharge, SlotPool } from './backend.js';
import { budgetWindow, type PeriodWindow } from './budget-period.js';
import {
  budgetExceededError,
  concurrencyFullError,
  limitsUnavailableError,
  rateLimitedError,
  requestTooLargeError,
} from './limit-errors.js';
import {
  countedAs,
  type LimitSubject,
  type NormalisedSubject,
  normaliseSubject,
  reservationsFor,
} from './limit-subject.js';
import type { BudgetMode, BudgetPeriod, ConcurrencyRule, FailMode, LimitsPolicy } from './limits-policy.js';

export interface AdmitRequest extends LimitSubject {
  /** Tokens the call is expected to use (prompt + the most it may generate); reserved now, settled later. */
  estimatedTokens?: number;
}

export type LimitsEvent =
  | {
      type: 'budget_alert';
      budget: string;
      /** What the budget counted this spend under: a principal or group name, key id or endpoint. */
      countedAs: string;
      mode: BudgetMode;
      period: BudgetPeriod;
      periodStart: string;
      /** The fraction of the amount that was crossed (e.g. 0.8, 1). */
      threshold: number;
      spentUsd: number;
      amountUsd: number;
    }
  | {
      type: 'backend_unavailable';
      operation: 'admit' | 'settle' | 'renew' | 'remaining';
      failMode: FailMode;
      message: string;
    };

export interface BudgetStatus {
  budget: string;
  countedAs: string;
  mode: BudgetMode;
  period: BudgetPeriod;
  periodStart: string;
  renewsAt: string;
  amountUsd: number;
  spentUsd: number;
  /** Never negative; 0 once spent (a block budget then refuses calls). */
  remainingUsd: number;
}

export interface LimitsEngineOptions {
  /** Prefix of every counter's key. The `{...}` hash tag keeps all keys in one Redis Cluster slot. */
  keyPrefix?: string;
  /** The time for budget periods (and the in-process backend); default Date.now. */
  clock?: () => number;
  /** Budget alerts and backend outages; must not throw (errors are swallowed). */
  onEvent?: (event: LimitsEvent) => void;
}

interface PlannedSlots {
  rule: ConcurrencyRule;
  pools: SlotPool[];
}

export const DEFAULT_KEY_PREFIX = 'lakegate:{limits}:';

/** Counter names kept by keyOf at most. */
const MAX_CACHED_KEYS = 50_000;

/** Extra time a budget total is kept after its period ends, so a late read still finds it. */
const BUDGET_KEEP_MS = 86_400_000;

export class LimitsEngine implements AdmissionOwner {
  private readonly prefix: string;
  private readonly clock: () => number;
  private readonly onEvent: ((event: LimitsEvent) => void) | undefined;
  /** Leases this process holds, renewed in one batch every third of their life while calls run. */
  private readonly held = new Map<string, string>();
  private renewTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /**
   * Counter names by rule and subject: the same few thousand strings are asked for on every call, and a
   * kept string is not rebuilt nor re-hashed by the Maps and the Redis client. Bounded: cleared when full.
   */
  private readonly keys = new Map<string, Map<string, string>>();
  private keyCount = 0;
  /** The current day and month, recomputed only when the clock leaves them. */
  private readonly windows = new Map<BudgetPeriod, PeriodWindow>();
  /** False when nothing is configured: the request path can skip admit altogether. */
  readonly enabled: boolean;
  /** Whether any rule looks at groups: only then must the caller resolve the principal's group names. */
  readonly needsGroups: boolean;

  constructor(
    readonly policy: LimitsPolicy,
    private readonly backend: LimitBackend,
    options: LimitsEngineOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.clock = options.clock ?? Date.now;
    this.onEvent = options.onEvent;
    // Both are asked on every model call; the policy never changes, so they are worked out once here.
    this.enabled = policy.rates.length > 0 || policy.budgets.length > 0 || policy.concurrency.size > 0;
    const rules = [...policy.rates, ...policy.budgets];
    this.needsGroups =
      rules.some((r) => r.key === 'user_group') ||
      [...policy.concurrency.values()].some((c) => c.reserved.some((r) => r.key === 'user_group'));
  }

  get backendKind(): LimitBackend['kind'] {
    return this.backend.kind;
  }

  /**
   * Checks every rule that applies to the call and, only if all admit, charges them (one call, the
   * token estimate, one concurrency slot). Throws RATE_LIMITED or BUDGET_EXCEEDED (429, with
   * retryAfterMs), or LIMITS_UNAVAILABLE (503) when the store is down and the fail mode is closed.
   */
  async admit(request: AdmitRequest): Promise<Admission> {
    const subject = normaliseSubject(request);
    const now = this.clock();
    const estimate = Math.max(1, Math.ceil(request.estimatedTokens ?? 0));
    const rates = this.planRates(subject, estimate);
    const budgets = this.planBudgets(subject, now);
    const slots = this.planSlots(subject);
    if (rates.length === 0 && budgets.length === 0 && !slots) return NOTHING_TO_LIMIT;
    for (const r of rates) {
      if (r.rule.unit === 'tokens' && estimate > r.rule.limit)
        throw requestTooLargeError(r.rule, r.as, estimate);
    }
    const gates = budgets.filter((b) => b.rule.mode === 'block');
    // Only a slot needs an id of its own.
    const leaseId = slots ? randomUUID() : '';
    let result: Awaited<ReturnType<LimitBackend['reserve']>>;
    try {
      result = await this.backend.reserve({
        rates: rates.map((r) => r.charge),
        budgets: gates.map((b) => ({ key: b.key, limitMicros: b.rule.amountMicros })),
        pools: slots?.pools ?? [],
        leaseId,
        leaseMs: this.policy.leaseMs,
      });
    } catch (error) {
      this.emitUnavailable('admit', error);
      if (this.policy.failMode === 'closed') throw limitsUnavailableError(error);
      // Open: the call goes ahead unlimited, but its usage and cost are still charged at settle.
      return new Admission(this, rates, budgets, undefined, false);
    }
    if (!result.ok) throw this.refusal(result, rates, gates, slots, now);
    let slot: { key: string; leaseId: string } | undefined;
    if (result.pool !== undefined && slots) {
      slot = { key: slots.pools[result.pool]?.key ?? '', leaseId };
      this.hold(slot);
    }
    return new Admission(this, rates, budgets, slot, true);
  }

  /** The budgets that apply to a subject (any endpoint unless one is given), with what is left of each. */
  async remaining(subject: LimitSubject): Promise<BudgetStatus[]> {
    const now = this.clock();
    const planned = this.planBudgets(normaliseSubject(subject), now, true);
    let spent: number[];
    try {
      spent = await this.backend.spent(planned.map((b) => b.key));
    } catch (error) {
      this.emitUnavailable('remaining', error);
      throw limitsUnavailableError(error);
    }
    return planned.map((b, i) => {
      const spentUsd = (spent[i] ?? 0) / 1e6;
      return {
        budget: b.rule.id,
        countedAs: b.as,
        mode: b.rule.mode,
        period: b.rule.period,
        periodStart: b.window.startsAt.toISOString(),
        renewsAt: b.window.endsAt.toISOString(),
        amountUsd: b.rule.amountUsd,
        spentUsd,
        remainingUsd: Math.max(0, b.rule.amountUsd - spentUsd),
      };
    });
  }

  /** Stops renewing leases and closes the backend (the Redis connection). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    await this.backend.close();
  }

  /** @internal Admission's way back: apply the correction, then report crossed alert thresholds. */
  async finish(
    rates: readonly { charge: RateCharge; delta: number }[],
    budgets: readonly PlannedBudget[],
    costUsd: number,
    slot: { key: string; leaseId: string } | undefined,
  ): Promise<void> {
    if (slot) this.held.delete(slot.leaseId);
    const micros = Math.max(0, Math.round(costUsd * 1e6));
    const spends = micros > 0 ? budgets : [];
    const corrections = rates.filter((r) => r.delta !== 0);
    if (corrections.length === 0 && spends.length === 0 && !slot) return;
    const now = this.clock();
    try {
      const { spentMicros } = await this.backend.settle({
        rates: corrections.map(({ charge, delta }) => withProperty(charge, 'delta', delta)),
        spends: spends.map((b) => ({
          key: b.key,
          micros,
          ttlMs: b.window.endsAt.getTime() - now + BUDGET_KEEP_MS,
        })),
        slot,
      });
      spends.forEach((b, i) => {
        this.alertCrossings(b, (spentMicros[i] ?? 0) - micros, spentMicros[i] ?? 0);
      });
    } catch (error) {
      // The call has happened; its answer is not failed over bookkeeping. The slot lease expires by itself.
      this.emitUnavailable('settle', error);
    }
  }

  private keyOf(kind: 'r' | 'b', rule: string, as: string): string {
    const scope = `${kind}:${rule}`;
    let byWho = this.keys.get(scope);
    if (!byWho) {
      byWho = new Map();
      this.keys.set(scope, byWho);
    }
    let key = byWho.get(as);
    if (key === undefined) {
      if (this.keyCount >= MAX_CACHED_KEYS) {
        this.keys.clear();
        this.keyCount = 0;
        byWho = new Map();
        this.keys.set(scope, byWho);
      }
      key = `${this.prefix}${scope}:${as}`;
      byWho.set(as, key);
      this.keyCount++;
    }
    return key;
  }

  private windowOf(period: BudgetPeriod, now: number): PeriodWindow {
    const known = this.windows.get(period);
    if (known && now >= known.startsAt.getTime() && now < known.endsAt.getTime()) return known;
    const window = budgetWindow(period, now);
    this.windows.set(period, window);
    return window;
  }

  private planRates(s: NormalisedSubject, estimate: number): PlannedRate[] {
    const planned: PlannedRate[] = [];
    for (const rule of this.policy.rates) {
      for (const as of countedAs(rule, s)) {
        planned.push({
          rule,
          as,
          charge: {
            key: this.keyOf('r', rule.id, as),
            limit: rule.limit,
            periodTicks: rule.periodTicks,
            tickMs: rule.tickMs,
            cost: rule.unit === 'calls' ? 1 : estimate,
          },
        });
      }
    }
    return planned;
  }

  /** `anyEndpoint`: for reading, a budget on one endpoint counts when no endpoint is asked about. */
  private planBudgets(s: NormalisedSubject, now: number, anyEndpoint = false): PlannedBudget[] {
    const planned: PlannedBudget[] = [];
    for (const rule of this.policy.budgets) {
      const scope =
        anyEndpoint && s.endpoint === undefined && rule.endpoint !== undefined
          ? { ...rule, endpoint: undefined }
          : rule;
      for (const as of countedAs(scope, s)) {
        const window = this.windowOf(rule.period, now);
        planned.push({ rule, as, window, key: this.keyOf('b', `${rule.id}:${window.stamp}`, as) });
      }
    }
    return planned;
  }

  /** The caller's reservations first (config order), then the shared capacity. */
  private planSlots(s: NormalisedSubject): PlannedSlots | undefined {
    const rule = s.endpoint === undefined ? undefined : this.policy.concurrency.get(s.endpoint);
    if (!rule) return undefined;
    const base = `${this.prefix}c:${rule.endpoint}:`;
    const pools: SlotPool[] = reservationsFor(rule, s).map((i) => {
      const r = rule.reserved[i];
      return { key: `${base}reserved:${r?.key}:${r?.principal}`, capacity: r?.slots ?? 0 };
    });
    if (rule.sharedCapacity > 0) pools.push({ key: `${base}shared`, capacity: rule.sharedCapacity });
    return { rule, pools };
  }

  private refusal(
    result: Exclude<Awaited<ReturnType<LimitBackend['reserve']>>, { ok: true }>,
    rates: readonly PlannedRate[],
    gates: readonly PlannedBudget[],
    slots: PlannedSlots | undefined,
    now: number,
  ): LakegateError {
    if (result.reason === 'rate') {
      const hit = rates[result.index];
      if (hit) return rateLimitedError(hit.rule, hit.as, result.retryAfterMs);
    }
    if (result.reason === 'budget') {
      const hit = gates[result.index];
      if (hit) return budgetExceededError(hit.rule, hit.as, hit.window.endsAt, now);
    }
    if (slots) return concurrencyFullError(slots.rule);
    return limitsUnavailableError(new Error('The limits store gave an answer that matches no rule.'));
  }

  private alertCrossings(b: PlannedBudget, before: number, after: number): void {
    for (const threshold of b.rule.alertAt) {
      const mark = threshold * b.rule.amountMicros;
      // Only the charge that crossed the mark reports it: totals move atomically, so one replica does.
      if (before < mark && after >= mark) {
        this.emit({
          type: 'budget_alert',
          budget: b.rule.id,
          countedAs: b.as,
          mode: b.rule.mode,
          period: b.rule.period,
          periodStart: b.window.startsAt.toISOString(),
          threshold,
          spentUsd: after / 1e6,
          amountUsd: b.rule.amountUsd,
        });
      }
    }
  }

  private hold(slot: { key: string; leaseId: string }): void {
    this.held.set(slot.leaseId, slot.key);
    if (this.renewTimer || this.closed) return;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.policy.leaseMs / 3)));
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) {
      clearInterval(this.renewTimer);
      this.renewTimer = undefined;
      return;
    }
    const leases = [...this.held].map(([leaseId, key]) => ({ key, leaseId }));
    try {
      await this.backend.renewLeases(leases, this.policy.leaseMs);
    } catch (error) {
      this.emitUnavailable('renew', error);
    }
  }

  private emitUnavailable(operation: 'admit' | 'settle' | 'renew' | 'remaining', error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.emit({ type: 'backend_unavailable', operation, failMode: this.policy.failMode, message });
  }

  private emit(event: LimitsEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // A listener's failure must not turn into the call's failure.
    }
  }
}
