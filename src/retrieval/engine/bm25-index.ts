// Okapi BM25 over the text of an index's records, updated in place on upsert and delete. Records are named by
// their slot (see vector-store.ts). IDF is the non-negative variant ln(1 + (N - n + 0.5) / (n + 0.5)), so a
// term present in most documents still scores a little instead of going negative.

import { textTerms } from './text-terms.js';

export interface Bm25Parameters {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Parameters = { k1: 1.2, b: 0.75 };

export class Bm25Index {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly lengths = new Map<number, number>();
  private totalLength = 0;
  // The hot loop of a query reads lengths and sums scores by slot: typed arrays indexed by slot (slots are
  // dense), reused from query to query, instead of two Map lookups per posting.
  private slotLengths = new Int32Array(1024);
  private sums = new Float64Array(1024);
  private readonly touched: number[] = [];

  constructor(private readonly parameters: Bm25Parameters = DEFAULT_BM25) {}

  get size(): number {
    return this.lengths.size;
  }

  add(slot: number, text: string): void {
    const terms = textTerms(text);
    const frequencies = new Map<string, number>();
    for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    for (const [term, frequency] of frequencies) {
      let posting = this.postings.get(term);
      if (posting === undefined) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(slot, frequency);
    }
    this.lengths.set(slot, terms.length);
    this.totalLength += terms.length;
    if (slot >= this.slotLengths.length) {
      let capacity = this.slotLengths.length;
      while (capacity <= slot) capacity *= 2;
      const grown = new Int32Array(capacity);
      grown.set(this.slotLengths);
      this.slotLengths = grown;
      this.sums = new Float64Array(capacity);
    }
    this.slotLengths[slot] = terms.length;
  }

  /** `text` is the record's stored text: its terms say which postings hold the slot. */
  remove(slot: number, text: string): void {
    const length = this.lengths.get(slot);
    if (length === undefined) return;
    for (const term of new Set(textTerms(text))) {
      const posting = this.postings.get(term);
      if (posting === undefined) continue;
      posting.delete(slot);
      if (posting.size === 0) this.postings.delete(term);
    }
    this.lengths.delete(slot);
    this.totalLength -= length;
  }

  /**
   * Every slot that matches at least one query term, with its BM25 score, in the order the slots were first
   * matched (each score summed term by term in query order).
   */
  forEachScore(query: string, visit: (slot: number, score: number) => void): void {
    const count = this.lengths.size;
    if (count === 0) return;
    const { k1, b } = this.parameters;
    const averageLength = this.totalLength / count || 1;
    const { sums, slotLengths, touched } = this;
    for (const term of new Set(textTerms(query))) {
      const posting = this.postings.get(term);
      if (posting === undefined) continue;
      const idf = Math.log(1 + (count - posting.size + 0.5) / (posting.size + 0.5));
      for (const [slot, frequency] of posting) {
        const norm = 1 - b + (b * slotLengths[slot]!) / averageLength;
        const part = (idf * frequency * (k1 + 1)) / (frequency + k1 * norm);
        // Every part is positive, so a zero sum means the slot was not matched yet.
        if (sums[slot] === 0) touched.push(slot);
        sums[slot]! += part;
      }
    }
    try {
      for (const slot of touched) visit(slot, sums[slot]!);
    } finally {
      // Left clean for the next query even when a visitor throws.
      for (const slot of touched) sums[slot] = 0;
      touched.length = 0;
    }
  }
}
