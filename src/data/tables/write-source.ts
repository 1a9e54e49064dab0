// Turns a write's source (rows, a local file, or server-generated SQL) into one SELECT that yields the
// declared columns, in order, with their declared types. Files are staged into the engine's staging
// folder (the only place DuckDB may read from) under a random name and removed afterwards.

import { randomUUID } from 'node:crypto';
import { copyFileSync, linkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LakegateError, validationError } from '../../core/index.js';
import { sqlIdentifier, sqlString } from '../engine/index.js';
import { type PreparedColumn, rowsToJsonLines } from './row-values.js';
import type { CsvOptions, FileFormat, WriteSource } from './types.js';

export interface PreparedSource {
  /** A SELECT yielding exactly the declared columns, in order, cast to their types. */
  select: string;
  /** What error messages call the source (never the staged path). */
  displayName: string;
  /** The staged file, if any, to scrub from DuckDB's messages. */
  stagedPath?: string;
  /** Removes the staged file. */
  cleanup(): void;
}

const EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};
const FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'json', 'jsonl'];

export function formatOf(path: string, format: string | undefined): FileFormat {
  if (format !== undefined) {
    const lower = format.toLowerCase() as FileFormat;
    if (!FORMATS.includes(lower)) {
      throw validationError(`format must be one of ${FORMATS.join(', ')}, not "${format}".`);
    }
    return lower;
  }
  const byExtension = EXTENSIONS[extname(path).toLowerCase()];
  if (!byExtension) {
    throw validationError(
      `Cannot tell the format of "${basename(path)}" from its name: give a format (${FORMATS.join(', ')}).`,
    );
  }
  return byExtension;
}

/** Links (or, across file systems, copies) the file into the staging folder under a random name. */
function stage(stagingDir: string, path: string, suffix: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) throw validationError(`The file "${basename(path)}" cannot be read.`);
  const staged = join(stagingDir, `load-${randomUUID()}${suffix}`);
  try {
    linkSync(path, staged);
  } catch {
    copyFileSync(path, staged);
  }
  return staged;
}

const cast = (expression: string, column: PreparedColumn) =>
  `CAST(${expression} AS ${column.duckdbType}) AS ${sqlIdentifier(column.name)}`;
const nullOf = (column: PreparedColumn) => cast('NULL', column);

/** DuckDB's type spec for a reader's `columns=` option. */
function columnsOption(entries: [string, string][]): string {
  return `{${entries.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ')}}`;
}

/** BINARY travels as base64 in JSON; everything else the JSON reader converts itself. */
function jsonReadType(column: PreparedColumn): string {
  return column.duckdbType === 'BLOB' ? 'VARCHAR' : column.duckdbType;
}
function fromJson(column: PreparedColumn): string {
  const name = sqlIdentifier(column.name);
  return column.duckdbType === 'BLOB' ? cast(`from_base64(${name})`, column) : cast(name, column);
}

async function describe(connection: DuckDBConnection, relation: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return reader.getRowObjectsJson().map((row) => String(row.column_name));
}

/** Matches a file's column names to the declared ones (case-insensitively); extra names are an error. */
function matchNames(
  fileNames: string[],
  columns: readonly PreparedColumn[],
  what: string,
): Map<string, string> {
  const declared = new Map(columns.map((c) => [c.name.toLowerCase(), c.name]));
  const fileOf = new Map<string, string>();
  for (const name of fileNames) {
    const column = declared.get(name.toLowerCase());
    if (!column) throw validationError(`${what} has a column "${name}" that the table does not declare.`);
    if (fileOf.has(column)) throw validationError(`${what} has the column "${name}" twice.`);
    fileOf.set(column, name);
  }
  return fileOf;
}

function projection(columns: readonly PreparedColumn[], fileOf: Map<string, string>, from: string): string {
  const items = columns.map((c) => {
    const fileName = fileOf.get(c.name);
    return fileName === undefined ? nullOf(c) : cast(sqlIdentifier(fileName), c);
  });
  return `SELECT ${items.join(', ')} FROM ${from}`;
}

function csvDelimiter(options: CsvOptions | undefined, path: string): string | undefined {
  const delimiter = options?.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : undefined);
  if (delimiter !== undefined && ([...delimiter].length !== 1 || delimiter === '\n' || delimiter === '\r')) {
    throw validationError('The CSV delimiter must be one character (not a line break).');
  }
  return delimiter;
}

async function csvSelect(
  connection: DuckDBConnection,
  staged: string,
  columns: readonly PreparedColumn[],
  options: CsvOptions | undefined,
  displayName: string,
  originalPath: string,
): Promise<string> {
  const header = options?.header ?? true;
  const delimiter = csvDelimiter(options, originalPath);
  const dialect = `${delimiter === undefined ? '' : `, delim=${sqlString(delimiter)}`}`;
  if (!header) {
    const typed = columnsOption(columns.map((c) => [c.name, c.duckdbType]));
    return projection(
      columns,
      new Map(columns.map((c) => [c.name, c.name])),
      `read_csv(${sqlString(staged)}, header=false${dialect}, columns=${typed})`,
    );
  }
  const names = await describe(
    connection,
    `read_csv(${sqlString(staged)}, header=true, all_varchar=true${dialect})`,
  );
  const fileOf = matchNames(names, columns, displayName);
  const byFileName = new Map([...fileOf].map(([column, fileName]) => [fileName, column]));
  const typeOf = new Map(columns.map((c) => [c.name, c.duckdbType]));
  // Every file column, in file order, read directly as its declared type: a bad value fails with its line.
  const typed = columnsOption(names.map((n) => [n, typeOf.get(byFileName.get(n)!)!]));
  return projection(
    columns,
    fileOf,
    `read_csv(${sqlString(staged)}, header=true${dialect}, columns=${typed})`,
  );
}

async function parquetSelect(
  connection: DuckDBConnection,
  staged: string,
  columns: readonly PreparedColumn[],
  displayName: string,
): Promise<string> {
  const relation = `read_parquet(${sqlString(staged)})`;
  const fileOf = matchNames(await describe(connection, relation), columns, displayName);
  return projection(columns, fileOf, relation);
}

async function jsonSelect(
  connection: DuckDBConnection,
  staged: string,
  columns: readonly PreparedColumn[],
  format: 'json' | 'jsonl',
  displayName: string,
  checkKeys: boolean,
): Promise<string> {
  const jsonFormat = format === 'jsonl' ? 'newline_delimited' : 'auto';
  if (checkKeys) {
    // The reader ignores keys it was not asked for: look at a sample first so a typo is not lost data.
    matchNames(
      await describe(connection, `read_json(${sqlString(staged)}, format=${sqlString(jsonFormat)})`),
      columns,
      displayName,
    );
  }
  const typed = columnsOption(columns.map((c) => [c.name, jsonReadType(c)]));
  const from = `read_json(${sqlString(staged)}, format=${sqlString(jsonFormat)}, columns=${typed})`;
  return `SELECT ${columns.map(fromJson).join(', ')} FROM ${from}`;
}

async function querySelect(
  connection: DuckDBConnection,
  sql: string,
  columns: readonly PreparedColumn[],
): Promise<string> {
  if (typeof sql !== 'string' || sql.trim() === '') throw validationError('The query source has no SQL.');
  const inner = sql.trim().replace(/;\s*$/, '');
  const names = await describe(connection, `(${inner})`);
  if (names.length !== columns.length) {
    throw validationError(
      `The query yields ${names.length} columns and the table has ${columns.length}: they map by position.`,
    );
  }
  // INSERT ... SELECT semantics: by position, renamed to the declared names, cast to their types.
  const aliases = columns.map((c) => sqlIdentifier(c.name)).join(', ');
  return `SELECT ${columns.map((c) => cast(sqlIdentifier(c.name), c)).join(', ')} FROM (${inner}) AS lg_query(${aliases})`;
}

export async function prepareSource(
  connection: DuckDBConnection,
  stagingDir: string,
  columns: readonly PreparedColumn[],
  source: WriteSource,
): Promise<PreparedSource> {
  const none = () => undefined;
  if (source.kind === 'query') {
    return {
      select: await querySelect(connection, source.sql, columns),
      displayName: 'The query',
      cleanup: none,
    };
  }
  if (source.kind === 'rows') {
    const lines = rowsToJsonLines(source.rows, columns);
    const staged = join(stagingDir, `rows-${randomUUID()}.jsonl`);
    writeFileSync(staged, lines, { mode: 0o600 });
    const cleanup = () => rmSync(staged, { force: true });
    try {
      const select = await jsonSelect(connection, staged, columns, 'jsonl', 'The rows', false);
      return { select, displayName: 'The rows', stagedPath: staged, cleanup };
    } catch (error) {
      cleanup();
      throw error;
    }
  }
  if (source.kind !== 'file' || typeof source.path !== 'string') {
    throw validationError('source.kind must be rows, file or query.');
  }
  const format = formatOf(source.path, source.format);
  const displayName = `The file "${basename(source.path)}"`;
  const staged = stage(stagingDir, source.path, `.${format}`);
  const cleanup = () => rmSync(staged, { force: true });
  try {
    let select: string;
    if (format === 'csv') {
      select = await csvSelect(connection, staged, columns, source.options, displayName, source.path);
    } else if (format === 'parquet') {
      select = await parquetSelect(connection, staged, columns, displayName);
    } else {
      select = await jsonSelect(connection, staged, columns, format, displayName, true);
    }
    return { select, displayName, stagedPath: staged, cleanup };
  } catch (error) {
    cleanup();
    throw explainSourceError(error, { displayName, stagedPath: staged });
  }
}

const USER_ERRORS = /^(Conversion|Constraint|Invalid Input|Binder|Parser|Out of Range|IO|Invalid) Error/;

/**
 * A DuckDB error caused by the data (a bad value, a NOT NULL column left empty, an unreadable file) as
 * VALIDATION_FAILED, worded for the caller: the staged path and DuckDB's long reader dump are cut.
 */
export function explainSourceError(
  error: unknown,
  source: { displayName: string; stagedPath?: string },
  rename: [string, string][] = [],
): unknown {
  if (error instanceof LakegateError || !(error instanceof Error) || !USER_ERRORS.test(error.message)) {
    return error;
  }
  let message = error.message.split('\n\n')[0]!.trim();
  if (source.stagedPath)
    message = message.replaceAll(source.stagedPath, source.displayName.replace(/^The /, 'the '));
  for (const [from, to] of rename) message = message.replaceAll(from, to);
  return new LakegateError('VALIDATION_FAILED', `${source.displayName} cannot be written: ${message}`, {
    cause: error,
  });
}
