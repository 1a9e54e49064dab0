// Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): score(d) = Σ over rankings of 1 / (k + rank(d)),
// rank starting at 1. It needs no score calibration between cosine similarities and BM25, which live on
// unrelated scales, and a document ranked well by either list surfaces.

export function reciprocalRankFusion<T>(
  rankings: ReadonlyArray<readonly T[]>,
  rrfK: number,
): Array<{ item: T; score: number }> {
  const scores = new Map<T, number>();
  const firstSeen = new Map<T, number>();
  let order = 0;
  for (const ranking of rankings) {
    ranking.forEach((item, index) => {
      scores.set(item, (scores.get(item) ?? 0) + 1 / (rrfK + index + 1));
      if (!firstSeen.has(item)) firstSeen.set(item, order++);
    });
  }
  return [...scores]
    .map(([item, score]) => ({ item, score }))
    .sort((a, b) => b.score - a.score || firstSeen.get(a.item)! - firstSeen.get(b.item)!);
}
