export type { CachedAnswer } from './endpoint-caches.js';
export { answerOfHit, cachedAnswerOf, EndpointCaches, isCacheable } from './endpoint-caches.js';
export { converseCacheKey, stableSerialise } from './request-key.js';
export type { ResponseCacheOptions } from './response-cache.js';
export { ResponseCache } from './response-cache.js';
