import { describe, expect, it } from 'vitest';
import { countTokens, type HiddenStates, poolEmbeddings } from './pool-embeddings.js';

// Two rows of three positions, dim 2; the second row's last position is padding.
const states: HiddenStates = {
  data: Float32Array.of(1, 0, 3, 4, 5, 8, 2, 2, 4, 0, 100, 100),
  batch: 2,
  sequence: 3,
  dim: 2,
  mask: BigInt64Array.of(1n, 1n, 1n, 1n, 1n, 0n),
};

describe('poolEmbeddings', () => {
  it('averages only the real tokens of each row', () => {
    const [first, second] = poolEmbeddings(states, 'mean', false);
    expect(Array.from(first ?? [])).toEqual([3, 4]);
    // The padded (100, 100) position would dominate the mean if it were counted.
    expect(Array.from(second ?? [])).toEqual([3, 1]);
  });

  it('takes the first token for cls pooling', () => {
    const vectors = poolEmbeddings(states, 'cls', false).map((v) => Array.from(v));
    expect(vectors).toEqual([
      [1, 0],
      [2, 2],
    ]);
  });

  it('normalises to unit length, leaving an all-zero vector at zero rather than NaN', () => {
    const [first] = poolEmbeddings(states, 'mean', true);
    expect(Array.from(first ?? [])).toEqual([0.6, 0.8].map((x) => expect.closeTo(x, 6)));
    const zero: HiddenStates = { data: new Float32Array(4), batch: 1, sequence: 2, dim: 2, mask: [1, 1] };
    expect(Array.from(poolEmbeddings(zero, 'mean', true)[0] ?? [])).toEqual([0, 0]);
  });

  it('counts unpadded tokens', () => {
    expect(countTokens(states.mask)).toBe(5);
    expect(countTokens([0, 0])).toBe(0);
  });
});
