// Decisions remembered for one catalog generation. Any change that can alter a decision bumps the
// generation, and the first call that sees the new one drops everything, so a revoke holds on the very
// next request. Bounded as an LRU: a Map keeps insertion order, and a hit moves its key to the end.

import { OldestFirst } from '../../core/index.js';
import type { Decision } from '../model.js';

export class DecisionCache {
  private generation = Number.NaN;
  private readonly entries = new Map<string, Decision>();
  private readonly oldest = new OldestFirst(this.entries);
  /** The key inserted or moved to the end last, i.e. the most recently used one. */
  private lastKey: string | undefined;

  constructor(private readonly maxEntries: number) {}

  /** Aligns the cache with the generation just read; a different one empties it. */
  sync(generation: number): void {
    if (generation === this.generation) return;
    this.entries.clear();
    this.lastKey = undefined;
    this.generation = generation;
  }

  get(key: string): Decision | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    // Already the most recent entry (a caller repeating the same call): moving it would change nothing,
    // and a delete plus an insert on every request is the dearest part of a hit.
    if (key !== this.lastKey) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.lastKey = key;
    }
    return hit;
  }

  /**
   * Stores a decision computed from data read at `generation`. If another call has since moved the
   * cache to a newer generation, the decision may be stale and is not kept.
   */
  set(generation: number, key: string, decision: Decision): void {
    if (this.maxEntries <= 0 || generation !== this.generation) return;
    const had = this.entries.has(key);
    if (this.entries.size >= this.maxEntries && !had) {
      this.oldest.evict();
    }
    this.entries.set(key, decision);
    // A new key goes to the end; an existing one keeps its place (Map.set does not move it).
    if (!had) this.lastKey = key;
  }

  get size(): number {
    return this.entries.size;
  }
}
