// Word tokens for matching (BM25 and hashed embeddings): lowercased, stop words dropped, lightly stemmed.
// The stemmer only folds inflections and a few common derivations so that "flooded", "floods" and
// "flooding" meet; it is deliberately not Porter: predictable beats clever for a citation engine.

// A number keeps its decimal or thousands separators ("3.5", "2,500") so that amounts match as one term.
const WORD = /\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}]+(?:['’][\p{L}]+)*[\p{N}]*/gu;

export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing done down during each either else ever few for from
  further get gets got had has have having he her here hers herself him himself his how however i if in
  into is it its itself just let me might more most much must my myself no nor not now of off on once
  only or other ought our ours ourselves out over own per please same shall she should so some such than
  that the their theirs them themselves then there these they this those through to too under until up
  upon us very was we were what when where whether which while who whom whose why will with within
  without would yet you your yours yourself yourselves tell show give know`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

// Longest suffixes first; the first that leaves a stem of at least MIN_STEM letters with a vowel wins.
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['nesses', ''],
  ['ments', ''],
  ['ingly', ''],
  ['ness', ''],
  ['ment', ''],
  ['ings', ''],
  ['edly', ''],
  ['ing', ''],
  ['ies', 'i'],
  ['ied', 'i'],
  ['ly', ''],
  ['ed', ''],
  ['es', ''],
  ['s', ''],
];
const MIN_STEM = 3;
const VOWEL = /[aeiouy]/;
const DOUBLE_KEEP = new Set(['l', 's', 'z']);

function isConsonant(ch: string | undefined): boolean {
  return ch !== undefined && ch >= 'a' && ch <= 'z' && !'aeiou'.includes(ch);
}

// Stems of words seen recently: words repeat (a corpus is mostly the same few thousand), and stemming one
// is a dozen string tests. Cleared when full, so it cannot grow with an adversarial vocabulary.
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 20_000;

/** Folds a lowercased word to its light stem: "policies"/"policy" -> "polici", "flooded" -> "flood". */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = computeStem(word);
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}

function computeStem(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  let w = word.endsWith("'s") || word.endsWith('’s') ? word.slice(0, -2) : word;
  for (const [suffix, replacement] of SUFFIXES) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, -suffix.length);
    // "supply", "family" and "daily" are not adverbs: -ly needs a longer stem than other suffixes.
    const minBase = suffix === 'ly' ? MIN_STEM + 2 : MIN_STEM;
    if (base.length < minBase || !VOWEL.test(base)) continue;
    // "glass", "status", "analysis" are not plurals; "agreed", "speed" do not end in -ed.
    if (suffix === 's' && /(?:ss|us|is)$/.test(w)) break;
    if (suffix === 'ed' && base.endsWith('e')) break;
    w = base + replacement;
    break;
  }
  const last = w[w.length - 1];
  if (w.length > MIN_STEM && last === w[w.length - 2] && isConsonant(last) && !DOUBLE_KEEP.has(last!)) {
    w = w.slice(0, -1);
  }
  // "policy" and "policies" must meet at "polici", as "pays" and "pay" keep their y.
  if (w.length >= MIN_STEM && w.endsWith('y') && isConsonant(w[w.length - 2])) w = `${w.slice(0, -1)}i`;
  if (w.length > MIN_STEM && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Lowercased word tokens in order, stop words included. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** The terms a text is matched on: word tokens without stop words, stemmed. */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const token of wordTokens(text)) {
    if (!STOP_WORDS.has(token)) out.push(stem(token));
  }
  return out;
}
