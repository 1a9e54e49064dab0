// A cache that is only valid for one catalog generation: everything in it is dropped as soon as the
// generation moves, so a change (a revoked key, a removed member) is seen by the very next lookup.

import { OldestFirst } from '../../core/index.js';

export class GenerationCache<K, V> {
  private generation = Number.NaN;
  private readonly entries = new Map<K, V>();
  private readonly oldest = new OldestFirst(this.entries);

  /** At most `maxEntries` are kept; past that the oldest go first, so a flood of lookups cannot grow memory. */
  constructor(private readonly maxEntries = 10_000) {}

  /** Call with the generation just read, before `get`; drops everything if it moved. */
  sync(generation: number): void {
    if (generation === this.generation) return;
    this.entries.clear();
    this.generation = generation;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /**
   * Stores a value read at `generation`. If another lookup has meanwhile seen a newer generation, the value
   * may already be stale and is not kept.
   */
  set(generation: number, key: K, value: V): void {
    if (generation !== this.generation) return;
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      this.oldest.evict();
    }
    this.entries.set(key, value);
  }
}
