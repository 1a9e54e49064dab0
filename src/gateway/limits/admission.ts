// One admitted call, as the request path holds it until the call ends: what it reserved, and the way
// back to the engine to settle or release it.

import type { RateCharge } from './backend.js';
import type { PeriodWindow } from './budget-period.js';
import type { BudgetRule, RateRule } from './limits-policy.js';

export interface PlannedRate {
  rule: RateRule;
  as: string;
  charge: RateCharge;
}

export interface PlannedBudget {
  rule: BudgetRule;
  as: string;
  key: string;
  window: PeriodWindow;
}

/** The engine, as an admission sees it. */
export interface AdmissionOwner {
  finish(
    rates: readonly { charge: RateCharge; delta: number }[],
    budgets: readonly PlannedBudget[],
    costUsd: number,
    slot: { key: string; leaseId: string } | undefined,
  ): Promise<void>;
}

/**
 * One admitted call. Exactly one of `settle` (the call ran: real tokens and cost) or `release` (it failed
 * before using tokens) should follow; whichever comes first counts and the other is ignored.
 */
export class Admission {
  private done = false;

  constructor(
    private readonly owner: AdmissionOwner | undefined,
    private readonly rates: readonly PlannedRate[],
    private readonly budgets: readonly PlannedBudget[],
    private readonly slot: { key: string; leaseId: string } | undefined,
    /** False when the store was unreachable and the fail mode let the call through unchecked. */
    readonly enforced: boolean,
  ) {}

  /**
   * The call is over: replaces the token reservation with `actualTokens` (input + output tokens as the
   * provider reported them), adds `costUsd` to every budget that applies, and frees the slot.
   * Never throws: a store outage here is reported as an event.
   */
  async settle(actualTokens: number, costUsd = 0): Promise<void> {
    if (this.done || !this.owner) return;
    this.done = true;
    const actual = Math.max(0, Math.round(actualTokens));
    const rates = this.rates
      .filter((r) => r.rule.unit === 'tokens')
      // Not enforced: nothing was reserved, so the whole usage is charged now.
      .map((r) => ({ charge: r.charge, delta: this.enforced ? actual - r.charge.cost : actual }));
    await this.owner.finish(rates, this.budgets, costUsd, this.slot);
  }

  /** The call failed before using tokens: returns the token reservation and the slot (the call still counts). */
  async release(): Promise<void> {
    if (this.done || !this.owner) return;
    this.done = true;
    const rates = this.enforced
      ? this.rates
          .filter((r) => r.rule.unit === 'tokens')
          .map((r) => ({ charge: r.charge, delta: -r.charge.cost }))
      : [];
    await this.owner.finish(rates, [], 0, this.slot);
  }
}

/** The admission of a call no rule applies to. */
export const NOTHING_TO_LIMIT = new Admission(undefined, [], [], undefined, true);
