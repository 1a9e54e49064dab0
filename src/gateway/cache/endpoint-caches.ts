// The response caches of the endpoints that opt in (`endpoints.<name>.cache` in lakegate.yaml): one
// bounded cache per endpoint, so a busy endpoint cannot evict another's entries. Only Converse is
// cached; a cached answer keeps the model that produced it, for the usage record of a hit.

import { type ConverseResponse, copyData, type EndpointConfig } from '../../core/index.js';
import type { ModelRef } from '../model-ref.js';
import type { ServedBy } from '../router.js';
import { ResponseCache } from './response-cache.js';

/** What a hit answers with: the response as first returned (a private copy), and who produced it. */
export interface CachedAnswer {
  response: ConverseResponse;
  servedBy: ServedBy;
  ref: ModelRef | undefined;
}

export class EndpointCaches {
  private readonly caches = new Map<string, ResponseCache<CachedAnswer>>();

  constructor(endpoints: Record<string, Pick<EndpointConfig, 'cache'>>, now?: () => number) {
    for (const [name, endpoint] of Object.entries(endpoints)) {
      if (!endpoint.cache) continue;
      const options = { ttlMs: endpoint.cache.ttlSeconds * 1000, maxEntries: endpoint.cache.maxEntries };
      this.caches.set(name, new ResponseCache<CachedAnswer>(now ? { ...options, now } : options));
    }
  }

  /** Whether any endpoint caches (the router skips all cache work when none does). */
  get enabled(): boolean {
    return this.caches.size > 0;
  }

  /** The cache of the endpoint a model id names, when it caches; direct `provider/model` calls never do. */
  forModel(modelId: string): ResponseCache<CachedAnswer> | undefined {
    return this.caches.get(modelId);
  }
}

const CACHEABLE_STOPS: ReadonlySet<string> = new Set(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence']);

/**
 * Whether an answer may be cached: a finished answer only. A guardrail's or provider's intervention and
 * malformed output are left out, so a later call is tried (and checked) again rather than answered with
 * an earlier refusal or failure.
 */
export function isCacheable(response: ConverseResponse): boolean {
  return CACHEABLE_STOPS.has(response.stopReason);
}

/** The answer a hit returns: a copy (callers may change what they get), with no upstream usage. */
export function answerOfHit(cached: CachedAnswer): { response: ConverseResponse; servedBy: ServedBy } {
  const response = copyData(cached.response);
  response.usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  response.metrics = { latencyMs: 0 };
  return { response, servedBy: { ...cached.servedBy, attempts: 0 } };
}
