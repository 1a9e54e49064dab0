// Row filters (one per table) and column masks (one per column), stored as catalog objects bound to
// their table. Those who manage the table set and drop them; anyone who can see the table reads them,
// as the SQL and retrieval layers must for every query they rewrite.

import { nowIso } from '../../core/index.js';
import type { Actor, Securable } from '../model.js';
import { resolveManageable, resolveVisible } from './access.js';
import { changeEvent, commitChange, type ServiceContext } from './service-context.js';
import { validateColumn, validateExpression } from './validate-input.js';

export interface RowFilter {
  expression: string;
  createdAt: string;
  createdBy: string;
}

export interface ColumnMask extends RowFilter {
  column: string;
}

export interface TablePolicies {
  rowFilter: RowFilter | null;
  masks: ColumnMask[];
}

export async function setRowFilter(
  ctx: ServiceContext,
  actor: Actor,
  tableFullName: string,
  expression: string,
): Promise<void> {
  const table = await resolveManageable(ctx, actor, 'table', tableFullName);
  const valid = validateExpression(expression);
  const row = { table_id: table.id, expression: valid, created_at: nowIso(), created_by: actor.principalId };
  await commitChange(
    ctx,
    (trx) =>
      trx
        .insertInto('row_filters')
        .values(row)
        .onConflict((oc) =>
          oc.column('table_id').doUpdateSet({
            expression: valid,
            created_at: row.created_at,
            created_by: row.created_by,
          }),
        )
        .execute(),
    () => changeEvent('setRowFilter', actor, table, { expression: valid }),
  );
}

/** Dropping a filter that is not there is not an error: the outcome is the one asked for. */
export async function dropRowFilter(ctx: ServiceContext, actor: Actor, tableFullName: string): Promise<void> {
  const table = await resolveManageable(ctx, actor, 'table', tableFullName);
  await commitChange(
    ctx,
    (trx) => trx.deleteFrom('row_filters').where('table_id', '=', table.id).execute(),
    () => changeEvent('dropRowFilter', actor, table),
  );
}

export async function setColumnMask(
  ctx: ServiceContext,
  actor: Actor,
  tableFullName: string,
  column: string,
  expression: string,
): Promise<void> {
  const table = await resolveManageable(ctx, actor, 'table', tableFullName);
  const columnName = validateColumn(column, table.details, table.fullName);
  const valid = validateExpression(expression);
  const now = nowIso();
  await commitChange(
    ctx,
    (trx) =>
      trx
        .insertInto('column_masks')
        .values({
          table_id: table.id,
          column_name: columnName,
          expression: valid,
          created_at: now,
          created_by: actor.principalId,
        })
        .onConflict((oc) =>
          oc
            .columns(['table_id', 'column_name'])
            .doUpdateSet({ expression: valid, created_at: now, created_by: actor.principalId }),
        )
        .execute(),
    () => changeEvent('setColumnMask', actor, table, { column: columnName, expression: valid }),
  );
}

export async function dropColumnMask(
  ctx: ServiceContext,
  actor: Actor,
  tableFullName: string,
  column: string,
): Promise<void> {
  const table = await resolveManageable(ctx, actor, 'table', tableFullName);
  const columnName = validateColumn(column, {}, table.fullName);
  await commitChange(
    ctx,
    (trx) =>
      trx
        .deleteFrom('column_masks')
        .where('table_id', '=', table.id)
        .where('column_name', '=', columnName)
        .execute(),
    () => changeEvent('dropColumnMask', actor, table, { column: columnName }),
  );
}

/** The policies of a table already resolved (and authorised) by the caller. */
export async function policiesOf(ctx: ServiceContext, table: Securable): Promise<TablePolicies> {
  const [filter, masks] = await Promise.all([
    ctx.db.selectFrom('row_filters').selectAll().where('table_id', '=', table.id).executeTakeFirst(),
    ctx.db
      .selectFrom('column_masks')
      .selectAll()
      .where('table_id', '=', table.id)
      .orderBy('column_name')
      .execute(),
  ]);
  return {
    rowFilter: filter
      ? { expression: filter.expression, createdAt: filter.created_at, createdBy: filter.created_by }
      : null,
    masks: masks.map((m) => ({
      column: m.column_name,
      expression: m.expression,
      createdAt: m.created_at,
      createdBy: m.created_by,
    })),
  };
}

export async function getPolicies(
  ctx: ServiceContext,
  actor: Actor,
  tableFullName: string,
): Promise<TablePolicies> {
  return policiesOf(ctx, await resolveVisible(ctx, actor, 'table', tableFullName));
}
