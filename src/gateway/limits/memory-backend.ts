// The in-process limit store: one process, exact, and atomic because every operation runs to completion
// on the event loop without awaiting. Expired state is swept as it is met and in bounded passes, so a
// long-running process does not keep a counter for every principal it ever saw.

import type {
  LimitBackend,
  RateCharge,
  ReserveRequest,
  ReserveResult,
  SettleRequest,
  SettleResult,
} from './backend.js';
import { type BucketState, charge, correct, drained, ticksToEmpty } from './leaky-bucket.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** Operations between two sweeps of expired state. */
const SWEEP_EVERY = 4096;

export class MemoryLimitBackend implements LimitBackend {
  readonly kind = 'memory';
  private readonly buckets = new Map<string, Expiring<BucketState>>();
  private readonly spends = new Map<string, Expiring<number>>();
  /** Pool key → lease id → expiry. */
  private readonly pools = new Map<string, Map<string, number>>();
  private operations = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const now = this.clock();
    this.maybeSweep(now);
    for (const [index, gate] of request.budgets.entries()) {
      if (this.spentAt(gate.key, now) >= gate.limitMicros) return { ok: false, reason: 'budget', index };
    }
    const levels: number[] = [];
    let worst: { index: number; retryAfterMs: number } | undefined;
    for (const [index, rate] of request.rates.entries()) {
      const tick = Math.floor(now / rate.tickMs);
      const result = charge(drained(this.bucketAt(rate.key, now), rate, tick), rate, rate.cost);
      levels.push(result.level);
      const waitMs = result.waitTicks * rate.tickMs;
      if (result.waitTicks > 0 && (!worst || waitMs > worst.retryAfterMs))
        worst = { index, retryAfterMs: waitMs };
    }
    if (worst) return { ok: false, reason: 'rate', ...worst };
    let pool: number | undefined;
    if (request.pools.length > 0) {
      pool = request.pools.findIndex((p) => this.leasesAt(p.key, now).size < p.capacity);
      if (pool < 0) return { ok: false, reason: 'slots' };
    }
    // Every check passed: only now is anything written.
    for (const [index, rate] of request.rates.entries()) this.writeBucket(rate, levels[index] ?? 0, now);
    if (pool !== undefined) {
      const key = request.pools[pool]?.key ?? '';
      const leases = this.leasesAt(key, now);
      leases.set(request.leaseId, now + request.leaseMs);
      this.pools.set(key, leases);
    }
    return { ok: true, pool };
  }

  async settle(request: SettleRequest): Promise<SettleResult> {
    const now = this.clock();
    for (const rate of request.rates) {
      const tick = Math.floor(now / rate.tickMs);
      this.writeBucket(
        rate,
        correct(drained(this.bucketAt(rate.key, now), rate, tick), rate, rate.delta),
        now,
      );
    }
    const spentMicros = request.spends.map((spend) => {
      const total = this.spentAt(spend.key, now) + spend.micros;
      this.spends.set(spend.key, { value: total, expiresAt: now + spend.ttlMs });
      return total;
    });
    if (request.slot) this.pools.get(request.slot.key)?.delete(request.slot.leaseId);
    return { spentMicros };
  }

  async renewLeases(leases: readonly { key: string; leaseId: string }[], leaseMs: number): Promise<void> {
    const now = this.clock();
    for (const { key, leaseId } of leases) {
      const pool = this.leasesAt(key, now);
      if (pool.has(leaseId)) pool.set(leaseId, now + leaseMs);
    }
  }

  async spent(keys: readonly string[]): Promise<number[]> {
    const now = this.clock();
    return keys.map((key) => this.spentAt(key, now));
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.spends.clear();
    this.pools.clear();
  }

  private bucketAt(key: string, now: number): BucketState | undefined {
    const entry = this.buckets.get(key);
    if (entry && entry.expiresAt <= now) {
      this.buckets.delete(key);
      return undefined;
    }
    return entry?.value;
  }

  private writeBucket(rate: Omit<RateCharge, 'cost'>, level: number, now: number): void {
    if (level <= 0) {
      this.buckets.delete(rate.key);
      return;
    }
    const tick = Math.floor(now / rate.tickMs);
    // Kept until it has drained; past that, no state and an empty bucket mean the same.
    const expiresAt = (tick + ticksToEmpty(level, rate) + 1) * rate.tickMs;
    this.buckets.set(rate.key, { value: { level, tick }, expiresAt });
  }

  private spentAt(key: string, now: number): number {
    const entry = this.spends.get(key);
    if (entry && entry.expiresAt <= now) {
      this.spends.delete(key);
      return 0;
    }
    return entry?.value ?? 0;
  }

  /** The live leases of a pool, the expired ones (their replica died, or here: never renewed) dropped. */
  private leasesAt(key: string, now: number): Map<string, number> {
    const leases = this.pools.get(key) ?? new Map<string, number>();
    for (const [id, expiresAt] of leases) if (expiresAt <= now) leases.delete(id);
    return leases;
  }

  private maybeSweep(now: number): void {
    if (++this.operations % SWEEP_EVERY !== 0) return;
    for (const [key, entry] of this.buckets) if (entry.expiresAt <= now) this.buckets.delete(key);
    for (const [key, entry] of this.spends) if (entry.expiresAt <= now) this.spends.delete(key);
    for (const key of [...this.pools.keys()]) if (this.leasesAt(key, now).size === 0) this.pools.delete(key);
  }
}
