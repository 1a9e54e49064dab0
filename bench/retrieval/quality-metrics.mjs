// Relevance and the two ranking metrics of the quality part.
// A retrieved chunk is relevant when it comes from the answer's document and its span [start, end) overlaps
// the answer phrase's span (a phrase cut by a chunk boundary counts for both chunks that hold part of it).
// recall@k: the share of questions with at least one relevant chunk in the top k (each question has one
// answer passage, so this is also the hit rate). MRR@k: the mean of 1 / rank of the first relevant chunk,
// 0 when none is in the top k.

export function isRelevant(hit, answer) {
  const { document, start, end } = hit.metadata;
  return document === answer.document && start < answer.end && answer.start < end;
}

/** 1-based rank of the first relevant hit, or null. */
export function firstRelevantRank(hits, answer) {
  const i = hits.findIndex((hit) => isRelevant(hit, answer));
  return i === -1 ? null : i + 1;
}

export function recallAt(k, ranks) {
  return ranks.filter((rank) => rank !== null && rank <= k).length / ranks.length;
}

export function mrrAt(k, ranks) {
  return ranks.reduce((sum, rank) => sum + (rank !== null && rank <= k ? 1 / rank : 0), 0) / ranks.length;
}
