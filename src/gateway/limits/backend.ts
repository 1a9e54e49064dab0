// The one interface both limit stores implement (in-process and Redis). The engine turns rules into
// these primitive requests; a backend only knows counters, spend totals and leased slots, and must apply
// each request all-or-nothing: a reserve that is refused by one check changes nothing at all.

/** One rate counter to charge: a leaky bucket of `limit` units per `periodTicks` ticks of `tickMs`. */
export interface RateCharge {
  key: string;
  limit: number;
  periodTicks: number;
  tickMs: number;
  /** Units to take now (1 for calls, the token estimate for tokens). */
  cost: number;
}

/** A blocking budget: refused once the spend at `key` has reached `limitMicros` (micro-USD). */
export interface BudgetGate {
  key: string;
  limitMicros: number;
}

/** A concurrency pool to lease one slot from. */
export interface SlotPool {
  key: string;
  capacity: number;
}

export interface ReserveRequest {
  rates: readonly RateCharge[];
  budgets: readonly BudgetGate[];
  /** Pools tried in order; the first with a free slot gives it. Empty: no slot is needed. */
  pools: readonly SlotPool[];
  leaseId: string;
  leaseMs: number;
}

export type ReserveResult =
  | { ok: true /** The pool the slot came from, when one was needed. */; pool: number | undefined }
  /** `index` is the rate whose wait is longest; `retryAfterMs` is that wait, after which all would admit. */
  | { ok: false; reason: 'rate'; index: number; retryAfterMs: number }
  | { ok: false; reason: 'budget'; index: number }
  | { ok: false; reason: 'slots' };

/** A correction of a rate counter after the call: + charges more, − refunds (never below empty). */
export interface RateCorrection {
  key: string;
  limit: number;
  periodTicks: number;
  tickMs: number;
  delta: number;
}

export interface SpendCharge {
  key: string;
  micros: number;
  /** How long the total must outlive the charge (the rest of the budget period plus a margin). */
  ttlMs: number;
}

export interface SettleRequest {
  rates: readonly RateCorrection[];
  spends: readonly SpendCharge[];
  slot: { key: string; leaseId: string } | undefined;
}

export interface SettleResult {
  /** Each spend total after this charge, in micro-USD, in the order of `spends`. */
  spentMicros: number[];
}

export interface LimitBackend {
  readonly kind: 'memory' | 'redis';
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  settle(request: SettleRequest): Promise<SettleResult>;
  /** Extends held leases; a lease that already expired is not revived (its slot may be in use again). */
  renewLeases(leases: readonly { key: string; leaseId: string }[], leaseMs: number): Promise<void>;
  /** Spend totals in micro-USD, 0 for none. */
  spent(keys: readonly string[]): Promise<number[]>;
  close(): Promise<void>;
}

/** Headroom for debt: a bucket holds at most this many periods' worth (see leaky-bucket.ts). */
export const MAX_DEBT_PERIODS = 2;
