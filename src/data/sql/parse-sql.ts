// Text ⇄ tree through DuckDB's own parser (json_serialize_sql / json_deserialize_sql), so the rewrite
// sees exactly the statement DuckDB would run. Only SELECT statements serialize: anything else (DDL, DML,
// PRAGMA, SET, ATTACH, COPY, EXPORT, PIVOT, EXPLAIN) fails here already.

import type { DuckDBConnection } from '@duckdb/node-api';
import { LakegateError, validationError } from '../../core/index.js';
import { parseRawJson, stringifyRawJson } from './raw-json.js';
import { ONLY_SELECT } from './sql-errors.js';
import { isNode, listField, type TreeNode } from './sql-tree.js';

/** Parses SQL that must be exactly one SELECT; returns the statement's tree (`{node, named_param_map}`). */
export async function parseSelect(connection: DuckDBConnection, sql: string): Promise<TreeNode> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  const text = reader.getRows()[0]?.[0];
  if (typeof text !== 'string') throw new LakegateError('INTERNAL', 'The SQL parser returned nothing.');
  const parsed = parseRawJson(text);
  if (!isNode(parsed)) throw new LakegateError('INTERNAL', 'The SQL parser returned no tree.');
  if (parsed.error === true) {
    const type = String(parsed.error_type ?? '');
    const message = String(parsed.error_message ?? 'it could not be parsed');
    if (type === 'parser') throw validationError(`The statement is not valid SQL: ${message}.`);
    throw validationError(ONLY_SELECT);
  }
  const statements = listField(parsed, 'statements');
  if (statements.length !== 1) {
    throw validationError(
      statements.length === 0
        ? 'The statement is empty.'
        : `Found ${statements.length} statements: ${ONLY_SELECT}`,
    );
  }
  const statement = statements[0];
  if (!isNode(statement) || !isNode(statement.node)) throw validationError(ONLY_SELECT);
  return statement;
}

/** Writes a statement tree back as SQL. */
export async function rebuildSql(connection: DuckDBConnection, statement: TreeNode): Promise<string> {
  const json = stringifyRawJson({ error: false, statements: [statement] });
  let sql: unknown;
  try {
    const reader = await connection.runAndReadAll('SELECT json_deserialize_sql($1::JSON)', [json]);
    sql = reader.getRows()[0]?.[0];
  } catch (error) {
    throw validationError(
      'The statement uses a construct that cannot be rewritten for governance (e.g. non-finite literals or a named WINDOW clause).',
      { cause: error instanceof Error ? error.message : String(error) },
    );
  }
  if (typeof sql !== 'string') throw new LakegateError('INTERNAL', 'The SQL rebuild returned nothing.');
  return sql;
}

/** The tree as comparable text: source positions differ between a tree and its rebuilt SQL's tree. */
export function treeFingerprint(statement: TreeNode): string {
  return stringifyRawJson(statement).replace(
    /"query_location":(?:\d+|\{"\$lg_raw":"\d+"\})/g,
    '"query_location":0',
  );
}
