import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25.js';
import { contentTerms } from './tokenize.js';

const corpus = [
  'Water damage from a burst pipe is covered.',
  'Premiums are due on the first of each month.',
  'The deductible for water damage claims is 500 dollars.',
  'Flood damage from rising rivers needs a separate rider.',
  'Claims are paid within thirty days of approval.',
].map(contentTerms);

describe('Bm25Index', () => {
  const index = new Bm25Index(corpus);

  it('ranks the sentence sharing the most (and rarest) terms first', () => {
    const scores = index.scores(contentTerms('What is the deductible for water damage?'));
    const best = scores.indexOf(Math.max(...scores));
    expect(best).toBe(2);
    expect(scores[0]).toBeGreaterThan(scores[3]!);
    expect(scores[1]).toBe(0);
  });

  it('scores zero everywhere when no query term occurs', () => {
    expect(index.scores(contentTerms('volcanic eruption insurance'))).toEqual([0, 0, 0, 0, 0]);
    expect(index.scores([])).toEqual([0, 0, 0, 0, 0]);
  });

  it('weights rare terms above common ones', () => {
    expect(index.idf('deductibl')).toBeGreaterThan(index.idf('damag'));
    expect(index.idf('damag')).toBeGreaterThan(0);
    expect(index.idf('absent')).toBeGreaterThan(index.idf('deductibl'));
  });

  it('counts a repeated query term once', () => {
    expect(index.scores(['water', 'water', 'water'])).toEqual(index.scores(['water']));
  });

  it('prefers the shorter of two sentences with the same match', () => {
    const short = ['pipe', 'burst'];
    const long = ['pipe', 'burst', 'kitchen', 'floor', 'ceil', 'wall', 'cabinet', 'applianc'];
    const scores = new Bm25Index([short, long, ['other']]).scores(['pipe']);
    expect(scores[0]).toBeGreaterThan(scores[1]!);
  });

  it('saturates term frequency', () => {
    const scores = new Bm25Index([['pipe'], ['pipe', 'pipe', 'pipe', 'pipe'], ['x']], { b: 0 }).scores([
      'pipe',
    ]);
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scores[1]! / scores[0]!).toBeLessThan(2.2);
  });

  it('handles an empty collection', () => {
    const empty = new Bm25Index([]);
    expect(empty.size).toBe(0);
    expect(empty.scores(['water'])).toEqual([]);
  });
});
