// The one interface every vector backend implements (embedded today; PostgreSQL with pgvector or LanceDB on
// object storage later). Callers above this folder only ever see these types, so a backend can be swapped
// per deployment without touching retrieval logic. Authorisation is NOT done here: the retrieval services
// above decide who may query which index and add the caller's row filter to `filter`.

import type { MetadataFilter } from './metadata-filter.js';

export type VectorMetric = 'cosine' | 'dot' | 'l2';

/** Flat metadata: scalars and lists of strings (what Bedrock's `listContains` filters over). */
export type MetadataValue = string | number | boolean | readonly string[];
export type Metadata = Readonly<Record<string, MetadataValue>>;

export interface VectorIndexSpec {
  dimension: number;
  metric: VectorMetric;
}

export interface VectorRecord {
  /** Primary key; upserting an existing id replaces its vector, metadata and text. */
  id: string;
  vector: Float32Array | readonly number[];
  metadata?: Metadata;
  /** Text indexed for full-text (BM25) and hybrid search. */
  text?: string;
}

export interface VectorHit {
  id: string;
  /**
   * Higher is better. Vector queries: cosine similarity (cosine), inner product (dot) or
   * 1 / (1 + squared L2 distance) (l2). Full-text: the BM25 score. Hybrid: the weighted RRF score.
   */
  score: number;
  metadata: Metadata;
  text?: string;
}

export interface VectorQuery {
  vector: Float32Array | readonly number[];
  k: number;
  filter?: MetadataFilter;
}

export interface TextQuery {
  text: string;
  k: number;
  filter?: MetadataFilter;
}

export interface HybridQuery {
  vector: Float32Array | readonly number[];
  text: string;
  k: number;
  filter?: MetadataFilter;
  /** How many candidates each side contributes to the fusion; default max(4k, 40). */
  candidates?: number;
  /**
   * The fusion is weighted reciprocal rank fusion: score = vectorWeight / (rrfK + vector rank)
   * + (1 − vectorWeight) / (rrfK + full-text rank). rrfK ≥ 0, default 2.
   */
  rrfK?: number;
  /**
   * The vector ranking's weight in [0, 1], default 0.1: full text leads and the vector side reorders its
   * near-ties and fills in (why: reciprocal-rank-fusion.ts). 0 = full-text ranking only, 1 = vector ranking
   * only; 0.5 with rrfK 60 is classic equal-weight RRF, for an embedder known to beat BM25 on the corpus.
   */
  vectorWeight?: number;
}

export interface VectorIndex extends VectorIndexSpec {
  readonly id: string;
  /** All records of one call are applied atomically: after a crash the index holds all of them or none. */
  upsert(records: readonly VectorRecord[]): Promise<void>;
  /** Deletes the ids that exist; returns how many did. Atomic like `upsert`. */
  delete(ids: readonly string[]): Promise<number>;
  queryVector(query: VectorQuery): Promise<VectorHit[]>;
  queryText(query: TextQuery): Promise<VectorHit[]>;
  queryHybrid(query: HybridQuery): Promise<VectorHit[]>;
  count(): Promise<number>;
  /** Folds the write-ahead log into a snapshot (and saves the ANN graph) so that reopening is fast. */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

export interface VectorEngine {
  /** Which backend this is, for logs and benches. */
  readonly name: string;
  createIndex(indexId: string, spec: VectorIndexSpec): Promise<VectorIndex>;
  /** Opens an existing index; NOT_FOUND when there is none. An index already open is returned as is. */
  openIndex(indexId: string): Promise<VectorIndex>;
  dropIndex(indexId: string): Promise<void>;
  close(): Promise<void>;
}
