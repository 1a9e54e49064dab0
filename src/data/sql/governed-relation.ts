// A governed table as the caller may see it: a subquery over the table's physical relation that projects
// only the declared columns, each through its mask, and keeps only the rows the row filter lets through.
// When there is a row filter, every projected value is also guarded by it (CASE WHEN filter THEN value END):
// DuckDB may evaluate a user's predicate before the filter (it reorders and pushes down conjuncts), and the
// guard means such a predicate only ever sees NULLs for a row the caller may not read, so it cannot raise
// an error, or take a branch, that depends on that row's real values.

import type { DuckDBConnection } from '@duckdb/node-api';
import { OldestFirst } from '../../core/index.js';
import { sqlIdentifier } from '../engine/index.js';
import { parseSelect } from './parse-sql.js';
import { SOURCE_ALIAS } from './policy-expression.js';
import { isNode, listField, nodeField, type TreeNode } from './sql-tree.js';

export interface GovernedRelationInput {
  /** FROM-able SQL for the table's data (server-generated, from the RelationSource). */
  relation: string;
  /** Declared columns, lower-case, in table order. */
  columns: readonly string[];
  /** Column → compiled mask expression. */
  masks: ReadonlyMap<string, TreeNode>;
  /** The compiled row filter, if the table has one. */
  filter?: TreeNode;
  /** Guard projected values by the filter (see above). */
  guard: boolean;
}

const clone = (node: TreeNode): TreeNode => structuredClone(node);

/** Parsed templates by text: the text is server-generated from names, so it repeats across queries. */
const templates = new Map<string, TreeNode>();
const oldestTemplate = new OldestFirst(templates);
const MAX_TEMPLATES = 1000;

async function parseTemplate(connection: DuckDBConnection, template: string): Promise<TreeNode> {
  let parsed = templates.get(template);
  if (!parsed) {
    parsed = await parseSelect(connection, template);
    if (templates.size >= MAX_TEMPLATES) oldestTemplate.evict();
    templates.set(template, parsed);
  }
  return clone(parsed);
}

/** The governed subquery's statement (`{node, named_param_map}`) for one table use. */
export async function buildGovernedRelation(
  connection: DuckDBConnection,
  input: GovernedRelationInput,
): Promise<TreeNode> {
  const guarded = input.guard && input.filter !== undefined;
  const source = (column: string) => `${SOURCE_ALIAS}.${sqlIdentifier(column)}`;
  const items = input.columns.map((column) =>
    guarded
      ? `CASE WHEN true THEN ${source(column)} END AS ${sqlIdentifier(column)}`
      : `${source(column)} AS ${sqlIdentifier(column)}`,
  );
  const template = `SELECT ${items.join(', ')} FROM ${input.relation} AS ${SOURCE_ALIAS}${input.filter ? ' WHERE true' : ''}`;
  const statement = await parseTemplate(connection, template);
  const node = nodeField(statement, 'node');
  if (!node) throw new Error('The governed relation template did not parse to a SELECT.');
  const list = listField(node, 'select_list');
  input.columns.forEach((column, i) => {
    const item = list[i];
    if (!isNode(item)) return;
    const mask = input.masks.get(column);
    if (guarded) {
      const check = listField(item, 'case_checks')[0];
      if (!isNode(check) || !input.filter) throw new Error('Unexpected CASE shape in the governed template.');
      check.when_expr = clone(input.filter);
      if (mask) check.then_expr = clone(mask);
    } else if (mask) {
      list[i] = { ...clone(mask), alias: column };
    }
  });
  if (input.filter) node.where_clause = clone(input.filter);
  return statement;
}

/** Replaces a BASE_TABLE node in place by the governed subquery, keeping its alias, column aliases and sample. */
export function substituteTable(site: TreeNode, governed: TreeNode, defaultAlias: string): void {
  const alias = typeof site.alias === 'string' && site.alias !== '' ? site.alias : defaultAlias;
  const replacement: TreeNode = {
    type: 'SUBQUERY',
    alias,
    sample: site.sample ?? null,
    query_location: site.query_location ?? 0,
    subquery: governed,
    column_name_alias: site.column_name_alias ?? [],
  };
  for (const key of Object.keys(site)) delete site[key];
  Object.assign(site, replacement);
}
