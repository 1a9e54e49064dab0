// Splits a parsed document into chunks by one of Bedrock's strategies. Every chunk is an exact slice of the
// document text (`doc.text.slice(start, end) === text`), so a hit can always be shown in its context.
import { LakegateError } from '../../core/index.js';
import type { Chunk, ChunkSpan, EmbedTexts } from './chunk.js';
import type { ChunkingConfiguration } from './chunking-configuration.js';
import { type PackedSpan, packUnits } from './pack-units.js';
import type { ParsedDocument } from './parsed-document.js';
import { semanticBreaks } from './semantic-breaks.js';
import { type TextUnit, textUnits } from './text-units.js';

export interface ChunkDocumentOptions {
  signal?: AbortSignal;
}

/** Finds the page and nearest heading of an offset with binary searches over the document's spans. */
function locator(doc: ParsedDocument): (offset: number) => { page?: number; section?: string } {
  const pages = doc.pages ?? [];
  const headings = doc.sections.filter((s): s is typeof s & { heading: string } => s.heading !== null);
  const lastAtOrBefore = <T extends { start: number }>(
    items: readonly T[],
    offset: number,
  ): T | undefined => {
    let low = 0;
    let high = items.length - 1;
    let found: T | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const item = items[mid] as T;
      if (item.start <= offset) {
        found = item;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
  return (offset) => {
    const located: { page?: number; section?: string } = {};
    const page = lastAtOrBefore(pages, offset);
    if (page) located.page = page.number;
    const section = lastAtOrBefore(headings, offset);
    if (section) located.section = section.heading;
    return located;
  };
}

function spansToChunks(doc: ParsedDocument, spans: readonly PackedSpan[]): Chunk[] {
  const locate = locator(doc);
  return spans.map((span, index) => ({
    index,
    text: doc.text.slice(span.start, span.end),
    start: span.start,
    end: span.end,
    ...locate(span.start),
  }));
}

function fixedSize(doc: ParsedDocument, maxTokens: number, overlapPercentage: number): PackedSpan[] {
  const overlapTokens = Math.floor((maxTokens * overlapPercentage) / 100);
  return packUnits(doc.text, textUnits(doc.text, maxTokens), maxTokens, overlapTokens);
}

/** Children (what gets embedded) inside parents (what retrieval returns), children overlapping within a parent. */
function hierarchical(
  doc: ParsedDocument,
  parentTokens: number,
  childTokens: number,
  overlapTokens: number,
): Chunk[] {
  const units = textUnits(doc.text, childTokens);
  const parents = packUnits(doc.text, units, parentTokens, 0);
  const locate = locator(doc);
  const chunks: Chunk[] = [];
  let unitAt = 0;
  parents.forEach((parentSpan, parentIndex) => {
    const parent: ChunkSpan = {
      index: parentIndex,
      text: doc.text.slice(parentSpan.start, parentSpan.end),
      start: parentSpan.start,
      end: parentSpan.end,
    };
    // Parents do not overlap, so each parent owns the next run of units.
    const first = unitAt;
    while (unitAt < units.length && (units[unitAt] as TextUnit).end <= parentSpan.end) unitAt++;
    for (const child of packUnits(doc.text, units.slice(first, unitAt), childTokens, overlapTokens)) {
      chunks.push({
        index: chunks.length,
        text: doc.text.slice(child.start, child.end),
        start: child.start,
        end: child.end,
        ...locate(child.start),
        parent,
      });
    }
  });
  return chunks;
}

async function semantic(
  doc: ParsedDocument,
  config: { maxTokens: number; bufferSize: number; breakpointPercentileThreshold: number },
  embed: EmbedTexts,
  signal?: AbortSignal,
): Promise<PackedSpan[]> {
  const sentences = textUnits(doc.text, config.maxTokens);
  const breaks = await semanticBreaks(
    doc.text,
    sentences,
    config.bufferSize,
    config.breakpointPercentileThreshold,
    embed,
    signal,
  );
  const spans: PackedSpan[] = [];
  let groupStart = 0;
  for (let i = 0; i < sentences.length; i++) {
    if (i === sentences.length - 1 || breaks.has(i)) {
      // A group of similar sentences longer than maxTokens is split further, without overlap, as Bedrock does.
      spans.push(...packUnits(doc.text, sentences.slice(groupStart, i + 1), config.maxTokens, 0));
      groupStart = i + 1;
    }
  }
  return spans;
}

/** The whole document as one chunk (Bedrock's NONE: the documents are pre-split by the user). */
function whole(doc: ParsedDocument): PackedSpan[] {
  const start = doc.text.length - doc.text.trimStart().length;
  const end = doc.text.trimEnd().length;
  return end > start ? [{ start, end, tokens: 0 }] : [];
}

export async function chunkDocument(
  doc: ParsedDocument,
  config: ChunkingConfiguration,
  embed?: EmbedTexts,
  options: ChunkDocumentOptions = {},
): Promise<Chunk[]> {
  switch (config.chunkingStrategy) {
    case 'FIXED_SIZE': {
      const { maxTokens, overlapPercentage } = config.fixedSizeChunkingConfiguration;
      return spansToChunks(doc, fixedSize(doc, maxTokens, overlapPercentage));
    }
    case 'HIERARCHICAL': {
      const { levelConfigurations, overlapTokens } = config.hierarchicalChunkingConfiguration;
      return hierarchical(
        doc,
        levelConfigurations[0].maxTokens,
        levelConfigurations[1].maxTokens,
        overlapTokens,
      );
    }
    case 'SEMANTIC': {
      if (!embed) {
        throw new LakegateError(
          'VALIDATION_FAILED',
          'SEMANTIC chunking needs an embedding model to compare sentences.',
          {
            details: { field: 'chunkingConfiguration.chunkingStrategy' },
          },
        );
      }
      return spansToChunks(
        doc,
        await semantic(doc, config.semanticChunkingConfiguration, embed, options.signal),
      );
    }
    case 'NONE':
      return spansToChunks(doc, whole(doc));
  }
}
