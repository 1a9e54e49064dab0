// Budgets renew on calendar boundaries in UTC (a day, a month), as invoices and provider quotas do; a
// budget's spend lives in a counter named after its period, so a new period starts from zero by itself.

import type { BudgetPeriod } from './limits-policy.js';

export interface PeriodWindow {
  /** Part of the counter's name: 2026-11-26 or 2026-11. */
  stamp: string;
  startsAt: Date;
  endsAt: Date;
}

export function budgetWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (period === 'month') {
    return {
      stamp: `${year}-${String(month + 1).padStart(2, '0')}`,
      startsAt: new Date(Date.UTC(year, month, 1)),
      endsAt: new Date(Date.UTC(year, month + 1, 1)),
    };
  }
  const day = date.getUTCDate();
  return {
    stamp: `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    startsAt: new Date(Date.UTC(year, month, day)),
    endsAt: new Date(Date.UTC(year, month, day + 1)),
  };
}
