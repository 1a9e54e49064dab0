// Weighted reciprocal rank fusion: score(d) = Σ over rankings of weight / (rrfK + rank(d)), ranks from 1
// (Cormack, Clarke & Büttcher 2009, with a weight per ranking). Ranks, not scores, are fused because cosine
// similarities and BM25 scores live on unrelated scales. bench/retrieval/quality-fusion-whatif.mjs compared
// the alternatives on both bench corpora with one setting each: score fusions (min-max "relative score
// fusion", mean ± 3σ "distribution-based score fusion") and a per-query confidence weighting all fell below
// full text alone. Gating the vector side to hits ≥ 2σ above its candidates' mean gained one or two questions
// per corpus at some settings but lost at neighbouring ones, and the gate shifts with how many candidates a
// corpus yields: too little evidence for a third knob.

export interface WeightedRanking<T> {
  /** Best first. */
  items: readonly T[];
  /** ≥ 0. A ranking of weight 0 is left out altogether: it contributes neither score nor candidates. */
  weight: number;
}

export function weightedReciprocalRankFusion<T>(
  rankings: ReadonlyArray<WeightedRanking<T>>,
  rrfK: number,
): Array<{ item: T; score: number }> {
  const scores = new Map<T, number>();
  // Ties keep the order in which items were first seen, so equal scores rank deterministically.
  const firstSeen = new Map<T, number>();
  let order = 0;
  for (const { items, weight } of rankings) {
    if (weight === 0) continue;
    items.forEach((item, index) => {
      scores.set(item, (scores.get(item) ?? 0) + weight / (rrfK + index + 1));
      if (!firstSeen.has(item)) firstSeen.set(item, order++);
    });
  }
  return [...scores]
    .map(([item, score]) => ({ item, score }))
    .sort((a, b) => b.score - a.score || firstSeen.get(a.item)! - firstSeen.get(b.item)!);
}

// ---- hybrid search: the vector ranking fused with the full-text (BM25) ranking ---------------------------

export interface HybridFusion {
  /** The RRF constant. */
  rrfK: number;
  /** The vector ranking's weight in [0, 1]; full text gets 1 − it. 0 = full text only, 1 = vector only. */
  vectorWeight: number;
}

/**
 * The largest vector weight for which full text's first hit always stays first in the fusion, whatever the
 * vector side says. The most the vector side can add is w / (k + 1) (its rank 1); the smallest lead full
 * text's first hit has over any other item is (1 − w) · (1/(k + 1) − 1/(k + 2)) (over its rank 2). The
 * first is below the second exactly when w < 1 / (k + 3).
 */
export function textLeadBound(rrfK: number): number {
  return 1 / (rrfK + 3);
}

/**
 * Why these defaults (one setting for every corpus; the tables are in docs/retrieval-bench.md):
 * - Equal weights with k = 60 scored BELOW full text alone on both bench corpora: a chunk that is mediocre on
 *   both lists outranked full text's correct first hit. With an embedder no better than BM25 (the built-in
 *   `local/embed` is a hashed lexical embedding; learned embedders out of their domain often are no better
 *   either, as the BEIR benchmark showed) the vector side's errors cost more than its finds bring.
 * - So full text leads: the weight stays below `textLeadBound`, which keeps full text's first hit first.
 *   In the bench's k × α sweep, hybrid starts losing to full text near that bound (k from 2 to 20).
 * - k = 2 rather than 60: at k = 60 the bound is 1/63 and the vector side could barely break a tie. A small k
 *   keeps full text's top ranks far apart (where BM25 is reliable) while its tail flattens (1/(k + r) moves
 *   little between ranks 8 and 12), so the vector side reorders near-ties in the tail and fills the list
 *   where full text runs out of matching chunks.
 * - vectorWeight = 0.1, half the bound at k = 2 (0.2), so that a different sample of questions is unlikely to
 *   cross it: α 0.05, 0.1 and 0.15 at k = 2 all keep hybrid at or above full text on both corpora.
 * A caller whose embedder is known to beat BM25 on its corpus passes a larger vectorWeight (0.5 with rrfK 60
 * is classic equal-weight RRF).
 */
export const DEFAULT_HYBRID_FUSION: Readonly<HybridFusion> = Object.freeze({ rrfK: 2, vectorWeight: 0.1 });

export function fuseVectorAndText<T>(
  byVector: readonly T[],
  byText: readonly T[],
  fusion: HybridFusion,
): Array<{ item: T; score: number }> {
  return weightedReciprocalRankFusion(
    [
      { items: byVector, weight: fusion.vectorWeight },
      { items: byText, weight: 1 - fusion.vectorWeight },
    ],
    fusion.rrfK,
  );
}
