// The ingestion path a knowledge base takes, stage by stage: parse → chunk → embed → index, each stage timed
// on its own so the bench can say which one dominates. Uses only the project's modules from dist/: the
// document parsers and chunker (dist/retrieval), the built-in `local/embed` model (dist/models) and a
// VectorIndex. One upsert per document, as ingestion commits a document's chunks atomically.

import { createProvider } from '../../dist/models/index.js';
import { chunkDocument, parseDocument } from '../../dist/retrieval/index.js';
import { locateAnswers } from './quality-corpora.mjs';

/** The local hashed n-gram embedding, called the way retrieval calls a model: batches of texts. */
export function localEmbedder(batchSize = 64) {
  const provider = createProvider('local', { type: 'local' }, {});
  return async function embed(texts, inputType) {
    const vectors = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const inputs = texts.slice(start, start + batchSize);
      const response = await provider.embed({ modelId: 'embed', inputs, inputType });
      vectors.push(...response.embeddings);
    }
    return vectors;
  };
}

/** Seconds spent per stage, added up over every document of a run. */
export function stageClock() {
  const seconds = { parse: 0, chunk: 0, embed: 0, index: 0 };
  return {
    seconds,
    async time(stage, work) {
      const started = performance.now();
      try {
        return await work();
      } finally {
        seconds[stage] += (performance.now() - started) / 1000;
      }
    },
    total: () => seconds.parse + seconds.chunk + seconds.embed + seconds.index,
  };
}

/**
 * Ingests `files` ({ name, bytes }) into `index`. Returns what each document became (its parsed text and
 * chunks, which the quality part needs to judge relevance) and the stage timings.
 */
export async function ingestFiles({ index, files, chunking, embed, clock = stageClock() }) {
  const documents = [];
  for (const file of files) {
    const parsed = await clock.time('parse', () => parseDocument({ bytes: file.bytes, fileName: file.name }));
    const chunks = await clock.time('chunk', () => chunkDocument(parsed, chunking));
    // What gets embedded and indexed: the chunk itself (HIERARCHICAL children carry the parent separately).
    const texts = chunks.map((chunk) => chunk.text);
    const vectors = await clock.time('embed', () => embed(texts, 'search_document'));
    const records = chunks.map((chunk, i) => ({
      id: `${file.name}#${chunk.index}`,
      vector: vectors[i],
      text: chunk.text,
      metadata: {
        document: file.name,
        chunk: chunk.index,
        start: chunk.start,
        end: chunk.end,
        ...(chunk.page === undefined ? {} : { page: chunk.page }),
      },
    }));
    if (records.length > 0) await clock.time('index', () => index.upsert(records));
    documents.push({ name: file.name, parsed, chunks });
  }
  return { documents, clock };
}

/** Pages a parsed document has: its PDF pages, else its metadata's page_count, else none. */
export function pageCount(parsed) {
  if (parsed.pages !== undefined) return parsed.pages.length;
  const counted = parsed.metadata?.page_count;
  return typeof counted === 'number' ? counted : 0;
}

/** A corpus ingested into a fresh `index`, with each question's answer located in the parsed text. */
export async function indexCorpus({ index, corpus, chunking, embed }) {
  const { documents } = await ingestFiles({ index, files: corpus.files, chunking, embed });
  const answers = locateAnswers(corpus.questions, documents, corpus.name);
  const chunks = documents.reduce((sum, document) => sum + document.chunks.length, 0);
  return { documents, answers, chunks };
}
