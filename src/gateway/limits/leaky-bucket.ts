// The rate algorithm, in integers. Why a leaky bucket (the integer form of GCRA) and not windows:
// - fixed windows let 2× the limit through around a boundary, and sliding-window counters (two weighted
//   windows) are an estimate; both break "exact";
// - a sliding log is exact but stores one entry per call (per token-charge), and summing tokens over it
//   costs O(calls in the window) on every admission;
// - the bucket is one small state per counter (level, last tick), O(1) to check and charge, its
//   retry-after is exact arithmetic (how long until enough has drained), and a token reservation is
//   corrected after the call by adding or removing the difference, which windows cannot do cleanly.
// Semantics: `limit` units per period, refilling continuously (limit/period per tick), so a full
// bucket admits a burst of `limit` and then `limit` per period — the behaviour of "N per minute".
//
// Units are integers so that Lua (doubles) and JS agree exactly: the level is kept in unit·ticks (one
// unit costs `periodTicks`, the bucket holds `limit × periodTicks` and drains `limit` per tick). The
// limits are validated so that (MAX_DEBT_PERIODS + 1) × limit × periodTicks stays below 2^53.
// redis-scripts.ts is the same arithmetic in Lua; the two are tested by one suite.

import { MAX_DEBT_PERIODS } from './backend.js';

export interface BucketState {
  level: number;
  tick: number;
}

export interface BucketShape {
  limit: number;
  periodTicks: number;
}

/** The level at `tick` after draining since the state was written. */
export function drained(state: BucketState | undefined, shape: BucketShape, tick: number): number {
  if (!state) return 0;
  const elapsed = Math.max(0, tick - state.tick);
  return Math.max(0, state.level - elapsed * shape.limit);
}

/** The level after taking `cost`, and the ticks to wait when it does not fit (0 when it does). */
export function charge(
  level: number,
  shape: BucketShape,
  cost: number,
): { level: number; waitTicks: number } {
  const next = level + cost * shape.periodTicks;
  const capacity = shape.limit * shape.periodTicks;
  if (next <= capacity) return { level: next, waitTicks: 0 };
  return { level, waitTicks: Math.ceil((next - capacity) / shape.limit) };
}

/** The level after a correction; never below empty, and debt capped at MAX_DEBT_PERIODS periods. */
export function correct(level: number, shape: BucketShape, delta: number): number {
  const cap = MAX_DEBT_PERIODS * shape.limit * shape.periodTicks;
  return Math.min(cap, Math.max(0, level + delta * shape.periodTicks));
}

/** Ticks until the level has drained to empty: how long the state must be kept. */
export function ticksToEmpty(level: number, shape: BucketShape): number {
  return Math.ceil(level / shape.limit);
}

/** Whether `limit` per `periodTicks` fits the integer arithmetic above. */
export function fitsIntegerMath(shape: BucketShape): boolean {
  // The largest value ever formed: a full debt plus one more charge of at most `limit`.
  return (MAX_DEBT_PERIODS + 1) * shape.limit * shape.periodTicks <= Number.MAX_SAFE_INTEGER;
}
