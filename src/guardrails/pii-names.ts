// Person names cannot be told by their shape: `compromise` (a rule-and-lexicon English NLP library)
// tags the words of a sentence and groups them into people. Tagging costs far more than every regex
// detector together, so it runs only when a policy asks for NAME, and only on sentences that can hold a
// name: those with a capitalised word after the first, or whose first word is not a common opener.
// The library is loaded on the first NAME check, not with this module: its lexicon adds about 44 MB to
// the process, which every deployment without a NAME policy would otherwise carry.

import { createRequire } from 'node:module';
import type nlpType from 'compromise';
import type { PiiSpan } from './pii-types.js';
import { nonEmptyMatches } from './regex-matches.js';

let loaded: typeof nlpType | undefined;
/** compromise, loaded (synchronously, through its CommonJS build) the first time it is needed. */
function nlp(text: string) {
  loaded ??= createRequire(import.meta.url)('compromise') as typeof nlpType;
  return loaded(text);
}

interface OffsetJson {
  offset?: { start: number; length: number };
}

/** Words compromise sometimes tags as people in the text we see (greetings, titles alone). */
const NOT_A_NAME = /^(?:dear|hi|hello|mr|mrs|ms|dr|sir|madam)\.?$/i;

/** Frequent sentence openers: a sentence starting with one and with no other capital has no name. */
const OPENERS = new Set(
  (
    'a an the this that these those it its we i you he she they our your my their there here please ' +
    'for in on at if when after before while as to from with by of and but or so then also all any ' +
    'each every no not some one two three what which who how why where is are was were be been has ' +
    'have had do does did can could will would should may might must let thank thanks yes ok'
  ).split(' '),
);

/** A sentence; the full stop of a title (Dr. Patel) does not end one. */
const SENTENCE = /(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St)\.|[^.!?\n])+(?:[.!?]+|\n|$)/g;

function mayHoldName(sentence: string): boolean {
  if (/\s[A-Z][a-z]/.test(sentence)) return true;
  const first = /[A-Za-z]+/.exec(sentence);
  return first !== null && /^[A-Z][a-z]/.test(first[0]) && !OPENERS.has(first[0].toLowerCase());
}

function namesIn(sentence: string, base: number, spans: PiiSpan[]): void {
  const people = nlp(sentence).people().json({ offset: true, text: true }) as OffsetJson[];
  for (const person of people) {
    if (!person.offset) continue;
    let start = person.offset.start;
    let end = start + person.offset.length;
    // compromise's offsets include trailing punctuation and spaces of the last word.
    while (end > start && /[\s.,;:!?'")\]]/.test(sentence[end - 1]!)) end--;
    while (start < end && /[\s'"(]/.test(sentence[start]!)) start++;
    const name = sentence.slice(start, end);
    if (name.length < 2 || NOT_A_NAME.test(name) || !/[A-Z]/.test(name)) continue;
    spans.push({ type: 'NAME', start: base + start, end: base + end });
  }
}

export function detectNames(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of nonEmptyMatches(SENTENCE, text)) {
    if (mayHoldName(m[0])) namesIn(m[0], m.index, spans);
  }
  return spans;
}
