// An in-process response cache: exact match on a request key, each entry kept for a TTL, and at most
// `maxEntries` entries (least recently used goes first). A Map keeps insertion order, so moving an entry
// to the end on every hit makes its first key the least recently used one — no list to maintain.
//
// Scope: keys are made per principal (request-key.ts, the governed router passes the principal id).
// Two principals never share an entry, even for the same request, because (1) whether an answer is
// cached, and how fast it comes back, tells the second caller that someone sent exactly that prompt —
// a prompt can carry the first caller's confidential data, so a shared entry is a side channel across
// principals who may not see each other's data; (2) an answer may depend on who asked (an endpoint's
// guardrail audits per call, future agents and retrieval add what the caller may read). The principal
// is the narrowest scope that still lets one caller's repeated requests hit; API keys of one principal
// see the same data, so they share entries.

import { OldestFirst } from '../../core/index.js';

export interface ResponseCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class ResponseCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly leastRecentlyUsed = new OldestFirst(this.entries);
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ResponseCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live entry under `key`, marked most recently used; an expired entry is dropped. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` for the TTL, evicting the least recently used entries beyond the bound. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.leastRecentlyUsed.evict();
  }

  clear(): void {
    this.entries.clear();
  }
}
