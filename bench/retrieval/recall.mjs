// Recall@k of an approximate search against exact ground truth, as both retrieval benches measure it.

/** Share of the `truth` hits (lists of { id }, one per query) that `results` (the same queries) found. */
export function recallAt(results, truth) {
  let found = 0;
  let wanted = 0;
  truth.forEach((expected, i) => {
    const got = new Set(results[i].map((hit) => hit.id));
    wanted += expected.length;
    for (const hit of expected) if (got.has(hit.id)) found++;
  });
  return found / wanted;
}
