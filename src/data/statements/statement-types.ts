// The vocabulary of statements, shaped like Databricks' SQL Statement Execution API (camelCase here; the
// HTTP surface writes snake_case).

import type { ErrorCode } from '../../core/index.js';
import type { StatementParameter } from './bind-parameters.js';

export type StatementState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'CLOSED';

export interface SubmitStatement {
  statement: string;
  catalog?: string;
  schema?: string;
  parameters?: StatementParameter[];
  /** Seconds to wait for the result before answering: 0, or 5 to 50 (default 10). */
  waitTimeoutSeconds?: number;
  /** What to do when the wait ends first: keep running (default) or cancel. */
  onWaitTimeout?: 'CONTINUE' | 'CANCEL';
  /** At most this many rows are kept; the manifest then says `truncated`. */
  rowLimit?: number;
}

export interface ResultColumn {
  name: string;
  /** Databricks' type name (INT, STRING, DECIMAL, ARRAY, ...). */
  typeName: string;
  /** The full type (DECIMAL(10,2), ARRAY<STRING>, ...). */
  typeText: string;
  position: number;
}

export interface ChunkInfo {
  chunkIndex: number;
  rowOffset: number;
  rowCount: number;
  byteCount: number;
}

export interface ResultManifest {
  columns: ResultColumn[];
  totalRowCount: number;
  totalByteCount: number;
  chunks: ChunkInfo[];
  truncated: boolean;
}

export interface ResultChunk extends ChunkInfo {
  /** Values as strings, or null, as Databricks sends JSON_ARRAY results. */
  dataArray: Array<Array<string | null>>;
  /** The next chunk's index, absent on the last chunk. */
  nextChunkIndex?: number;
}

export interface StatementError {
  code: ErrorCode;
  message: string;
}

/** What a submit, get or cancel answers. */
export interface StatementSnapshot {
  statementId: string;
  state: StatementState;
  error?: StatementError;
  manifest?: ResultManifest;
  /** The first chunk, inline, when the statement succeeded. */
  result?: ResultChunk;
}
