// The answer's text format: quoted sentences with citation markers and a final "Sources:" line. Every
// word of an answer is either a verbatim quote, a marker, a source label or the fixed refusal below.

export const CANNOT_ANSWER = 'I cannot answer that from the provided context.';

export interface Quote {
  text: string;
  /** The cited source: a document name, `tool result <toolUseId>` or `context`. */
  label: string;
  /** Which source unit (paragraph of a source) the sentence came from, and its order in it. */
  unit: number;
  position: number;
}

/** Renders quotes, already in source order; sources are numbered in the order they are first cited. */
export function renderAnswer(quotes: readonly Quote[]): string {
  const numbers = new Map<string, number>();
  let body = '';
  let previous: Quote | undefined;
  for (const quote of quotes) {
    let n = numbers.get(quote.label);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(quote.label, n);
    }
    // Sentences that follow each other in the source read as one paragraph; any other jump starts a line.
    const adjacent =
      previous !== undefined && previous.unit === quote.unit && previous.position + 1 === quote.position;
    if (previous !== undefined) body += adjacent ? ' ' : '\n';
    body += `${quote.text} [${n}]`;
    previous = quote;
  }
  const sources = [...numbers].map(([label, n]) => `[${n}] ${label}`).join('; ');
  return `${body}\n\nSources: ${sources}`;
}

/**
 * Removes this answerer's own markup from an earlier assistant turn, so that quoting the conversation
 * back does not nest citations or cite the refusal.
 */
export function stripAnswerMarkup(text: string): string {
  return text
    .replace(/^Sources: .*$/gm, '')
    .replace(/ \[\d+\]/g, '')
    .split(CANNOT_ANSWER)
    .join('')
    .trim();
}
