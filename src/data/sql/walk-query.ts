// One walk over a parsed SELECT that finds everything the rewrite must act on and refuses everything it
// does not understand (default deny). It follows DuckDB's scoping of CTEs: a CTE is visible in the query
// that declares it and every subquery below, to the CTEs declared after it, and to itself only inside a
// recursive CTE. Only an unqualified name can mean a CTE, so a name is treated as a CTE only when DuckDB
// would bind it to one; every other table name is a governed table (the caller's grants decide).

import { validationError } from '../../core/index.js';
import { type FunctionRules, IDENTITY_FUNCTIONS, TABLE_FUNCTIONS } from './function-rules.js';
import { FUNCTION_NOT_ALLOWED, TABLE_FUNCTION_NOT_ALLOWED, unsupported } from './sql-errors.js';
import { isNode, listField, nodeField, type TreeNode, textField } from './sql-tree.js';

export interface TableSite {
  /** The BASE_TABLE node, replaced in place by the governed subquery. */
  node: TreeNode;
  /** The name as written: one to three parts. */
  parts: string[];
  at?: { version?: number; timestamp?: string };
}

export type IdentitySite =
  | { node: TreeNode; kind: 'user' }
  | { node: TreeNode; kind: 'member'; group: string };

export interface WalkResult {
  tables: TableSite[];
  identities: IdentitySite[];
  parameters: Set<string>;
}

export interface WalkOptions {
  rules: FunctionRules;
  /** Named parameters the statement declares; any other parameter marker is refused. */
  parameters?: ReadonlySet<string>;
}

const QUERY_NODES = new Set(['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE']);
const PASS_THROUGH_REFS = new Set(['JOIN', 'SUBQUERY', 'EXPRESSION_LIST', 'EMPTY']);
const PASS_THROUGH = new Set([
  'ORDER_MODIFIER',
  'LIMIT_MODIFIER',
  'LIMIT_PERCENT_MODIFIER',
  'DISTINCT_MODIFIER',
  'ORDER_DEFAULT',
  'ORDER_ASCENDING',
  'ORDER_DESCENDING',
  'ASCENDING',
  'DESCENDING',
]);
const PASS_THROUGH_EXPRESSIONS = new Set([
  'CONSTANT',
  'COLUMN_REF',
  'OPERATOR',
  'COMPARISON',
  'CONJUNCTION',
  'CASE',
  'CAST',
  'BETWEEN',
  'COLLATE',
  'POSITIONAL_REFERENCE',
  'LAMBDA',
  'STAR',
  'SUBQUERY',
]);

/** DuckDB's built-in views reachable by a bare name (main and pg_catalog are on its search path). */
const RESERVED_RELATION = /^(duckdb_|pragma_|pg_|sqlite_)/;

const USER_FUNCTIONS = new Set(['current_user', 'user', 'session_user', 'current_role']);

export function walkQuery(statement: TreeNode, options: WalkOptions): WalkResult {
  const result: WalkResult = { tables: [], identities: [], parameters: new Set() };
  new Walker(options, result).visit(statement, new Set());
  return result;
}

class Walker {
  constructor(
    private readonly options: WalkOptions,
    private readonly result: WalkResult,
  ) {}

  visit(value: unknown, scope: ReadonlySet<string>): void {
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, scope);
      return;
    }
    if (!isNode(value)) return;
    if (typeof value.class === 'string') {
      this.expression(value, scope);
      return;
    }
    const type = value.type;
    if (typeof type !== 'string') {
      this.children(value, scope);
      return;
    }
    if (QUERY_NODES.has(type)) {
      this.queryNode(value, scope);
      return;
    }
    if (type === 'BASE_TABLE') {
      this.baseTable(value, scope);
      return;
    }
    if (type === 'TABLE_FUNCTION') {
      this.tableFunction(value, scope);
      return;
    }
    if (PASS_THROUGH_REFS.has(type) || PASS_THROUGH.has(type) || type.endsWith('_TYPE_INFO')) {
      this.children(value, scope);
      return;
    }
    if (type === 'SHOW_REF') throw unsupported('SHOW, DESCRIBE and SUMMARIZE');
    throw unsupported(`"${type.toLowerCase().replaceAll('_', ' ')}"`);
  }

  private children(node: TreeNode, scope: ReadonlySet<string>, skip?: string): void {
    for (const [key, child] of Object.entries(node)) if (key !== skip) this.visit(child, scope);
  }

  private queryNode(node: TreeNode, outer: ReadonlySet<string>): void {
    const inner = new Set(outer);
    const ctes = listField(nodeField(node, 'cte_map') ?? {}, 'map');
    for (const entry of ctes) {
      if (!isNode(entry)) throw unsupported('this WITH clause');
      const name = textField(entry, 'key').toLowerCase();
      // Defence in depth: a name treated as a CTE must never be one DuckDB could bind to its own views.
      if (RESERVED_RELATION.test(name)) {
        throw validationError(`"${name}" is reserved for DuckDB's own views; give the CTE another name.`);
      }
      // A CTE sees the CTEs before it, not itself (a non-recursive self-reference is the table of that name).
      this.visit(entry.value, new Set(inner));
      inner.add(name);
    }
    if (node.type === 'RECURSIVE_CTE_NODE') {
      // Only the recursive term refers to the CTE itself; in the anchor the name is a table (governed).
      this.visit(node.left, inner);
      const withSelf = new Set(inner);
      withSelf.add(textField(node, 'cte_name').toLowerCase());
      for (const [key, child] of Object.entries(node)) {
        if (key !== 'cte_map' && key !== 'left') this.visit(child, withSelf);
      }
      return;
    }
    this.children(node, inner, 'cte_map');
  }

  private baseTable(node: TreeNode, scope: ReadonlySet<string>): void {
    const catalog = textField(node, 'catalog_name');
    const schema = textField(node, 'schema_name');
    const name = textField(node, 'table_name');
    const at = nodeField(node, 'at_clause');
    if (!catalog && !schema && scope.has(name.toLowerCase())) {
      if (at) throw validationError(`AT (...) applies to tables, and "${name}" is a CTE.`);
      return;
    }
    if (!name) throw unsupported('a table without a name');
    const site: TableSite = { node, parts: [catalog, schema, name].filter((p) => p !== '') };
    if (at) site.at = travelOf(at);
    // TABLESAMPLE is kept on the governed subquery; nothing else in the node is an expression.
    this.result.tables.push(site);
  }

  private tableFunction(node: TreeNode, scope: ReadonlySet<string>): void {
    const call = nodeField(node, 'function');
    const name = call ? textField(call, 'function_name').toLowerCase() : '';
    if (
      call?.class !== 'FUNCTION' ||
      textField(call, 'catalog') ||
      textField(call, 'schema') ||
      !TABLE_FUNCTIONS.has(name)
    ) {
      throw TABLE_FUNCTION_NOT_ALLOWED(name || 'this table function');
    }
    for (const [key, child] of Object.entries(call)) if (key !== 'function_name') this.visit(child, scope);
    this.children(node, scope, 'function');
  }

  private expression(node: TreeNode, scope: ReadonlySet<string>): void {
    const kind = node.class as string;
    if (kind === 'FUNCTION') {
      this.functionCall(node, scope);
      return;
    }
    if (kind === 'WINDOW') {
      const name = textField(node, 'function_name').toLowerCase();
      if (textField(node, 'catalog') || textField(node, 'schema') || !this.options.rules.allowsScalar(name)) {
        throw FUNCTION_NOT_ALLOWED(name);
      }
      this.children(node, scope);
      return;
    }
    if (kind === 'PARAMETER') {
      const name = textField(node, 'identifier');
      if (!this.options.parameters?.has(name)) {
        throw validationError(
          'Parameter markers must be named (:name) and given in "parameters"; positional markers and unknown names are refused.',
        );
      }
      this.result.parameters.add(name);
      return;
    }
    if (!PASS_THROUGH_EXPRESSIONS.has(kind)) throw unsupported(`the expression "${kind.toLowerCase()}"`);
    this.children(node, scope);
  }

  private functionCall(node: TreeNode, scope: ReadonlySet<string>): void {
    const name = textField(node, 'function_name').toLowerCase();
    const catalog = textField(node, 'catalog');
    const schema = textField(node, 'schema');
    // DuckDB itself writes main as the schema of list_value, the [..] list literal.
    const qualified = catalog !== '' || (schema !== '' && !(schema === 'main' && name === 'list_value'));
    if (!qualified && IDENTITY_FUNCTIONS.has(name)) {
      const args = listField(node, 'children');
      if (USER_FUNCTIONS.has(name) && args.length === 0) {
        this.result.identities.push({ node, kind: 'user' });
        return;
      }
      const group = args.length === 1 && isNode(args[0]) ? stringConstantOf(args[0]) : undefined;
      if (!USER_FUNCTIONS.has(name) && group !== undefined) {
        this.result.identities.push({ node, kind: 'member', group });
        return;
      }
      throw validationError(
        `${name}() takes ${USER_FUNCTIONS.has(name) ? 'no arguments' : 'one group name as a string literal'}.`,
      );
    }
    if (qualified || !this.options.rules.allowsScalar(name)) throw FUNCTION_NOT_ALLOWED(name);
    this.children(node, scope);
  }
}

/** A string literal's value, or undefined when the node is anything else. */
export function stringConstantOf(node: TreeNode): string | undefined {
  if (node.class !== 'CONSTANT') return undefined;
  const value = nodeField(node, 'value');
  const type = value ? nodeField(value, 'type') : undefined;
  if (!value || !type || type.id !== 'VARCHAR' || typeof value.value !== 'string') return undefined;
  return value.value;
}

function travelOf(at: TreeNode): { version?: number; timestamp?: string } {
  const unit = textField(at, 'unit').toUpperCase();
  let expr = nodeField(at, 'expr');
  if (expr?.class === 'CAST') expr = nodeField(expr, 'child');
  const value = expr?.class === 'CONSTANT' ? nodeField(expr, 'value') : undefined;
  const raw = value?.value;
  if (unit === 'VERSION' && typeof raw === 'number' && Number.isInteger(raw) && raw >= 0)
    return { version: raw };
  if (unit === 'TIMESTAMP' && typeof raw === 'string' && !Number.isNaN(Date.parse(raw))) {
    return { timestamp: new Date(Date.parse(raw)).toISOString() };
  }
  throw validationError(
    "Time travel is AT (VERSION => n) with a whole number, or AT (TIMESTAMP => '...') with a time literal.",
  );
}
