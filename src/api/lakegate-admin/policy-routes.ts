// Row filters and column masks of a table: set and dropped by those who manage it, read by those who
// see it. The expressions are screened by the catalog and enforced by the SQL and retrieval layers.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from '../unity-catalog/index.js';
import { LG_PREFIX } from './paths.js';
import { expressionBody } from './request-bodies.js';

export function policyRoutes(services: ApiServices): Route[] {
  const { securables } = services.catalog;
  const table = `${LG_PREFIX}/tables/:full_name`;
  return [
    jsonRoute('PUT', `${table}/row-filter`, async (ctx, actor) => {
      const { expression } = readJson(ctx, expressionBody);
      await securables.setRowFilter(actor, param(ctx, 'full_name'), expression);
      return {};
    }),
    jsonRoute('DELETE', `${table}/row-filter`, async (ctx, actor) => {
      await securables.dropRowFilter(actor, param(ctx, 'full_name'));
      return {};
    }),
    jsonRoute('PUT', `${table}/column-masks/:column`, async (ctx, actor) => {
      const { expression } = readJson(ctx, expressionBody);
      await securables.setColumnMask(actor, param(ctx, 'full_name'), param(ctx, 'column'), expression);
      return {};
    }),
    jsonRoute('DELETE', `${table}/column-masks/:column`, async (ctx, actor) => {
      await securables.dropColumnMask(actor, param(ctx, 'full_name'), param(ctx, 'column'));
      return {};
    }),
    jsonRoute('GET', `${table}/policies`, async (ctx, actor) => {
      const policies = await securables.getPolicies(actor, param(ctx, 'full_name'));
      return {
        row_filter: policies.rowFilter ? { expression: policies.rowFilter.expression } : null,
        column_masks: policies.masks.map((m) => ({ column: m.column, expression: m.expression })),
      };
    }),
  ];
}
