// Statements on the wire, as Databricks writes them: snake_case, a status with state and error, a manifest
// with schema and chunk list, and a result chunk whose values are strings or null, with the link to the
// next chunk.

import type { ResultChunk, ResultManifest, StatementSnapshot } from '../../data/index.js';
import { sqlWireError } from './sql-error.js';

export const SQL_PREFIX = '/api/2.0/sql/statements';

function manifestWire(manifest: ResultManifest) {
  return {
    format: 'JSON_ARRAY',
    schema: {
      column_count: manifest.columns.length,
      columns: manifest.columns.map((c) => ({
        name: c.name,
        type_name: c.typeName,
        type_text: c.typeText,
        position: c.position,
      })),
    },
    total_row_count: manifest.totalRowCount,
    total_chunk_count: manifest.chunks.length,
    total_byte_count: manifest.totalByteCount,
    chunks: manifest.chunks.map((c) => ({
      chunk_index: c.chunkIndex,
      row_offset: c.rowOffset,
      row_count: c.rowCount,
      byte_count: c.byteCount,
    })),
    truncated: manifest.truncated,
  };
}

export function chunkWire(statementId: string, chunk: ResultChunk) {
  return {
    chunk_index: chunk.chunkIndex,
    row_offset: chunk.rowOffset,
    row_count: chunk.rowCount,
    byte_count: chunk.byteCount,
    data_array: chunk.dataArray,
    ...(chunk.nextChunkIndex !== undefined
      ? {
          next_chunk_index: chunk.nextChunkIndex,
          next_chunk_internal_link: `${SQL_PREFIX}/${encodeURIComponent(statementId)}/result/chunks/${chunk.nextChunkIndex}`,
        }
      : {}),
  };
}

export function statementWire(snapshot: StatementSnapshot) {
  return {
    statement_id: snapshot.statementId,
    status: {
      state: snapshot.state,
      ...(snapshot.error ? { error: sqlWireError(snapshot.error.code, snapshot.error.message) } : {}),
    },
    ...(snapshot.manifest ? { manifest: manifestWire(snapshot.manifest) } : {}),
    ...(snapshot.result ? { result: chunkWire(snapshot.statementId, snapshot.result) } : {}),
  };
}
