// The vocabulary of managed tables, shared by the storage, the governed facade and the layers above.

/** One declared column, as a table is created with it (and as the securable's details keep it). */
export interface ColumnSpec {
  name: string;
  /** A Unity Catalog type: BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DECIMAL(p,s), STRING, DATE,
   * TIMESTAMP, TIMESTAMP_NTZ, BINARY, ARRAY<..>, MAP<..,..>, STRUCT<..> (SQL spellings such as bigint work too). */
  type: string;
  /** Defaults to true. */
  nullable?: boolean;
  comment?: string;
}

export interface TableSpec {
  columns: ColumnSpec[];
  comment?: string;
  properties?: Record<string, string>;
  /** What UC reports as data_source_format (default DELTA: versioned, with history and time travel). */
  dataSourceFormat?: string;
}

export type FileFormat = 'csv' | 'parquet' | 'json' | 'jsonl';

export interface CsvOptions {
  /** Whether the first line names the columns (default true); with a header, columns match by name. */
  header?: boolean;
  /** One character; default `,`. */
  delimiter?: string;
}

export type WriteSource =
  | { kind: 'rows'; rows: Record<string, unknown>[] }
  /** A local file the caller may read; it is copied into the engine's staging folder and removed after. */
  | { kind: 'file'; path: string; format?: FileFormat; options?: CsvOptions }
  /** SQL the server generated (the governed rewrite), never user text; its columns map by position. */
  | { kind: 'query'; sql: string };

export type WriteMode = 'append' | 'overwrite' | 'merge';

export interface WriteRequest {
  mode: WriteMode;
  /** Merge only: the columns that identify a row. */
  keys?: string[];
  source: WriteSource;
}

export interface WriteResult {
  version: number;
  /** Rows that are new in this version (for a merge: source rows whose key was not there yet). */
  rowsAdded: number;
  /**
   * Rows that are gone in this version: an overwrite's previous rows; for a merge, rows the table held
   * more than once under a matched key (they collapse into the source's one row).
   */
  rowsRemoved: number;
  /** Merge only (0 otherwise): rows whose key matched and that were replaced by the source's row. */
  rowsUpdated: number;
  /** Rows in the table after the write. */
  rowsTotal: number;
}

export type TableOperation = 'CREATE TABLE' | 'WRITE' | 'OVERWRITE' | 'MERGE';

export interface TableVersion {
  version: number;
  operation: TableOperation;
  /** The principal's name. */
  principal: string;
  /** ISO time of the commit. */
  timestamp: string;
  rowsAdded: number;
  rowsRemoved: number;
  rowsUpdated: number;
  rowsTotal: number;
  /** Whether this version can still be read (time travel keeps the most recent ones). */
  readable: boolean;
}

/** Which version of a table to read: the current one when empty. */
export interface TableAt {
  version?: number;
  /** ISO time: the last version committed at or before it. */
  timestamp?: string;
}

/** A declared column as stored: its name and both type spellings. */
export interface StoredColumn {
  name: string;
  /** Unity Catalog's canonical type text, e.g. `DECIMAL(10,2)`, `ARRAY<STRING>`. */
  ucType: string;
  /** DuckDB's type, e.g. `DECIMAL(10,2)`, `VARCHAR[]`. */
  duckdbType: string;
  nullable: boolean;
}
