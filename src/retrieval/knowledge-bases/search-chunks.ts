// One search over a knowledge base's chunks: SEMANTIC (vectors) or HYBRID (vectors and BM25 fused by
// reciprocal rank), with the access filter already folded into `filter`. Under HIERARCHICAL chunking the
// children are what is searched and their parents what is returned: several children of one parent
// collapse into the parent (at its best child's score), and the search widens until enough distinct
// parents are found or the index has nothing more to give.

import type { MetadataFilter } from '../engine/metadata-filter.js';
import type { Metadata, MetadataValue, VectorHit, VectorIndex } from '../engine/vector-engine.js';
import {
  CHUNK_ID_KEY,
  FILE_ID_KEY,
  PARENT_INDEX_KEY,
  PARENT_TEXT_KEY,
  SOURCE_URI_KEY,
  visibleMetadata,
} from './chunk-metadata.js';

export type SearchType = 'HYBRID' | 'SEMANTIC';

export interface ChunkSearch {
  vector: Float32Array;
  text: string;
  numberOfResults: number;
  searchType: SearchType;
  filter?: MetadataFilter;
}

export interface RetrievedChunk {
  /** The chunk's id (`<file id>#<n>`), or for a parent `<file id>#p<n>`. */
  chunkId: string;
  /** The document's volume path. */
  documentPath: string;
  text: string;
  score: number;
  metadata: Record<string, MetadataValue>;
}

/** Widening stops here: a parent with this many matching children is not worth more searching. */
const MAX_WIDEN = 64;
const MAX_CANDIDATES = 2_000;

async function searchOnce(index: VectorIndex, search: ChunkSearch, k: number): Promise<VectorHit[]> {
  const filter = search.filter ? { filter: search.filter } : {};
  if (search.searchType === 'SEMANTIC') return index.queryVector({ vector: search.vector, k, ...filter });
  return index.queryHybrid({ vector: search.vector, text: search.text, k, ...filter });
}

function stringOf(metadata: Metadata, key: string): string {
  const value = metadata[key];
  return typeof value === 'string' ? value : '';
}

function asChunk(hit: VectorHit): RetrievedChunk {
  return {
    chunkId: stringOf(hit.metadata, CHUNK_ID_KEY) || hit.id,
    documentPath: stringOf(hit.metadata, SOURCE_URI_KEY),
    text: hit.text ?? '',
    score: hit.score,
    metadata: visibleMetadata(hit.metadata),
  };
}

/** Children collapsed into their parents, best first; chunks without a parent stay as they are. */
function collapseParents(hits: readonly VectorHit[]): RetrievedChunk[] {
  const seen = new Set<string>();
  const out: RetrievedChunk[] = [];
  for (const hit of hits) {
    const parentIndex = hit.metadata[PARENT_INDEX_KEY];
    if (typeof parentIndex !== 'number') {
      out.push(asChunk(hit));
      continue;
    }
    const parentId = `${stringOf(hit.metadata, FILE_ID_KEY)}#p${parentIndex}`;
    if (seen.has(parentId)) continue;
    seen.add(parentId);
    const chunk = asChunk(hit);
    out.push({
      ...chunk,
      chunkId: parentId,
      text: stringOf(hit.metadata, PARENT_TEXT_KEY),
      metadata: { ...chunk.metadata, [CHUNK_ID_KEY]: parentId },
    });
  }
  return out;
}

export async function searchChunks(index: VectorIndex, search: ChunkSearch): Promise<RetrievedChunk[]> {
  const wanted = search.numberOfResults;
  let k = wanted;
  for (;;) {
    const hits = await searchOnce(index, search, k);
    const chunks = collapseParents(hits);
    const exhausted = hits.length < k;
    if (chunks.length >= wanted || exhausted || k >= wanted * MAX_WIDEN || k >= MAX_CANDIDATES) {
      return chunks.slice(0, wanted);
    }
    k = Math.min(k * 4, wanted * MAX_WIDEN, MAX_CANDIDATES);
  }
}
