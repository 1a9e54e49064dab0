// Row filters and column masks are SQL expressions kept in the catalog. Before one is applied it is parsed
// and walked like user SQL, but stricter: it may refer only to its own table's declared columns, call only
// functions from a short allowlist, and contain no subquery, window or parameter. current_user() and
// is_member('group') (or Databricks' is_account_group_member) are found here and become literals for the
// caller. Every column reference is qualified with the governed source's alias, so a policy can never bind
// to a column of the user's query around it.

import type { DuckDBConnection } from '@duckdb/node-api';
import { validationError } from '../../core/index.js';
import { type FunctionRules, IDENTITY_FUNCTIONS, POLICY_FUNCTIONS } from './function-rules.js';
import { parseSelect } from './parse-sql.js';
import { isNode, listField, nodeField, type TreeNode, textField } from './sql-tree.js';
import { type IdentitySite, stringConstantOf } from './walk-query.js';

/** The alias of a governed table's physical relation inside its governed subquery. */
export const SOURCE_ALIAS = '__lg_src';

const ALLOWED_CLASSES = new Set([
  'CONSTANT',
  'OPERATOR',
  'COMPARISON',
  'CONJUNCTION',
  'CASE',
  'CAST',
  'BETWEEN',
  'COLLATE',
]);
const USER_NAMES = new Set(['current_user', 'user', 'session_user', 'current_role']);

export interface CompiledPolicy {
  expression: TreeNode;
  identities: IdentitySite[];
}

/**
 * Parses and checks one policy expression of `table`. Throws VALIDATION_FAILED naming the table and what
 * is wrong, so an administrator can fix the policy; the query that needed it fails closed.
 */
export async function compilePolicy(
  connection: DuckDBConnection,
  rules: FunctionRules,
  table: string,
  what: string,
  expression: string,
  columns: readonly string[],
): Promise<CompiledPolicy> {
  return checkPolicy(await parsePolicy(connection, table, what, expression), rules, table, what, columns);
}

/** Parses a policy expression into its expression tree (shape checked); the tree is not yet checked. */
export async function parsePolicy(
  connection: DuckDBConnection,
  table: string,
  what: string,
  expression: string,
): Promise<TreeNode> {
  const invalid = (why: string) =>
    validationError(`The ${what} of table '${table}' cannot be applied: ${why}`);
  let statement: TreeNode;
  try {
    statement = await parseSelect(
      connection,
      `SELECT (\n${expression}\n) AS __lg_policy FROM __lg_policy_source`,
    );
  } catch {
    throw invalid('it is not one valid SQL expression.');
  }
  const node = nodeField(statement, 'node');
  const from = node && nodeField(node, 'from_table');
  const list = node ? listField(node, 'select_list') : [];
  const only = list[0];
  if (
    node?.type !== 'SELECT_NODE' ||
    list.length !== 1 ||
    !isNode(only) ||
    from?.type !== 'BASE_TABLE' ||
    textField(from, 'table_name') !== '__lg_policy_source' ||
    node.where_clause !== null ||
    listField(node, 'group_expressions').length > 0 ||
    node.having !== null ||
    node.qualify !== null ||
    listField(node, 'modifiers').length > 0 ||
    listField(nodeField(node, 'cte_map') ?? {}, 'map').length > 0
  ) {
    throw invalid('it is not one expression.');
  }
  only.alias = '';
  return only;
}

/** Checks a parsed policy expression (in place: columns are qualified) and finds its identity calls. */
export function checkPolicy(
  only: TreeNode,
  rules: FunctionRules,
  table: string,
  what: string,
  columns: readonly string[],
): CompiledPolicy {
  const invalid = (why: string) =>
    validationError(`The ${what} of table '${table}' cannot be applied: ${why}`);
  const compiled: CompiledPolicy = { expression: only, identities: [] };
  const declared = new Set(columns);
  const visit = (value: unknown, params: ReadonlySet<string>): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, params);
      return;
    }
    if (!isNode(value)) return;
    const kind = value.class;
    if (typeof kind !== 'string') {
      for (const child of Object.values(value)) visit(child, params);
      return;
    }
    if (kind === 'COLUMN_REF') {
      const names = listField(value, 'column_names');
      const name = typeof names[0] === 'string' ? names[0].toLowerCase() : '';
      if (names.length !== 1) throw invalid('columns are referred to by their bare name.');
      if (params.has(name)) return;
      if (declared.has(name)) {
        value.column_names = [SOURCE_ALIAS, name];
        return;
      }
      if (USER_NAMES.has(name)) {
        compiled.identities.push({ node: value, kind: 'user' });
        return;
      }
      throw invalid(`it refers to "${name}", which is not a column of the table.`);
    }
    if (kind === 'FUNCTION') {
      const name = textField(value, 'function_name').toLowerCase();
      const args = listField(value, 'children');
      const qualified =
        textField(value, 'catalog') !== '' || (textField(value, 'schema') !== '' && name !== 'list_value');
      if (!qualified && IDENTITY_FUNCTIONS.has(name)) {
        if (USER_NAMES.has(name) && args.length === 0) {
          compiled.identities.push({ node: value, kind: 'user' });
          return;
        }
        const group = args.length === 1 && isNode(args[0]) ? stringConstantOf(args[0]) : undefined;
        if (group === undefined || USER_NAMES.has(name))
          throw invalid(`${name}() is used with the wrong arguments.`);
        compiled.identities.push({ node: value, kind: 'member', group });
        return;
      }
      if (qualified || !POLICY_FUNCTIONS.has(name) || !rules.allowsScalar(name)) {
        throw invalid(`function "${name}" is not allowed in row filters and column masks.`);
      }
      for (const child of Object.values(value)) visit(child, params);
      return;
    }
    if (kind === 'LAMBDA') {
      const lhs = nodeField(value, 'lhs');
      const names = new Set(params);
      const collect = (n: unknown) => {
        if (!isNode(n)) return;
        if (n.class === 'COLUMN_REF') {
          const parts = listField(n, 'column_names');
          if (parts.length === 1 && typeof parts[0] === 'string') names.add(parts[0].toLowerCase());
          return;
        }
        for (const child of listField(n, 'children')) collect(child);
      };
      collect(lhs);
      visit(value.expr, names);
      return;
    }
    if (!ALLOWED_CLASSES.has(kind)) {
      throw invalid(
        `"${kind.toLowerCase()}" expressions (subqueries, windows, parameters, *) are not allowed.`,
      );
    }
    for (const child of Object.values(value)) visit(child, params);
  };
  visit(only, new Set());
  return compiled;
}
