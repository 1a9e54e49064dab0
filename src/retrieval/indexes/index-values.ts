// One conversion from a governed row's values to the engine's flat metadata, used both when a row is
// indexed (the owner's view) and when a candidate is re-read for a caller (the caller's view), so that a
// filter evaluates the same way on both. DuckDB's JSON form gives BIGINT and DECIMAL as strings: numeric
// columns are turned back into numbers so that range filters work.

import type { Json } from '@duckdb/node-api';
import type { Metadata, MetadataValue } from '../engine/vector-engine.js';
import { type IndexColumn, isNumericType } from './index-definition.js';

/** The metadata value of one column value; undefined when it has none the engine can filter on. */
export function metadataValueOf(value: unknown, column: IndexColumn): MetadataValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (isNumericType(column.type)) {
    const number = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value) && /^ARRAY<\s*STRING\s*>$/i.test(column.type)) {
    return value.filter((v) => v !== null).map(String);
  }
  // Maps, structs and numeric arrays are returned, never filtered on.
  return undefined;
}

/** Metadata of `columns` from `values` (same order), skipping the ones listed in `skip`. */
export function metadataOf(
  columns: readonly IndexColumn[],
  values: readonly Json[],
  skip: ReadonlySet<string> = new Set(),
): Metadata {
  const metadata: Record<string, MetadataValue> = {};
  columns.forEach((column, i) => {
    if (skip.has(column.name)) return;
    const value = metadataValueOf(values[i], column);
    if (value !== undefined) metadata[column.name] = value;
  });
  return metadata;
}

/** A JSON array of numbers as a vector; undefined when it is not one. */
export function vectorOf(value: unknown): number[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const vector: number[] = [];
  for (const v of value) {
    const number = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(number)) return undefined;
    vector.push(number);
  }
  return vector;
}

/**
 * A governed read's value as a query returns it: numbers as JSON numbers (DuckDB's JSON form gives BIGINT
 * and DECIMAL as strings), except integers beyond 2^53, which stay exact strings.
 */
export function resultValueOf(value: Json, column: IndexColumn): Json {
  if (typeof value !== 'string' || !isNumericType(column.type)) return value;
  const number = Number(value);
  if (!Number.isFinite(number)) return value;
  if (/^-?\d+$/.test(value) && !Number.isSafeInteger(number)) return value;
  return number;
}
