// The lexical reranker orders by coverage of the query's words, prefers them close together, and says
// nothing (zero) when the query has no content words; through the provider it returns Cohere-style results.

import { describe, expect, it } from 'vitest';
import { lexicalRelevance } from './lexical-reranker.js';
import { createLocalProvider } from './local-provider.js';

describe('lexicalRelevance', () => {
  it('ranks full coverage above partial, and adjacent words above scattered ones', () => {
    const [all, some, none, scattered] = lexicalRelevance('storm drain overflow', [
      'The storm drain overflowed into the basement.',
      'A storm broke the fence.',
      'Kitchen fire with smoke damage.',
      'The drain was blocked; weeks later a storm came and the river began to overflow.',
    ]);
    expect(all!).toBeGreaterThan(scattered!);
    expect(scattered!).toBeGreaterThan(some!);
    expect(some!).toBeGreaterThan(none!);
    expect(none).toBe(0);
    for (const score of [all, some, scattered]) expect(score!).toBeLessThan(1);
  });

  it('gives zero to everything when the query has no content word', () => {
    expect(lexicalRelevance('the of and', ['the cat', 'a dog'])).toEqual([0, 0]);
  });
});

describe('local/rerank', () => {
  it('returns the documents best first with their index, cut to topN, and counts input tokens', async () => {
    const provider = createLocalProvider();
    const response = await provider.rerank!({
      modelId: 'rerank',
      query: 'flooded basement',
      documents: ['kitchen fire', 'the basement flooded twice', 'a flooded road'],
      topN: 2,
    });
    expect(response.results.map((r) => r.index)).toEqual([1, 2]);
    expect(response.results[0]!.relevanceScore).toBeGreaterThan(response.results[1]!.relevanceScore);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    await expect(provider.rerank!({ modelId: 'embed', query: 'x', documents: ['y'] })).rejects.toMatchObject({
      code: 'UNSUPPORTED_OPERATION',
    });
  });
});
