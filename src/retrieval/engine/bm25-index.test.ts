// BM25 scores summed in typed arrays must be exactly the textbook sums, in first-matched order, and a
// visitor that throws must not leave partial sums behind for the next query.

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/index.js';
import { Bm25Index, DEFAULT_BM25 } from './bm25-index.js';
import { textTerms } from './text-terms.js';

const WORDS = [
  'flood',
  'roof',
  'hail',
  'fire',
  'kitchen',
  'theft',
  'bicycle',
  'storm',
  'pipe',
  'burst',
  'oak',
];

/** The definition, with Maps: what the index must compute. */
function reference(docs: Map<number, string>, query: string): Array<[number, number]> {
  const { k1, b } = DEFAULT_BM25;
  const terms = new Map([...docs].map(([slot, text]) => [slot, textTerms(text)]));
  const average = [...terms.values()].reduce((sum, t) => sum + t.length, 0) / docs.size || 1;
  const scores = new Map<number, number>();
  for (const term of new Set(textTerms(query))) {
    const holders = [...terms].filter(([, t]) => t.includes(term));
    const idf = Math.log(1 + (docs.size - holders.length + 0.5) / (holders.length + 0.5));
    for (const [slot, t] of holders) {
      const frequency = t.filter((x) => x === term).length;
      const norm = 1 - b + (b * t.length) / average;
      scores.set(slot, (scores.get(slot) ?? 0) + (idf * frequency * (k1 + 1)) / (frequency + k1 * norm));
    }
  }
  return [...scores];
}

describe('Bm25Index', () => {
  it('scores exactly as the definition, through adds, removals and slots past its first capacity', () => {
    const next = seededRandom(4);
    const index = new Bm25Index();
    const docs = new Map<number, string>();
    const text = () =>
      Array.from({ length: 3 + Math.floor(next() * 8) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(
        ' ',
      );
    for (let slot = 0; slot < 3000; slot++) {
      const t = text();
      index.add(slot, t);
      docs.set(slot, t);
    }
    for (let slot = 0; slot < 3000; slot += 7) {
      index.remove(slot, docs.get(slot)!);
      docs.delete(slot);
    }
    for (const query of ['flood roof', 'oak oak pipe', 'burst', 'nothing here']) {
      const got: Array<[number, number]> = [];
      index.forEachScore(query, (slot, score) => got.push([slot, score]));
      // The same slots, in the same order, with the same sums to the last bit.
      expect(got).toEqual(reference(docs, query));
    }
  });

  it('leaves nothing behind when a visitor throws', () => {
    const index = new Bm25Index();
    index.add(0, 'flood in the cellar');
    index.add(1, 'flood on the roof');
    expect(() =>
      index.forEachScore('flood', () => {
        throw new Error('visitor failed');
      }),
    ).toThrow('visitor failed');
    const first: number[] = [];
    index.forEachScore('flood', (_, score) => first.push(score));
    const again: number[] = [];
    index.forEachScore('flood', (_, score) => again.push(score));
    expect(first).toEqual(again);
    expect(first).toHaveLength(2);
  });
});
