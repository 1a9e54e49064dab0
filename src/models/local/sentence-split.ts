// Splits source text into sentences, the unit the extractive answerer quotes. Conservative by design:
// when a boundary is ambiguous ("U.S. Then") it keeps the text together, because a longer quote is
// still a true quote while a wrong cut produces a fragment.

/** Quotes longer than this are cut (tables, JSON, text without punctuation) so one can fit an answer. */
export const MAX_SENTENCE_CHARS = 500;

// Abbreviations after which a period never ends a sentence (lowercased, without the final period).
const NEVER_END = new Set(
  `mr mrs ms dr prof st jr sr vs fig figs no nos p pp vol ch sec art approx e.g i.e cf viz al ca gen gov
  sen rep lt col capt sgt rev hon mt jan feb mar apr jun jul aug sep sept oct nov dec est dept min max
  ref refs eq`.split(/\s+/),
);

const BULLET = /^\s*(?:[-*+•‣◦▪–—]|\d{1,3}[.)]|[a-zA-Z][)]|#{1,6})\s+/;
const TERMINAL = /[.!?…:;]["'”’)\]]*$/;
// Sentence punctuation, closing quotes or brackets, then whitespace: a candidate boundary.
const BOUNDARY = /([.!?…]+)(["'”’)\]]*)\s+/gu;
const WORD_BEFORE = /([\p{L}.]+)$/u;
const HAS_CONTENT = /[\p{L}\p{N}]/u;
const LOWERCASE_START = /^[\p{Ll},;:)]/u;

/** Groups lines into paragraphs and list items: blank lines and bullets separate, soft wraps join. */
function units(text: string): string[] {
  const out: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim() !== '') out.push(current.trim());
    current = '';
  };
  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.trim();
    if (line === '') {
      flush();
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet !== null) {
      flush();
      current = line.slice(bullet[0].length);
      continue;
    }
    // A wrapped line continues in lowercase; a line after an unpunctuated one in capitals is a heading's end.
    const continues = current !== '' && !TERMINAL.test(current) && LOWERCASE_START.test(line);
    if (continues) current += ` ${line}`;
    else {
      flush();
      current = line;
    }
  }
  flush();
  return out;
}

function endsSentence(unit: string, punctuation: string, closers: string, at: number, next: number): boolean {
  if (LOWERCASE_START.test(unit.slice(next, next + 1))) return false;
  if (punctuation !== '.' || closers !== '') return true;
  const word = WORD_BEFORE.exec(unit.slice(0, at))?.[1];
  if (word === undefined) return true;
  if (NEVER_END.has(word.toLowerCase())) return false;
  // An initial ("J. Smith") or a dotted acronym ("U.S.") more often continues the sentence than ends it.
  if (word.length === 1 && word === word.toUpperCase()) return false;
  return !word.includes('.');
}

function splitUnit(unit: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of unit.matchAll(BOUNDARY)) {
    const punctuation = m[1] ?? '';
    const closers = m[2] ?? '';
    const end = m.index + punctuation.length + closers.length;
    if (!endsSentence(unit, punctuation, closers, m.index, m.index + m[0].length)) continue;
    out.push(unit.slice(start, end));
    start = m.index + m[0].length;
  }
  out.push(unit.slice(start));
  return out;
}

/** Cuts an overlong sentence at whitespace or a JSON separator, keeping every character. */
function splitLong(sentence: string): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > MAX_SENTENCE_CHARS) {
    let cut = -1;
    for (let i = MAX_SENTENCE_CHARS; i > MAX_SENTENCE_CHARS / 2; i--) {
      if (/[\s,;}\]]/.test(rest.charAt(i - 1))) {
        cut = i;
        break;
      }
    }
    if (cut === -1) cut = MAX_SENTENCE_CHARS;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  out.push(rest);
  return out;
}

/** The sentences of a text, in order, trimmed, without list markers; text without letters or digits is dropped. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const unit of units(text)) {
    for (const sentence of splitUnit(unit)) {
      for (const piece of splitLong(sentence.trim())) {
        if (HAS_CONTENT.test(piece)) out.push(piece);
      }
    }
  }
  return out;
}
