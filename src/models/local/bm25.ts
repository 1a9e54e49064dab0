// Okapi BM25 over small in-memory collections (the sentences of one request). The IDF is the
// non-negative variant ln(1 + (N - n + 0.5) / (n + 0.5)), so a term that occurs in every sentence still
// counts a little instead of pushing a score below zero.

export interface Bm25Options {
  /** Term-frequency saturation. */
  k1?: number;
  /** Length normalisation: 0 ignores length, 1 normalises fully. */
  b?: number;
}

export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly termFrequencies: Array<Map<string, number>>;
  private readonly lengths: number[];
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;

  /** @param documents each document's terms, already tokenized and stemmed */
  constructor(documents: ReadonlyArray<readonly string[]>, options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.termFrequencies = documents.map((terms) => {
      const tf = new Map<string, number>();
      for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
      for (const term of tf.keys())
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      return tf;
    });
    this.lengths = documents.map((terms) => terms.length);
    const total = this.lengths.reduce((sum, length) => sum + length, 0);
    this.averageLength = documents.length === 0 ? 0 : total / documents.length;
  }

  get size(): number {
    return this.lengths.length;
  }

  idf(term: string): number {
    const n = this.documentFrequency.get(term) ?? 0;
    const count = this.lengths.length;
    return Math.log(1 + (count - n + 0.5) / (n + 0.5));
  }

  /** Each document's score for the query; repeated query terms count once. */
  scores(queryTerms: readonly string[]): number[] {
    const terms = [...new Set(queryTerms)].filter((term) => this.documentFrequency.has(term));
    const idf = terms.map((term) => this.idf(term));
    return this.termFrequencies.map((tf, doc) => {
      const length = this.lengths[doc] ?? 0;
      const norm = this.averageLength === 0 ? 1 : 1 - this.b + (this.b * length) / this.averageLength;
      let score = 0;
      terms.forEach((term, i) => {
        const f = tf.get(term) ?? 0;
        if (f > 0) score += ((idf[i] ?? 0) * f * (this.k1 + 1)) / (f + this.k1 * norm);
      });
      return score;
    });
  }
}
