import { describe, expect, it } from 'vitest';
import type { ConverseResponse } from '../../core/index.js';
import type { ConverseInput } from '../router.js';
import { answerOfHit, cachedAnswerOf, EndpointCaches, isCacheable } from './endpoint-caches.js';
import { converseCacheKey, stableSerialise } from './request-key.js';
import { ResponseCache } from './response-cache.js';

const input = (text: string, extra: Partial<ConverseInput> = {}): ConverseInput => ({
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  ...extra,
});

describe('converseCacheKey', () => {
  it('is the same for the same request whatever the order of its fields', () => {
    const a: ConverseInput = { inferenceConfig: { maxTokens: 10, temperature: 0 }, ...input('hi') };
    const b: ConverseInput = { ...input('hi'), inferenceConfig: { temperature: 0, maxTokens: 10 } };
    expect(converseCacheKey('p1', 'ep', a)).toBe(converseCacheKey('p1', 'ep', b));
    // undefined fields are absent, as in JSON
    expect(converseCacheKey('p1', 'ep', { ...a, system: undefined })).toBe(converseCacheKey('p1', 'ep', a));
  });

  it('differs by principal, by model id, by text, by settings and by attached bytes', () => {
    const base = converseCacheKey('p1', 'ep', input('hi'));
    expect(converseCacheKey('p2', 'ep', input('hi'))).not.toBe(base);
    expect(converseCacheKey('p1', 'ep2', input('hi'))).not.toBe(base);
    expect(converseCacheKey('p1', 'ep', input('hi '))).not.toBe(base);
    expect(converseCacheKey('p1', 'ep', input('hi', { inferenceConfig: { temperature: 1 } }))).not.toBe(base);
    // A scope and model that concatenate alike still differ.
    expect(converseCacheKey('p1e', 'p', input('hi'))).not.toBe(converseCacheKey('p1', 'ep', input('hi')));
    const image = (bytes: number[]): ConverseInput => ({
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', format: 'png', bytes: new Uint8Array(bytes) }],
        },
      ],
    });
    expect(converseCacheKey('p1', 'ep', image([1, 2, 3]))).toBe(
      converseCacheKey('p1', 'ep', image([1, 2, 3])),
    );
    expect(converseCacheKey('p1', 'ep', image([1, 2, 3]))).not.toBe(
      converseCacheKey('p1', 'ep', image([1, 2, 4])),
    );
  });

  it('serialises keys sorted, strings escaped and arrays in order', () => {
    expect(stableSerialise({ b: [2, 1], a: 'x"y', c: undefined, d: null })).toBe(
      '{"a":"x\\"y","b":[2,1],"d":null}',
    );
  });
});

describe('ResponseCache', () => {
  it('expires entries after the TTL', () => {
    let now = 1000;
    const cache = new ResponseCache<string>({ ttlMs: 500, maxEntries: 10, now: () => now });
    cache.set('k', 'v');
    now += 499;
    expect(cache.get('k')).toBe('v');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new ResponseCache<number>({ ttlMs: 60_000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});

describe('EndpointCaches', () => {
  const response: ConverseResponse = {
    output: { message: { role: 'assistant', content: [{ type: 'text', text: 'answer' }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 5, outputTokens: 7, totalTokens: 12 },
    metrics: { latencyMs: 40 },
  };

  it('caches only the endpoints that opt in, and never direct provider/model ids', () => {
    const caches = new EndpointCaches({ cached: { cache: { ttlSeconds: 60, maxEntries: 5 } }, plain: {} });
    expect(caches.enabled).toBe(true);
    expect(caches.forModel('cached')).toBeInstanceOf(ResponseCache);
    expect(caches.forModel('plain')).toBeUndefined();
    expect(caches.forModel('openai/gpt-4o')).toBeUndefined();
    expect(new EndpointCaches({ plain: {} }).enabled).toBe(false);
  });

  it('answers a hit with a private copy and no upstream usage', () => {
    const cached = cachedAnswerOf(response, { endpoint: 'cached', model: 'p/m', attempts: 2 }, undefined);
    const hit = answerOfHit(cached);
    expect(hit.response.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(hit.servedBy).toEqual({ endpoint: 'cached', model: 'p/m', attempts: 0 });
    const first = hit.response.output.message.content[0];
    if (first?.type === 'text') first.text = 'changed';
    expect(answerOfHit(cached).response.output.message.content[0]).toEqual({ type: 'text', text: 'answer' });
    expect(response.usage.inputTokens).toBe(5);
  });

  it('keeps its own copy: changing the response after it was cached changes no later hit', () => {
    const original: ConverseResponse = structuredClone(response);
    const cached = cachedAnswerOf(original, { endpoint: 'cached', model: 'p/m', attempts: 1 }, undefined);
    original.output.message.content.push({ type: 'text', text: 'added by a surface' });
    original.stopReason = 'max_tokens';
    const hit = answerOfHit(cached).response;
    expect(hit.output).toEqual(response.output);
    expect(hit.stopReason).toBe('end_turn');
  });

  it('keeps plain answers as JSON text, and answers with bytes as a tree that still holds the bytes', () => {
    const servedBy = { endpoint: 'cached', model: 'p/m', attempts: 1 };
    expect(cachedAnswerOf(response, servedBy, undefined).response).toEqual({
      json: JSON.stringify(response),
    });
    // An absent optional field is no reason to keep a tree.
    const withUndefined: ConverseResponse = { ...response, metrics: undefined as never };
    expect('json' in cachedAnswerOf(withUndefined, servedBy, undefined).response).toBe(true);

    const bytes = new Uint8Array([137, 80, 78, 71]);
    const withImage: ConverseResponse = structuredClone(response);
    withImage.output.message.content.push({ type: 'image', format: 'png', bytes });
    const cached = cachedAnswerOf(withImage, servedBy, undefined);
    expect('tree' in cached.response).toBe(true);
    bytes[0] = 0;
    const image = answerOfHit(cached).response.output.message.content[1];
    expect(image?.type === 'image' && image.bytes).toEqual(new Uint8Array([137, 80, 78, 71]));
    // A number JSON cannot carry keeps the tree too.
    const odd = { ...response, metrics: { latencyMs: Number.NaN } };
    expect('tree' in cachedAnswerOf(odd, servedBy, undefined).response).toBe(true);
  });

  it('caches finished answers only', () => {
    expect(isCacheable(response)).toBe(true);
    expect(isCacheable({ ...response, stopReason: 'guardrail_intervened' })).toBe(false);
    expect(isCacheable({ ...response, stopReason: 'malformed_model_output' })).toBe(false);
  });
});
