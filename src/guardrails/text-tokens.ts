// Content words of a text for the lexical scores: lower case, letters and digits, stop words dropped, and
// a light suffix strip so "claims" meets "claim" (not a real stemmer; good enough for overlap counting).

const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if ' +
    'in into is it its me my no not of on or our she so than that the their them then there these they ' +
    'this those to was we were what when where which who why will with would you your yes also about ' +
    'any all just only very more most some such both each other over under up down out'
  ).split(' '),
);

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function contentTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.,][\p{N}]+)*/gu) ?? []) {
    if (STOP_WORDS.has(raw)) continue;
    out.push(/^\d/.test(raw) ? raw.replace(/,/g, '') : stem(raw));
  }
  return out;
}

/** Sentences, split at . ! ? or line breaks followed by space; keeps short fragments with their text. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
