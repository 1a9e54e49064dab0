// Checks everything a caller hands the engine before anything is written, so a bad record rejects the whole
// batch with VALIDATION_FAILED and leaves the index untouched.

import { validationError } from '../../core/index.js';
import { DEFAULT_HYBRID_FUSION, type HybridFusion } from './reciprocal-rank-fusion.js';
import type { HybridQuery, Metadata, MetadataValue, VectorIndexSpec, VectorRecord } from './vector-engine.js';
import { normalise } from './vector-store.js';

export const MAX_ID_LENGTH = 1024;
export const MAX_K = 10_000;
export const MAX_QUERY_TEXT = 10_000;

export interface RecordHeader {
  id: string;
  metadata?: Metadata;
  text?: string;
}

export function validateIndexId(indexId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(indexId) || indexId.includes('..'))
    throw validationError(
      'An index id is 1-128 letters, digits, "_", "-" or "." and starts with a letter or digit.',
      { indexId },
    );
}

export function validateSpec(spec: VectorIndexSpec): void {
  if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > 16_384)
    throw validationError('dimension must be an integer from 1 to 16384.', { dimension: spec.dimension });
  if (!['cosine', 'dot', 'l2'].includes(spec.metric))
    throw validationError('metric must be one of cosine, dot, l2.', { metric: spec.metric });
}

/** Copies `vector` into `into` at `offset`, checking its length and values. */
function copyVector(
  vector: Float32Array | readonly number[],
  spec: VectorIndexSpec,
  into: Float32Array,
  offset: number,
  what: string,
): void {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector))
    throw validationError(`${what} must be an array of numbers.`);
  if (vector.length !== spec.dimension)
    throw validationError(`${what} has ${vector.length} dimensions; the index has ${spec.dimension}.`);
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw validationError(`${what} holds a value that is not a finite number at position ${i}.`);
    into[offset + i] = value;
    norm += value * value;
  }
  if (spec.metric === 'cosine' && norm === 0)
    throw validationError(`${what} is all zeros, which has no direction for cosine similarity.`);
}

function validateMetadata(metadata: unknown, id: string): Metadata | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw validationError(`Record "${id}": metadata must be an object.`);
  const copy: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key.length === 0) throw validationError(`Record "${id}": metadata keys must be non-empty.`);
    if (typeof value === 'string' || typeof value === 'boolean') copy[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) copy[key] = value;
    else if (Array.isArray(value) && value.every((member) => typeof member === 'string'))
      copy[key] = Object.freeze([...value]);
    else
      throw validationError(
        `Record "${id}": metadata "${key}" must be a string, a finite number, a boolean or a list of strings.`,
      );
  }
  return Object.freeze(copy);
}

/** The batch's headers and its vectors as one row-major matrix; duplicate ids in one batch are refused. */
export function validateRecords(
  records: readonly VectorRecord[],
  spec: VectorIndexSpec,
): { headers: RecordHeader[]; vectors: Float32Array } {
  if (!Array.isArray(records)) throw validationError('records must be a list.');
  const vectors = new Float32Array(records.length * spec.dimension);
  const seen = new Set<string>();
  const headers = records.map((record, i): RecordHeader => {
    const id: unknown = record?.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH)
      throw validationError(`Record ${i}: id must be a string of 1 to ${MAX_ID_LENGTH} characters.`);
    if (seen.has(id)) throw validationError(`Record "${id}" appears twice in one batch.`);
    seen.add(id);
    copyVector(record.vector, spec, vectors, i * spec.dimension, `Record "${id}": vector`);
    if (record.text !== undefined && typeof record.text !== 'string')
      throw validationError(`Record "${id}": text must be a string.`);
    const metadata = validateMetadata(record.metadata, id);
    return {
      id,
      ...(metadata === undefined ? {} : { metadata }),
      ...(record.text === undefined ? {} : { text: record.text }),
    };
  });
  return { headers, vectors };
}

export function validateIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
    throw validationError('ids must be a list of strings.');
  return [...new Set(ids)];
}

export function validateK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K)
    throw validationError(`k must be an integer from 1 to ${MAX_K}.`, { k });
}

/** The query as a fresh Float32Array (normalised for cosine, so closeness is a dot product). */
export function validateQueryVector(
  vector: Float32Array | readonly number[],
  spec: VectorIndexSpec,
): Float32Array {
  const query = new Float32Array(spec.dimension);
  copyVector(vector, spec, query, 0, 'The query vector');
  if (spec.metric === 'cosine') normalise(query, 0, spec.dimension);
  return query;
}

export function validateQueryText(text: string): void {
  if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_QUERY_TEXT)
    throw validationError(
      `The query text must be a non-empty string of at most ${MAX_QUERY_TEXT} characters.`,
    );
}

/** A hybrid query's fusion settings, defaults filled in. */
export function validateFusion(query: Pick<HybridQuery, 'rrfK' | 'vectorWeight'>): HybridFusion {
  const rrfK = query.rrfK ?? DEFAULT_HYBRID_FUSION.rrfK;
  if (typeof rrfK !== 'number' || !Number.isFinite(rrfK) || rrfK < 0)
    throw validationError('rrfK must be a non-negative number.', { rrfK });
  const vectorWeight = query.vectorWeight ?? DEFAULT_HYBRID_FUSION.vectorWeight;
  // Written as a range test so that NaN fails it too.
  if (typeof vectorWeight !== 'number' || !(vectorWeight >= 0 && vectorWeight <= 1))
    throw validationError('vectorWeight must be a number from 0 to 1.', { vectorWeight });
  return { rrfK, vectorWeight };
}
