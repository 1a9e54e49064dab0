// One query of a vector index, permission-aware. The engine proposes candidates (ANN, full text, or both
// fused); for a table-synced index the candidates are then RE-READ from the source table through the
// governed SQL path AS THE CALLER, and only what that read returns is returned: the caller's row filter
// drops rows, its column masks mask values, and the filter is checked again on the values the caller sees.
// Nothing returned comes from the index's own metadata. When the caller cannot read enough candidates the
// engine is asked for more (×4 each round, up to a cap), so `num_results` still comes back when enough
// readable rows exist.

import type { Json } from '@duckdb/node-api';
import type { Actor } from '../../catalog/index.js';
import { OldestFirst, validationError } from '../../core/index.js';
import type { GovernedData } from '../../data/index.js';
import { compileMetadataFilter } from '../engine/metadata-filter.js';
import type { VectorHit, VectorIndex } from '../engine/vector-engine.js';
import type { RetrievalModels } from '../model-calls.js';
import { rerankCandidates } from '../rerank-candidates.js';
import { compileFiltersJson } from './filters-json.js';
import { type KeyReadOptions, readRowsByKey } from './governed-rows.js';
import type { IndexColumn, IndexDefinition } from './index-definition.js';
import { metadataOf, resultValueOf } from './index-values.js';

export type QueryType = 'ANN' | 'HYBRID' | 'FULL_TEXT';

export interface IndexQuery {
  queryText?: string;
  queryVector?: readonly number[];
  /** Default 10, at most MAX_RESULTS. */
  numResults?: number;
  /** Columns to return (the score is always added last); default every column but the vector. */
  columns?: string[];
  /** Databricks `filters_json`: a JSON string or the object itself. */
  filters?: unknown;
  /** Default ANN. */
  queryType?: QueryType;
  /** Hits scoring lower are dropped. */
  scoreThreshold?: number;
  /**
   * Reorders the best readable candidates by a reranking model (through the model API, as the caller):
   * each candidate's text is the values of `columns`, as the caller reads them. Needs `queryText`.
   */
  reranker?: { model: string; columns: string[] };
  requestId?: string;
  signal?: AbortSignal;
}

export interface IndexQueryResult {
  queryType: QueryType;
  /** The returned columns, `score` last. */
  columns: string[];
  rows: Json[][];
  /** The primary keys returned, in order (for the audit). */
  keys: string[];
}

export const MAX_RESULTS = 1000;
/** How many readable candidates a reranker sees (num_results if that is more). */
export const RERANK_CANDIDATES = 50;
/** Candidates asked of the engine at most, whatever num_results is. */
const MAX_CANDIDATES = 10_000;
const GROWTH = 4;

export interface QueryContext {
  data: GovernedData;
  models: RetrievalModels;
  /** The share of candidates each caller could read on an index, last time (sizes the first fetch). */
  readableShare?: ReadableShares;
  /** How the re-read runs: pooled connections, and the rows earlier re-reads returned. */
  reads?: KeyReadOptions;
}

/**
 * Remembers, per caller and index, what share of the engine's candidates the caller could read, so that
 * the first fetch of the next query is already large enough (a second round costs another search and
 * another read). Bounded: the oldest entries go first.
 */
export class ReadableShares {
  private readonly shares = new Map<string, number>();
  private readonly oldest = new OldestFirst(this.shares);

  constructor(private readonly capacity = 10_000) {}

  get(key: string): number | undefined {
    return this.shares.get(key);
  }

  set(key: string, share: number): void {
    this.shares.delete(key);
    if (this.shares.size >= this.capacity) this.oldest.evict();
    this.shares.set(key, share);
  }
}

/**
 * The first fetch: enough candidates for k readable ones at the share seen last time (half, at first), with
 * room for chance — a second round costs another search and another re-read. At k = 10 and a share of 1/4,
 * 2k/share = 80 candidates fall short of 10 readable ones about 0.4% of the time (binomial), 1.5k/share = 60
 * about 5% of the time.
 */
function firstFetch(k: number, share: number | undefined, cap: number): number {
  const expected = Math.max(share ?? 0.5, 1 / 64);
  return Math.min(cap, Math.max(2 * k, Math.ceil((2 * k) / expected)));
}

function checkedColumns(definition: IndexDefinition, requested: string[] | undefined): IndexColumn[] {
  const returnable = definition.columns.filter((c) => c.name !== definition.vectorColumn);
  if (requested === undefined || requested.length === 0) return returnable;
  return requested.map((name) => {
    const found = definition.columns.find((c) => c.name.toLowerCase() === String(name).toLowerCase());
    if (!found) throw validationError(`"${name}" is not a column of the index.`);
    return found;
  });
}

function numResultsOf(value: number | undefined): number {
  if (value === undefined) return 10;
  if (!Number.isInteger(value) || value < 1 || value > MAX_RESULTS) {
    throw validationError(`num_results must be a whole number from 1 to ${MAX_RESULTS}.`);
  }
  return value;
}

async function queryVectorOf(
  ctx: QueryContext,
  actor: Actor,
  definition: IndexDefinition,
  query: IndexQuery,
): Promise<readonly number[]> {
  if (query.queryVector !== undefined) {
    if (!Array.isArray(query.queryVector) || query.queryVector.length === 0) {
      throw validationError('query_vector must be a non-empty list of numbers.');
    }
    return query.queryVector;
  }
  if (!query.queryText) throw validationError('Give query_text or query_vector.');
  if (!definition.embeddingModel) {
    throw validationError(
      'This index holds ready vectors and no embedding model: query it with query_vector.',
    );
  }
  // The query is embedded AS THE CALLER: its access to the model, limits and usage apply.
  const [vector] = await ctx.models.embed(
    actor,
    definition.embeddingModel,
    [query.queryText],
    'search_query',
    {
      ...(query.requestId ? { requestId: query.requestId } : {}),
      // Always a signal of this query's own: the router leaves a listener on the signal it is given.
      signal: query.signal ?? new AbortController().signal,
    },
  );
  if (!vector) throw validationError('The embedding model returned no vector for the query.');
  return Array.from(vector);
}

/** The reranker's columns, checked: columns of the index, not its vector. */
function rerankColumnsOf(definition: IndexDefinition, query: IndexQuery): IndexColumn[] {
  const reranker = query.reranker!;
  if (typeof reranker.model !== 'string' || reranker.model.trim() === '')
    throw validationError('reranker.model must name a reranking model.');
  if (!Array.isArray(reranker.columns) || reranker.columns.length === 0)
    throw validationError('reranker.parameters.columns_to_rerank must list at least one column.');
  if (!query.queryText)
    throw validationError('A reranker needs query_text: it compares texts with the query.');
  return reranker.columns.map((name) => {
    const found = definition.columns.find((c) => c.name.toLowerCase() === String(name).toLowerCase());
    if (!found || found.name === definition.vectorColumn)
      throw validationError(`"${name}" is not a text column of the index, so it cannot be reranked on.`);
    return found;
  });
}

/** Reranks a query's candidates by its reranker, as the caller, keeping k. */
function rerankForQuery<T>(
  ctx: QueryContext,
  actor: Actor,
  query: IndexQuery,
  candidates: readonly T[],
  textOf: (candidate: T) => string,
  k: number,
): Promise<Array<{ candidate: T; score: number }>> {
  return rerankCandidates(ctx.models, actor, query.reranker!.model, query.queryText!, candidates, textOf, k, {
    ...(query.requestId ? { requestId: query.requestId } : {}),
    ...(query.signal ? { signal: query.signal } : {}),
  });
}

const rerankText = (values: readonly unknown[]): string =>
  values
    .filter((value) => value !== null && value !== undefined)
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    .join('\n');

export async function queryIndex(
  ctx: QueryContext,
  actor: Actor,
  definition: IndexDefinition,
  index: VectorIndex | undefined,
  query: IndexQuery,
): Promise<IndexQueryResult> {
  const k = numResultsOf(query.numResults);
  const queryType = query.queryType ?? 'ANN';
  if (!['ANN', 'HYBRID', 'FULL_TEXT'].includes(queryType)) {
    throw validationError('query_type must be ANN, HYBRID or FULL_TEXT.');
  }
  if (query.scoreThreshold !== undefined && !Number.isFinite(query.scoreThreshold)) {
    throw validationError('score_threshold must be a number.');
  }
  const columns = checkedColumns(definition, query.columns);
  const rerankColumns = query.reranker === undefined ? [] : rerankColumnsOf(definition, query);
  // With a reranker, the first stage gathers more readable candidates than will be returned.
  const wanted = query.reranker === undefined ? k : Math.min(MAX_RESULTS, Math.max(k, RERANK_CANDIDATES));
  const filters = compileFiltersJson(query.filters, definition.columns);
  if (queryType !== 'ANN' && !definition.textColumn) {
    throw validationError(`query_type ${queryType} needs an index with an embedding source (text) column.`);
  }
  if (queryType !== 'ANN' && !query.queryText)
    throw validationError(`query_type ${queryType} needs query_text.`);
  const vector = queryType === 'FULL_TEXT' ? undefined : await queryVectorOf(ctx, actor, definition, query);
  const resultColumns = [...columns.map((c) => c.name), 'score'];
  if (!index) return { queryType, columns: resultColumns, rows: [], keys: [] };

  const search = (size: number): Promise<VectorHit[]> => {
    const common = { k: size, ...(filters.filter ? { filter: filters.filter } : {}) };
    if (queryType === 'FULL_TEXT') return index.queryText({ text: query.queryText!, ...common });
    if (queryType === 'HYBRID')
      return index.queryHybrid({ vector: vector!, text: query.queryText!, ...common });
    return index.queryVector({ vector: vector!, ...common });
  };
  const threshold = query.scoreThreshold;

  if (definition.indexType === 'DIRECT_ACCESS') {
    // No source table: the index is the data, and its securable's grants are the whole check.
    let hits = (await search(wanted)).filter((h) => threshold === undefined || h.score >= threshold);
    if (query.reranker !== undefined) {
      const reranked = await rerankForQuery(
        ctx,
        actor,
        query,
        hits,
        (h) => rerankText(rerankColumns.map((c) => h.metadata[c.name])),
        k,
      );
      hits = reranked.map(({ candidate, score }) => ({ ...candidate, score }));
    }
    return {
      queryType,
      columns: resultColumns,
      rows: hits.map((h) => [...columns.map((c) => (h.metadata[c.name] ?? null) as Json), h.score]),
      keys: hits.map((h) => h.id),
    };
  }

  // The caller's read covers the returned columns, the filtered ones (for the re-check) and those a
  // reranker reads (as the caller sees them: a masked value is reranked masked).
  const read = [...columns];
  for (const name of [...filters.columns, ...rerankColumns.map((c) => c.name)]) {
    if (!read.some((c) => c.name === name)) read.push(definition.columns.find((c) => c.name === name)!);
  }
  const recheck = filters.filter ? compileMetadataFilter(filters.filter) : undefined;
  const source = definition.source!;
  const readable = new Map<string, Json[] | null>();
  const cap = Math.min(MAX_CANDIDATES, Math.max(wanted * 64, 256));
  const shareKey = `${actor.principalId}|${source.id}|${filters.filter ? 'filtered' : ''}`;
  let size = firstFetch(wanted, ctx.readableShare?.get(shareKey), cap);
  let readCount = 0;
  let readableCount = 0;
  let kept: Array<{ hit: VectorHit; values: Json[] }> = [];
  for (;;) {
    const hits = await search(size);
    const scored = hits.filter((h) => threshold === undefined || h.score >= threshold);
    const unread = scored.map((h) => h.id).filter((id) => !readable.has(id));
    const rows = await readRowsByKey(
      ctx.data,
      actor,
      source.fullName,
      definition.columns[0]!,
      read,
      unread,
      ctx.reads,
    );
    for (const id of unread) {
      const row = rows.get(id);
      const ok = row !== undefined && (!recheck || recheck(metadataOf(read, row.values)));
      readable.set(id, ok ? row.values : null);
      readCount += 1;
      if (ok) readableCount += 1;
    }
    kept = [];
    for (const hit of scored) {
      const values = readable.get(hit.id);
      if (values) kept.push({ hit, values });
      if (kept.length === wanted) break;
    }
    // Enough, or the engine has nothing more (fewer hits than asked, or the rest score too low), or the cap.
    const exhausted = hits.length < size || scored.length < hits.length;
    if (kept.length >= wanted || exhausted || size >= cap) break;
    size = Math.min(cap, size * GROWTH);
  }
  if (readCount > 0) ctx.readableShare?.set(shareKey, readableCount / readCount);
  if (query.reranker !== undefined) {
    const indexOf = new Map(read.map((c, i) => [c.name, i]));
    const reranked = await rerankForQuery(
      ctx,
      actor,
      query,
      kept,
      ({ values }) => rerankText(rerankColumns.map((c) => values[indexOf.get(c.name)!])),
      k,
    );
    kept = reranked.map(({ candidate, score }) => ({
      hit: { ...candidate.hit, score },
      values: candidate.values,
    }));
  }
  return {
    queryType,
    columns: resultColumns,
    rows: kept.map(({ hit, values }) => [
      ...columns.map((column, i) => resultValueOf(values[i] ?? null, column)),
      hit.score,
    ]),
    keys: kept.map(({ hit }) => hit.id),
  };
}
