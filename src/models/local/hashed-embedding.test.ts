import { describe, expect, it } from 'vitest';
import { DEFAULT_EMBED_DIMENSIONS, hashedEmbedding } from './hashed-embedding.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

describe('hashedEmbedding', () => {
  it('returns a Float32Array of the requested dimension, default 384, with norm 1', () => {
    const v = hashedEmbedding('Water damage in the kitchen');
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(DEFAULT_EMBED_DIMENSIONS);
    expect(norm(v)).toBeCloseTo(1, 5);
    for (const dimensions of [64, 100, 1024, 4096]) {
      const w = hashedEmbedding('Water damage in the kitchen', dimensions);
      expect(w.length).toBe(dimensions);
      expect(norm(w)).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic across calls', () => {
    const a = hashedEmbedding('Kitchen flooded by a burst pipe', 256);
    const b = hashedEmbedding('Kitchen flooded by a burst pipe', 256);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('produces exactly these values on every platform (a change here changes every stored vector)', () => {
    const v = hashedEmbedding('Burst pipe', 64);
    const sparse = Array.from(v).flatMap((x, i) => (x === 0 ? [] : [[i, Number(x.toFixed(5))]]));
    expect(sparse).toEqual([
      [7, 0.12575],
      [8, -0.12575],
      [11, -0.4024],
      [13, -0.2515],
      [18, -0.12575],
      [19, -0.503],
      [25, 0.503],
      [26, -0.12575],
      [30, -0.12575],
      [35, 0.12575],
      [38, 0.12575],
      [39, -0.12575],
      [42, 0.12575],
      [46, -0.12575],
      [49, -0.12575],
      [53, 0.12575],
      [54, 0.12575],
      [55, 0.12575],
      [56, 0.12575],
      [58, -0.12575],
      [63, 0.12575],
    ]);
  });

  it('places related claims text closer than unrelated text', () => {
    const kitchen = hashedEmbedding('water damage in the kitchen');
    const flooded = hashedEmbedding('kitchen flooded by a burst pipe');
    const premium = hashedEmbedding('premium payment overdue');
    const burst = hashedEmbedding('the claimant reported a burst pipe flooding the kitchen');
    const late = hashedEmbedding('the insurance premium was paid late');
    expect(cosine(kitchen, flooded)).toBeGreaterThan(cosine(kitchen, premium) + 0.1);
    expect(cosine(flooded, burst)).toBeGreaterThan(cosine(flooded, late) + 0.3);
    expect(cosine(premium, late)).toBeGreaterThan(cosine(premium, kitchen) + 0.1);
    expect(Math.abs(cosine(kitchen, premium))).toBeLessThan(0.1);
  });

  it('matches inflections through stems and character n-grams', () => {
    const a = hashedEmbedding('flooded basements');
    const b = hashedEmbedding('basement flooding');
    const c = hashedEmbedding('vehicle theft');
    expect(cosine(a, b)).toBeGreaterThan(0.5);
    expect(cosine(a, c)).toBeLessThan(0.2);
  });

  it('is case-insensitive and ignores punctuation', () => {
    expect(Array.from(hashedEmbedding('Burst PIPE!'))).toEqual(Array.from(hashedEmbedding('burst pipe')));
  });

  it('embeds stop-word-only text from its words and text without words as the zero vector', () => {
    expect(norm(hashedEmbedding('to be or not to be'))).toBeCloseTo(1, 5);
    const empty = hashedEmbedding('  ?! ', 64);
    expect(Array.from(empty).every((x) => x === 0)).toBe(true);
  });
});
