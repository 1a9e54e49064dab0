// /tables: Unity Catalog's tables and views (a VIEW is our `view` securable; the two share one namespace,
// so `c.s.x` is one or the other). Type, format, columns, storage location and properties are kept in the
// details; each column also gets `type` (its type_text), which masks, tags and the SQL layer read.

import type { Securable } from '../../catalog/index.js';
import { isLakegateError } from '../../core/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from './json-route.js';
import { pagedList, pageRequest } from './pagination.js';
import { UC_PREFIX } from './paths.js';
import { PrincipalNames } from './principal-names.js';
import { requiredQuery } from './query-flags.js';
import { createTableBody } from './request-bodies.js';
import { asTableOrView } from './securable-types.js';
import { toTableInfo } from './securable-wire.js';

type CreateTable = ReturnType<typeof createTableBody.parse>;

function tableDetails(body: CreateTable): Record<string, unknown> {
  return {
    ...(body.table_type === 'VIEW' ? {} : { table_type: body.table_type }),
    ...(body.data_source_format ? { data_source_format: body.data_source_format } : {}),
    ...(body.columns ? { columns: body.columns.map((c) => ({ ...c, type: c.type_text })) } : {}),
    ...(body.storage_location ? { storage_location: body.storage_location } : {}),
    ...(body.properties ? { properties: body.properties } : {}),
  };
}

export function tableRoutes(services: ApiServices): Route[] {
  const { securables, identity } = services.catalog;
  const names = () => new PrincipalNames(identity);
  return [
    jsonRoute('POST', `${UC_PREFIX}/tables`, async (ctx, actor) => {
      const body = readJson(ctx, createTableBody);
      if (body.table_type === 'MANAGED' && body.columns && body.columns.length > 0) {
        // A managed table with columns gets its storage too (created and removed with the securable).
        const created = await services.data.tables.create(
          actor,
          `${body.catalog_name}.${body.schema_name}.${body.name}`,
          {
            columns: body.columns.map((c) => ({
              name: c.name,
              type: c.type_text,
              ...(c.nullable !== undefined ? { nullable: c.nullable } : {}),
              ...(c.comment !== undefined ? { comment: c.comment } : {}),
            })),
            ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
            ...(body.properties ? { properties: body.properties } : {}),
            ...(body.data_source_format ? { dataSourceFormat: body.data_source_format } : {}),
          },
        );
        return toTableInfo(created, names());
      }
      const created = await securables.createObject(
        actor,
        body.table_type === 'VIEW' ? 'view' : 'table',
        `${body.catalog_name}.${body.schema_name}.${body.name}`,
        { comment: body.comment ?? null, details: tableDetails(body) },
      );
      return toTableInfo(created, names());
    }),
    jsonRoute('GET', `${UC_PREFIX}/tables`, async (ctx, actor) => {
      const schema = `${requiredQuery(ctx.query, 'catalog_name')}.${requiredQuery(ctx.query, 'schema_name')}`;
      const page = pageRequest(ctx.query);
      const perRequest = names();
      const [tables, views] = await Promise.allSettled([
        securables.list(actor, 'table', schema),
        securables.list(actor, 'view', schema),
      ]);
      const all = [...settledList(tables, views), ...settledList(views, tables)];
      return pagedList(
        'tables',
        all,
        (t) => t.fullName,
        page,
        (t) => toTableInfo(t, perRequest),
      );
    }),
    jsonRoute('GET', `${UC_PREFIX}/tables/:full_name`, async (ctx, actor) => {
      const table = await asTableOrView('table', (type) =>
        securables.get(actor, type, param(ctx, 'full_name')),
      );
      return toTableInfo(table, names());
    }),
    jsonRoute('DELETE', `${UC_PREFIX}/tables/:full_name`, async (ctx, actor) => {
      // A table's storage goes with it; a view (or a table without storage) is only a securable.
      await asTableOrView('table', (type) =>
        type === 'table'
          ? services.data.tables.drop(actor, param(ctx, 'full_name'))
          : securables.delete(actor, type, param(ctx, 'full_name')),
      );
      return {};
    }),
  ];
}

/**
 * A listing of one kind, given the other's outcome. A schema the caller cannot see is NOT_FOUND only
 * when nothing in it is visible, so one kind may answer NOT_FOUND while the other lists something:
 * then the first simply has nothing to show.
 */
function settledList(
  own: PromiseSettledResult<Securable[]>,
  other: PromiseSettledResult<Securable[]>,
): Securable[] {
  if (own.status === 'fulfilled') return own.value;
  const hidden = isLakegateError(own.reason) && own.reason.code === 'NOT_FOUND';
  if (hidden && other.status === 'fulfilled') return [];
  throw own.reason;
}
