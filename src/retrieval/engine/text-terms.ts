// The terms full-text search matches on: Unicode words, lower-cased, English stop words dropped, then the
// "S-stemmer" (Harman 1991), which only folds plurals ("policies" -> "policy", "claims" -> "claim"). We stem
// that little on purpose: the index is a lexical baseline next to embeddings, and a predictable matcher whose
// misses are explainable beats Porter's aggressive conflations ("university" = "universe") for retrieval
// that feeds citations. Changing these rules changes scores but not stored data: postings are rebuilt from
// the stored text when an index is opened.

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between
  both but by can could did do does doing down during each few for from further had has have having he her
  here hers herself him himself his how i if in into is it its itself me more most my myself no nor not of
  off on once only or other our ours ourselves out over own same she should so some such than that the their
  theirs them themselves then there these they this those through to too under until up very was we were
  what when where which while who whom why will with would you your yours yourself yourselves`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

/** Harman's S-stemmer: ies -> y, es -> e, s -> '' with the exceptions that keep "glass", "corpus", "axes". */
export function sStem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies'))
    return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes'))
    return word.slice(0, -1);
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** The terms of `text`, in order, repeats kept (term frequency counts them). */
export function textTerms(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0].replace(/['’]s$/u, '');
    if (word.length === 0 || STOP_WORDS.has(word)) continue;
    terms.push(sStem(word));
  }
  return terms;
}
