// Reads a DuckDB result into Databricks-style chunks: values as strings (numbers, booleans and temporal
// values in their text form, nested values as JSON), a row cap and a byte cap per chunk, and an overall
// row limit and byte budget after which reading stops and the result is marked truncated. Reading stops
// early, so a huge result costs only what is kept.

import type { DuckDBResult } from '@duckdb/node-api';
import { duckdbToUc } from '../tables/index.js';
import type { ResultChunk, ResultColumn, ResultManifest } from './statement-types.js';

export interface ChunkLimits {
  /** Rows per chunk. */
  chunkRows: number;
  /** Bytes (JSON text of the values) per chunk; a chunk holds at least one row. */
  chunkBytes: number;
  /** Rows kept in all; more makes the result truncated. */
  rowLimit: number;
  /** Bytes kept in all; more makes the result truncated. */
  totalBytes: number;
}

export interface ReadResult {
  manifest: ResultManifest;
  chunks: ResultChunk[];
}

export function columnsOf(result: DuckDBResult): ResultColumn[] {
  const names = result.columnNames();
  return result.columnTypes().map((type, position) => {
    let typeText = String(type);
    let typeName = 'STRING';
    try {
      const uc = duckdbToUc(String(type));
      typeText = uc.typeText;
      typeName = uc.typeName;
    } catch {
      // An exotic type keeps DuckDB's spelling and reads as STRING.
    }
    return { name: names[position] ?? `col${position}`, typeName, typeText, position };
  });
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

export async function readResult(result: DuckDBResult, limits: ChunkLimits): Promise<ReadResult> {
  const columns = columnsOf(result);
  const chunks: ResultChunk[] = [];
  let current: ResultChunk = { chunkIndex: 0, rowOffset: 0, rowCount: 0, byteCount: 0, dataArray: [] };
  let total = 0;
  let bytes = 0;
  let truncated = false;
  const close = () => {
    if (current.rowCount === 0) return;
    chunks.push(current);
    current = { chunkIndex: chunks.length, rowOffset: total, rowCount: 0, byteCount: 0, dataArray: [] };
  };
  outer: for await (const rows of result.yieldRowsJson()) {
    for (const row of rows) {
      if (total >= limits.rowLimit) {
        truncated = true;
        break outer;
      }
      const values = row.map(asText);
      const size = JSON.stringify(values).length;
      if (bytes + size > limits.totalBytes) {
        truncated = true;
        break outer;
      }
      if (
        current.rowCount >= limits.chunkRows ||
        (current.rowCount > 0 && current.byteCount + size > limits.chunkBytes)
      ) {
        close();
      }
      current.dataArray.push(values);
      current.rowCount++;
      current.byteCount += size;
      total++;
      bytes += size;
    }
  }
  close();
  chunks.forEach((chunk, i) => {
    if (i + 1 < chunks.length) chunk.nextChunkIndex = i + 1;
  });
  return {
    manifest: {
      columns,
      totalRowCount: total,
      totalByteCount: bytes,
      chunks: chunks.map(({ chunkIndex, rowOffset, rowCount, byteCount }) => ({
        chunkIndex,
        rowOffset,
        rowCount,
        byteCount,
      })),
      truncated,
    },
    chunks,
  };
}
