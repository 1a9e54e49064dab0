// Column-level lineage where the tree makes it plain: for a single SELECT (no set operation, no CTE),
// each output column's sources are the governed-table columns its expression refers to directly, through
// the table's alias or an unambiguous bare name; `*` and `t.*` expand to the tables' declared columns.
// Anything less plain (subqueries in FROM, table functions, COLUMNS(...)) gives no column lineage at all,
// and the table-level edges still stand.

import { forEachNode, isNode, listField, nodeField, type TreeNode, textField } from './sql-tree.js';

export interface ColumnSource {
  table: string;
  column: string;
}

export interface SiteTable {
  fullName: string;
  columns: readonly string[];
}

interface Binding {
  alias: string;
  table?: SiteTable;
}

function bindingsOf(
  ref: TreeNode | undefined,
  sites: ReadonlyMap<TreeNode, SiteTable>,
  out: Binding[],
): boolean {
  if (!ref) return false;
  if (ref.type === 'EMPTY') return true;
  if (ref.type === 'JOIN') {
    return bindingsOf(nodeField(ref, 'left'), sites, out) && bindingsOf(nodeField(ref, 'right'), sites, out);
  }
  const table = sites.get(ref);
  if (ref.type === 'BASE_TABLE' && table && listField(ref, 'column_name_alias').length === 0) {
    out.push({ alias: (textField(ref, 'alias') || textField(ref, 'table_name')).toLowerCase(), table });
    return true;
  }
  return false;
}

function columnRefs(value: unknown, out: TreeNode[]): void {
  forEachNode(value, (node) => {
    if (node.class === 'COLUMN_REF') out.push(node);
    return node.class !== 'SUBQUERY' && node.class !== 'COLUMN_REF';
  });
}

/** Sources per output position, or undefined when the query is not plain enough to say. */
export function inferColumnLineage(
  statement: TreeNode,
  sites: ReadonlyMap<TreeNode, SiteTable>,
): ColumnSource[][] | undefined {
  const node = nodeField(statement, 'node');
  if (node?.type !== 'SELECT_NODE') return undefined;
  if (listField(nodeField(node, 'cte_map') ?? {}, 'map').length > 0) return undefined;
  const bindings: Binding[] = [];
  if (!bindingsOf(nodeField(node, 'from_table'), sites, bindings)) return undefined;
  const outputs: ColumnSource[][] = [];
  for (const item of listField(node, 'select_list')) {
    if (!isNode(item)) return undefined;
    if (item.class === 'STAR') {
      const plain =
        item.columns !== true &&
        listField(item, 'exclude_list').length === 0 &&
        listField(item, 'replace_list').length === 0 &&
        !isNode(item.expr);
      if (!plain) return undefined;
      const relation = textField(item, 'relation_name').toLowerCase();
      for (const binding of bindings) {
        if (relation && binding.alias !== relation) continue;
        if (!binding.table) return undefined;
        for (const column of binding.table.columns) outputs.push([{ table: binding.table.fullName, column }]);
      }
      continue;
    }
    const refs: TreeNode[] = [];
    columnRefs(item, refs);
    const sources: ColumnSource[] = [];
    for (const ref of refs) {
      const parts = listField(ref, 'column_names').map((p) => String(p).toLowerCase());
      const column = parts[parts.length - 1] ?? '';
      const candidates =
        parts.length >= 2
          ? bindings.filter((b) => b.alias === parts[parts.length - 2])
          : bindings.filter((b) => b.table?.columns.includes(column));
      const table = candidates.length === 1 ? candidates[0]?.table : undefined;
      if (
        table?.columns.includes(column) &&
        !sources.some((s) => s.table === table.fullName && s.column === column)
      ) {
        sources.push({ table: table.fullName, column });
      }
    }
    outputs.push(sources);
  }
  return outputs;
}
