// Decisions remembered for one catalog generation. Any change that can alter a decision bumps the
// generation, and the first call that sees the new one drops everything, so a revoke holds on the very
// next request. Bounded as an LRU: a Map keeps insertion order, and a hit moves its key to the end.

import type { Decision } from '../model.js';

export class DecisionCache {
  private generation = Number.NaN;
  private readonly entries = new Map<string, Decision>();

  constructor(private readonly maxEntries: number) {}

  /** Aligns the cache with the generation just read; a different one empties it. */
  sync(generation: number): void {
    if (generation === this.generation) return;
    this.entries.clear();
    this.generation = generation;
  }

  get(key: string): Decision | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /**
   * Stores a decision computed from data read at `generation`. If another call has since moved the
   * cache to a newer generation, the decision may be stale and is not kept.
   */
  set(generation: number, key: string, decision: Decision): void {
    if (this.maxEntries <= 0 || generation !== this.generation) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, decision);
  }

  get size(): number {
    return this.entries.size;
  }
}
