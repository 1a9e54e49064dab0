// The units chunking packs: sentences, each at most `maxTokens`. Units are trimmed spans of the document text
// and are always separated by whitespace, which keeps token counts additive (see countTokens) and makes every
// chunk an exact slice of the document.
import { countTokens } from './count-tokens.js';

export interface TextUnit {
  start: number;
  end: number;
  tokens: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
const WHITESPACE = /\s/;
const BLANK_LINE = /\n\s*\n/g;
/**
 * V8's sentence segmenter slows down more than linearly on long strings (seconds for a 170 KB book), so it
 * only ever sees one paragraph, and a paragraph longer than this in windows of this many characters.
 */
const SEGMENT_WINDOW = 4096;

type Span = { start: number; end: number };

function pushTrimmed(spans: Span[], segmentStart: number, raw: string): void {
  const trimmed = raw.trim();
  if (trimmed === '') return;
  const start = segmentStart + (raw.length - raw.trimStart().length);
  const end = start + trimmed.length;
  const previous = spans.at(-1);
  // A break the segmenter placed without whitespace ("end.”Next") joins the previous sentence, so units
  // are always separated by whitespace.
  if (previous && previous.end === start) previous.end = end;
  else spans.push({ start, end });
}

/**
 * Sentences of one paragraph (text without blank lines). ICU ends a sentence at every line break; text
 * extracted from PDFs and wrapped plain text breaks lines mid-sentence, so inside a paragraph line breaks are
 * read as spaces (a same-length copy keeps offsets).
 */
function paragraphSentences(text: string, from: number, to: number, spans: Span[]): void {
  let at = from;
  while (at < to) {
    const windowEnd = Math.min(to, at + SEGMENT_WINDOW);
    const region = text.slice(at, windowEnd).replaceAll('\n', ' ');
    const segments = [...segmenter.segment(region)];
    let consumed = region.length;
    if (windowEnd < to) {
      const last = segments.at(-1);
      if (segments.length > 1 && last) {
        // The last segment may continue past the window: segment it again with the next window.
        consumed = last.index;
      } else {
        // One sentence fills the window: cut it at its last whitespace (it is cut on words later anyway).
        const space = region.search(/\s\S*$/);
        consumed = space > 0 ? space : region.length;
      }
    }
    for (const segment of segments) {
      if (segment.index >= consumed) break;
      pushTrimmed(spans, at + segment.index, segment.segment.slice(0, consumed - segment.index));
    }
    at += consumed;
  }
}

/** Sentence spans of `text` between `from` and `to`, trimmed; a sentence never crosses a blank line. */
export function sentenceSpans(text: string, from = 0, to = text.length): Span[] {
  const spans: Span[] = [];
  let at = from;
  while (at < to) {
    BLANK_LINE.lastIndex = at;
    const blank = BLANK_LINE.exec(text);
    const paragraphEnd = blank && blank.index < to ? blank.index : to;
    paragraphSentences(text, at, paragraphEnd, spans);
    at = blank && blank.index < to ? blank.index + blank[0].length : to;
  }
  return spans;
}

/** Cuts a span longer than `maxTokens` on word boundaries; a single word longer than that on characters. */
function cutSpan(
  text: string,
  span: { start: number; end: number },
  maxTokens: number,
  out: TextUnit[],
): void {
  const wordPattern = /\S+/g;
  const slice = text.slice(span.start, span.end);
  let piece: TextUnit | null = null;
  for (let m = wordPattern.exec(slice); m !== null; m = wordPattern.exec(slice)) {
    const start = span.start + m.index;
    const end = start + m[0].length;
    const tokens = countTokens(m[0]);
    if (tokens > maxTokens) {
      if (piece) out.push(piece);
      piece = null;
      cutWord(text, start, end, maxTokens, out);
      continue;
    }
    if (piece && piece.tokens + tokens <= maxTokens) {
      piece.end = end;
      piece.tokens += tokens;
    } else {
      if (piece) out.push(piece);
      piece = { start, end, tokens };
    }
  }
  if (piece) out.push(piece);
}

/** The longest prefixes of a word that stay within `maxTokens`, never splitting a surrogate pair. */
function cutWord(text: string, start: number, end: number, maxTokens: number, out: TextUnit[]): void {
  let at = start;
  while (at < end) {
    let low = at + 1;
    let high = end;
    // Binary search for the longest piece within the cap; the estimate grows with length within one word.
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (countTokens(text.slice(at, mid)) <= maxTokens) low = mid;
      else high = mid - 1;
    }
    let cut = low;
    const code = text.charCodeAt(cut - 1);
    if (cut < end && code >= 0xd800 && code <= 0xdbff) cut = cut - 1 > at ? cut - 1 : cut + 1;
    out.push({ start: at, end: cut, tokens: countTokens(text.slice(at, cut)) });
    at = cut;
  }
}

/** Sentence units of `text[from, to)`, each within `maxTokens`. */
export function textUnits(text: string, maxTokens: number, from = 0, to = text.length): TextUnit[] {
  const units: TextUnit[] = [];
  for (const span of sentenceSpans(text, from, to)) {
    const tokens = countTokens(text.slice(span.start, span.end));
    if (tokens <= maxTokens) units.push({ ...span, tokens });
    else cutSpan(text, span, maxTokens, units);
  }
  return units;
}

/** Whether two consecutive units are separated by whitespace (then their token counts simply add up). */
export function separated(text: string, left: TextUnit, right: TextUnit): boolean {
  return right.start > left.end && WHITESPACE.test(text.charAt(left.end));
}
