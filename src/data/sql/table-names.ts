// Names and shapes around the rewrite: a table name completed with the request's defaults, a table's
// declared columns, the physical tables a rewritten statement may read, and the statement hash audit keeps.

import type { Securable } from '../../catalog/index.js';
import { type LakegateError, sha256, validationError } from '../../core/index.js';
import { forEachNode, isNode, type TreeNode } from './sql-tree.js';

/** sha256 of a statement, for audit records that must not hold the statement itself. */
export function statementHash(sql: string): string {
  return sha256(sql, 'hex');
}

/** A table name as written, completed with the request's default catalog and schema, lower-case. */
export function qualify(parts: readonly string[], context: { catalog?: string; schema?: string }): string {
  const lower = parts.map((p) => p.toLowerCase());
  if (lower.length === 3) return lower.join('.');
  if (lower.length === 2) {
    if (!context.catalog) throw needDefaults(parts);
    return [context.catalog.toLowerCase(), ...lower].join('.');
  }
  if (!context.catalog || !context.schema) throw needDefaults(parts);
  return [context.catalog.toLowerCase(), context.schema.toLowerCase(), ...lower].join('.');
}

function needDefaults(parts: readonly string[]): LakegateError {
  return validationError(
    `Table '${parts.join('.')}' is not fully qualified: write catalog.schema.table, or pass the default catalog and schema with the statement.`,
  );
}

/** The declared columns of a table, lower-case, in order; a table without them cannot be governed. */
export function declaredColumns(table: Securable): string[] {
  const columns = table.details.columns;
  const names = Array.isArray(columns)
    ? columns.map((c) => (isNode(c) && typeof c.name === 'string' ? c.name.toLowerCase() : ''))
    : [];
  if (names.length === 0 || names.some((n) => n === '')) {
    throw validationError(`Table '${table.fullName}' declares no columns, so it cannot be queried.`);
  }
  return names;
}

export function tableKey(node: TreeNode): string {
  const part = (key: string) => (typeof node[key] === 'string' ? (node[key] as string).toLowerCase() : '');
  return JSON.stringify([part('catalog_name'), part('schema_name'), part('table_name')]);
}

/** The tables the governed subqueries read (server-generated relations), by exact name. */
export function physicalTables(subqueries: readonly TreeNode[]): Set<string> {
  const found = new Set<string>();
  forEachNode(subqueries, (node) => {
    if (node.type === 'BASE_TABLE' && typeof node.class !== 'string') found.add(tableKey(node));
    return true;
  });
  return found;
}
