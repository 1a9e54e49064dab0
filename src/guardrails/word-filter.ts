// Word filters: the policy's own words and phrases, and the managed profanity list. Matching is on whole
// words, case-insensitive, so "class" never matches "ass". One regex per list, compiled once per policy.

import { MANAGED_PROFANITY } from './managed-profanity.js';
import { nonEmptyMatches } from './regex-matches.js';

export interface WordMatch {
  /** The configured word or phrase (lower case) that matched. */
  word: string;
  /** What was in the text. */
  match: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One alternation of whole words; spaces in a phrase match any run of whitespace. */
export function compileWordList(words: readonly string[]): RegExp | undefined {
  const cleaned = [...new Set(words.map((w) => w.trim().toLowerCase()).filter((w) => w.length > 0))];
  if (cleaned.length === 0) return undefined;
  // Longest first, so "son of a bitch" is reported as itself rather than as "bitch".
  cleaned.sort((a, b) => b.length - a.length);
  const body = cleaned.map((w) => escapeRegex(w).replace(/\s+/g, '\\s+')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${body})(?![\\p{L}\\p{N}_])`, 'giu');
}

let profanity: RegExp | undefined;

export function profanityRegex(): RegExp {
  profanity ??= compileWordList(MANAGED_PROFANITY)!;
  return profanity;
}

export function findWords(regex: RegExp, text: string): WordMatch[] {
  const found: WordMatch[] = [];
  for (const m of nonEmptyMatches(regex, text)) {
    found.push({ word: m[0].toLowerCase().replace(/\s+/g, ' '), match: m[0] });
  }
  return found;
}
