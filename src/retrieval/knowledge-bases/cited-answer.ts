// RetrieveAndGenerate's generation step: the retrieved chunks become numbered document blocks ("Source
// 1", "Source 2", ...) of one Converse request, and the answer's citation markers become Bedrock
// citations: each cited part of the answer with its span in the returned text and the chunks it cites.
//
// Markers are `[n]` (or `[n, m]`) after the text they support. A model that ends its answer with a
// "Sources: [1] Source 3; [2] Source 1" line (the built-in `local/extractive` does: it numbers sources in
// the order it first cites them) has its markers mapped through that line; otherwise `[n]` is Source n.
// Markers and the Sources line are removed from the returned text, so spans point into clean prose.
// A model that cites nothing gets no citations: none are invented.

import type { ContentBlock, InferenceConfig } from '../../core/index.js';
import type { ConverseInput } from '../model-calls.js';
import type { RetrievedChunk } from './search-chunks.js';

export interface Citation {
  /** The cited part of `text`: `text.slice(start, end) === citedText` (end is exclusive). */
  start: number;
  end: number;
  citedText: string;
  references: RetrievedChunk[];
}

export interface CitedAnswer {
  text: string;
  citations: Citation[];
}

export interface GenerationOptions {
  /** Bedrock's prompt template: `$search_results$` and `$query$` are replaced. */
  promptTemplate?: string;
  inferenceConfig?: InferenceConfig;
  /**
   * Whether to add an instruction on how to cite. Off for the built-in extractive model, which quotes
   * every text it is given (an instruction would become a quotable source) and cites by itself.
   */
  instruct: boolean;
}

const INSTRUCTION =
  'Answer the question using only the numbered sources provided. After each sentence, cite the sources it relies on as [n], where n is the source number. If the sources do not contain the answer, say that you cannot answer.';

const sourceName = (n: number) => `Source ${n}`;

export function generationInput(
  question: string,
  chunks: readonly RetrievedChunk[],
  options: GenerationOptions,
): ConverseInput {
  const base: ConverseInput = options.inferenceConfig
    ? { messages: [], inferenceConfig: options.inferenceConfig }
    : { messages: [] };
  if (options.promptTemplate !== undefined) {
    const results = chunks.map((c, i) => `[${i + 1}] ${c.text}`).join('\n\n');
    const text = options.promptTemplate
      .replaceAll('$search_results$', results)
      .replaceAll('$query$', question)
      .replaceAll('$output_format_instructions$', 'Cite sources as [n].');
    return { ...base, messages: [{ role: 'user', content: [{ type: 'text', text }] }] };
  }
  const documents: ContentBlock[] = chunks.map((c, i) => ({
    type: 'document',
    name: sourceName(i + 1),
    format: 'txt',
    text: c.text,
  }));
  return {
    ...base,
    ...(options.instruct ? { system: [{ type: 'text', text: INSTRUCTION }] } : {}),
    messages: [{ role: 'user', content: [...documents, { type: 'text', text: question }] }],
  };
}

const SOURCES_LINE = /\n*^Sources: (.*)$\s*$/m;
const MARKER = /\s*\[(\d+(?:\s*,\s*\d+)*)\]/g;

/** Marker number → source number, from a trailing "Sources: [1] Source 3; ..." line. */
function sourcesMap(line: string | undefined): Map<number, number> | undefined {
  if (line === undefined) return undefined;
  const map = new Map<number, number>();
  for (const m of line.matchAll(/\[(\d+)\] Source (\d+)/g)) map.set(Number(m[1]), Number(m[2]));
  return map;
}

export function citeAnswer(answer: string, chunks: readonly RetrievedChunk[]): CitedAnswer {
  const sources = answer.match(SOURCES_LINE);
  const body = sources ? answer.slice(0, sources.index) : answer;
  const mapping = sourcesMap(sources?.[1]);
  const chunkFor = (marker: number): RetrievedChunk | undefined =>
    chunks[(mapping ? (mapping.get(marker) ?? 0) : marker) - 1];

  let text = '';
  const citations: Citation[] = [];
  let last = 0;
  // Where the text a marker supports begins: just after the previous citation.
  let segmentStart = 0;
  for (const m of body.matchAll(MARKER)) {
    const piece = body.slice(last, m.index);
    last = m.index + m[0].length;
    const references: RetrievedChunk[] = [];
    for (const n of m[1]!.split(',').map((s) => Number(s.trim()))) {
      const chunk = chunkFor(n);
      if (chunk && !references.includes(chunk)) references.push(chunk);
    }
    // "[2023]" in prose is not a citation: it stays in the text.
    if (references.length === 0) {
      text += piece + m[0];
      continue;
    }
    text += piece;
    const segment = text.slice(segmentStart);
    const start = segmentStart + (segment.length - segment.trimStart().length);
    const end = text.trimEnd().length;
    if (end > start) citations.push({ start, end, citedText: text.slice(start, end), references });
    segmentStart = text.length;
  }
  text += body.slice(last);
  return { text: text.trimEnd(), citations };
}
