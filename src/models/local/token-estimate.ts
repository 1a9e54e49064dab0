// A tokenizer-free token estimate, close enough to BPE tokenizers for budgets and usage where no provider
// count exists: a word of up to 6 characters is one token, a longer word one per ~4 characters, a run of
// punctuation one per 2 characters, and each CJK character one token (BPE vocabularies rarely merge them).
// The gateway uses it for its own estimates, so it must stay fast and allocation-light.

const SHORT_WORD = 6;
const WORD_PIECE = 4;
const PUNCT_PIECE = 2;

function isCjk(code: number): boolean {
  return (
    (code >= 0x2e80 && code <= 0x9fff) || // CJK radicals, kana, unified ideographs
    (code >= 0xac00 && code <= 0xd7af) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // compatibility ideographs
    (code >= 0xff00 && code <= 0xffef) // full-width forms
  );
}

function hasCjk(run: string): boolean {
  for (let i = 0; i < run.length; i++) if (isCjk(run.charCodeAt(i))) return true;
  return false;
}

function latinWordPieces(length: number): number {
  return length <= SHORT_WORD ? 1 : Math.ceil(length / WORD_PIECE);
}

/** Calls `onPiece(end)` with the end offset (in `run`) of each token piece; stops early when it returns false. */
function pieceEnds(run: string, isWord: boolean, onPiece: (end: number) => boolean): void {
  if (!isWord) {
    for (let end = Math.min(PUNCT_PIECE, run.length); ; end = Math.min(end + PUNCT_PIECE, run.length)) {
      if (!onPiece(end) || end === run.length) return;
    }
  }
  // A word mixing scripts: each CJK character alone, each non-CJK stretch as a word of its own.
  let start = 0;
  let i = 0;
  const flush = (end: number): boolean => {
    const length = end - start;
    if (length === 0) return true;
    const pieces = latinWordPieces(length);
    for (let p = 1; p <= pieces; p++) {
      if (!onPiece(p === pieces ? end : start + p * WORD_PIECE)) return false;
    }
    return true;
  };
  for (; i < run.length; i++) {
    if (!isCjk(run.charCodeAt(i))) continue;
    if (!flush(i) || !onPiece(i + 1)) return;
    start = i + 1;
  }
  flush(run.length);
}

function runPieceCount(run: string, isWord: boolean): number {
  if (!isWord) return Math.ceil(run.length / PUNCT_PIECE);
  if (!hasCjk(run)) return latinWordPieces(run.length);
  let count = 0;
  pieceEnds(run, true, () => {
    count++;
    return true;
  });
  return count;
}

const WORD_CHAR = /^[\p{L}\p{M}\p{N}_]$/u;
const SPACE_CHAR = /^\s$/u;
const SPACE = 0;
const WORD = 1;
const PUNCTUATION = 2;

/**
 * What the code point at `i` is: a word character (`[\p{L}\p{M}\p{N}_]`), white space (`\s`), or anything
 * else (punctuation and symbols).
 */
function kindAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 0x80) {
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39))
      return WORD;
    if (code === 0x5f) return WORD;
    return code === 0x20 || (code >= 0x09 && code <= 0x0d) ? SPACE : PUNCTUATION;
  }
  const character = String.fromCodePoint(text.codePointAt(i)!);
  if (WORD_CHAR.test(character)) return WORD;
  return SPACE_CHAR.test(character) ? SPACE : PUNCTUATION;
}

function isLowSurrogate(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Calls `visit` for each run of word characters and each run of other non-space characters, in order,
 * until it returns false: scanned by character class, without match arrays or substrings (it runs on every
 * chunk of every document and on every gateway estimate).
 */
function forEachRun(
  text: string,
  visit: (start: number, end: number, isWord: boolean, hasCjk: boolean) => boolean,
): void {
  let runStart = 0;
  let runKind = SPACE;
  let runHasCjk = false;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    const width =
      code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text, i + 1) ? 2 : 1;
    const kind = kindAt(text, i);
    if (kind !== runKind) {
      if (runKind !== SPACE && !visit(runStart, i, runKind === WORD, runHasCjk)) return;
      runStart = i;
      runKind = kind;
      runHasCjk = false;
    }
    if (kind === WORD && isCjk(code)) runHasCjk = true;
    i += width;
  }
  if (runKind !== SPACE) visit(runStart, text.length, runKind === WORD, runHasCjk);
}

/** The token pieces of the run text[start, end). */
function piecesOf(text: string, start: number, end: number, isWord: boolean, hasCjk: boolean): number {
  if (!isWord) return Math.ceil((end - start) / PUNCT_PIECE);
  return hasCjk ? runPieceCount(text.slice(start, end), true) : latinWordPieces(end - start);
}

/** Estimated token count of a text: words and punctuation pieces, long words in ~4-character pieces. */
export function estimateTokens(text: string): number {
  let count = 0;
  forEachRun(text, (start, end, isWord, hasCjk) => {
    count += piecesOf(text, start, end, isWord, hasCjk);
    return true;
  });
  return count;
}

/** The longest prefix of `text` whose estimate is at most `maxTokens`, without trailing whitespace. */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  let count = 0;
  let cut = text.length;
  forEachRun(text, (start, end, isWord, hasCjk) => {
    const pieces = piecesOf(text, start, end, isWord, hasCjk);
    if (count + pieces <= maxTokens) {
      count += pieces;
      return true;
    }
    let pieceEnd = 0;
    pieceEnds(text.slice(start, end), isWord, (end) => {
      if (count >= maxTokens) return false;
      count++;
      pieceEnd = end;
      return true;
    });
    cut = start + pieceEnd;
    // Never leave half of a surrogate pair behind.
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    return false;
  });
  return text.slice(0, cut).trimEnd();
}
