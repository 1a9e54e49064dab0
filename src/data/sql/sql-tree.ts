// The parts of DuckDB's serialized syntax tree (json_serialize_sql) that the governed rewrite reads. The
// tree is kept as plain JSON and edited in place; these helpers read it without `any`.

export type TreeNode = Record<string, unknown>;

export function isNode(value: unknown): value is TreeNode {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Visits every node in `value` (through arrays too), parents first; `visit` returns false to skip a node's children. */
export function forEachNode(value: unknown, visit: (node: TreeNode) => boolean): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachNode(item, visit);
    return;
  }
  if (!isNode(value) || !visit(value)) return;
  for (const child of Object.values(value)) forEachNode(child, visit);
}

export function textField(node: TreeNode, key: string): string {
  const value = node[key];
  return typeof value === 'string' ? value : '';
}

export function nodeField(node: TreeNode, key: string): TreeNode | undefined {
  const value = node[key];
  return isNode(value) ? value : undefined;
}

export function listField(node: TreeNode, key: string): unknown[] {
  const value = node[key];
  return Array.isArray(value) ? value : [];
}

/** Replaces a node's contents in place, so the parent that holds it sees the new node. */
export function replaceNode(target: TreeNode, replacement: TreeNode): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, replacement);
}

/** A string (or NULL) constant expression node, as json_serialize_sql writes one. */
export function stringConstant(value: string | null, alias = ''): TreeNode {
  return {
    class: 'CONSTANT',
    type: 'VALUE_CONSTANT',
    alias,
    query_location: 0,
    value:
      value === null
        ? { type: { id: 'NULL', type_info: null }, is_null: true }
        : { type: { id: 'VARCHAR', type_info: null }, is_null: false, value },
  };
}

/** TRUE or FALSE, written as DuckDB writes a boolean literal: a cast of 't' or 'f'. */
export function booleanConstant(value: boolean, alias = ''): TreeNode {
  return {
    class: 'CAST',
    type: 'OPERATOR_CAST',
    alias,
    query_location: 0,
    child: stringConstant(value ? 't' : 'f'),
    cast_type: { id: 'BOOLEAN', type_info: null },
    try_cast: false,
  };
}
