// What a DIRECT_ACCESS index takes by API: rows checked against its schema (a primary key, a vector, known
// columns only) and turned into engine records, and primary keys to delete. Everything is checked before
// anything is written, so a batch with one bad row writes nothing.

import { isRecord, validationError } from '../../core/index.js';
import type { MetadataValue, VectorRecord } from '../engine/vector-engine.js';
import type { IndexDefinition } from './index-definition.js';
import { metadataValueOf, vectorOf } from './index-values.js';

export const MAX_ROWS_PER_CALL = 10_000;

export function recordsOfRows(definition: IndexDefinition, rows: readonly unknown[]): VectorRecord[] {
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_ROWS_PER_CALL) {
    throw validationError(`inputs_json must be a list of 1 to ${MAX_ROWS_PER_CALL} rows.`);
  }
  const known = new Set(definition.columns.map((c) => c.name));
  return rows.map((row, i) => {
    if (!isRecord(row)) throw validationError(`Row ${i} is not an object.`);
    for (const field of Object.keys(row)) {
      if (!known.has(field))
        throw validationError(`Row ${i} has "${field}", which is not in the index schema.`);
    }
    const key = row[definition.primaryKey];
    if (!(typeof key === 'string' && key !== '') && !(typeof key === 'number' && Number.isInteger(key))) {
      throw validationError(`Row ${i} has no primary key "${definition.primaryKey}".`);
    }
    const vector = vectorOf(row[definition.vectorColumn ?? '']);
    if (!vector) throw validationError(`Row ${i} has no vector in "${definition.vectorColumn}".`);
    const metadata: Record<string, MetadataValue> = {};
    for (const column of definition.columns) {
      if (column.name === definition.vectorColumn) continue;
      const value = metadataValueOf(row[column.name], column);
      if (value !== undefined) metadata[column.name] = value;
    }
    return { id: String(key), vector, metadata };
  });
}

export function keysOf(keys: readonly unknown[]): string[] {
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_ROWS_PER_CALL) {
    throw validationError(`primary_keys must be a list of 1 to ${MAX_ROWS_PER_CALL} keys.`);
  }
  return keys.map((key) => {
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw validationError('A primary key is a string or a number.');
    }
    return String(key);
  });
}
