// The cache key of a Converse request: a SHA-256 over the scope (who may share the entry), the model id
// as the caller named it, and the canonical input in a stable serialisation. Stable means object keys
// sorted and `undefined` left out, so two requests that mean the same (whatever the order in which a
// surface happened to build their objects) share one entry. Binary content (images, documents) enters
// as the hash of its bytes, so a large attachment is hashed once, not copied into a string.

import { sha256 } from '../../core/index.js';
import type { ConverseInput } from '../router.js';

/**
 * The stable serialisation of a value (exported for tests and for callers that hash it themselves).
 * String concatenation rather than an array of parts: V8 builds ropes, and this runs on every call of
 * a caching endpoint.
 */
export function stableSerialise(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // Strings, numbers and booleans as JSON spells them; functions and symbols do not occur in input.
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Uint8Array) {
    return `{"$bytes":"${sha256(value, 'hex')}"}`;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + stableSerialise(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${stableSerialise(item)}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The key of a Converse request within a scope (the principal: see response-cache.ts for why). The
 * parts are joined with NUL, which a principal id or a model id cannot contain, so no two different
 * (scope, model) pairs produce the same prefix.
 */
export function converseCacheKey(scope: string, modelId: string, input: ConverseInput): string {
  return sha256(`${scope}\u0000${modelId}\u0000${stableSerialise(input)}`, 'base64url');
}
