// /schemas: create (USE CATALOG and CREATE SCHEMA on the catalog), list a catalog's, read, change, delete.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from './json-route.js';
import { pagedList, pageRequest } from './pagination.js';
import { patchSecurable } from './patch-securable.js';
import { UC_PREFIX } from './paths.js';
import { PrincipalNames } from './principal-names.js';
import { forceOf, requiredQuery } from './query-flags.js';
import { createSchemaBody, updateContainerBody } from './request-bodies.js';
import { toSchemaInfo } from './securable-wire.js';

export function schemaRoutes(services: ApiServices): Route[] {
  const { securables, identity } = services.catalog;
  const names = () => new PrincipalNames(identity);
  return [
    jsonRoute('POST', `${UC_PREFIX}/schemas`, async (ctx, actor) => {
      const body = readJson(ctx, createSchemaBody);
      const created = await securables.createSchema(actor, `${body.catalog_name}.${body.name}`, {
        comment: body.comment ?? null,
        details: body.properties ? { properties: body.properties } : {},
      });
      return toSchemaInfo(created, names());
    }),
    jsonRoute('GET', `${UC_PREFIX}/schemas`, async (ctx, actor) => {
      const catalog = requiredQuery(ctx.query, 'catalog_name');
      const page = pageRequest(ctx.query);
      const perRequest = names();
      const schemas = await securables.list(actor, 'schema', catalog);
      return pagedList(
        'schemas',
        schemas,
        (s) => s.fullName,
        page,
        (s) => toSchemaInfo(s, perRequest),
      );
    }),
    jsonRoute('GET', `${UC_PREFIX}/schemas/:full_name`, async (ctx, actor) =>
      toSchemaInfo(await securables.get(actor, 'schema', param(ctx, 'full_name')), names()),
    ),
    jsonRoute('PATCH', `${UC_PREFIX}/schemas/:full_name`, async (ctx, actor) => {
      const body = readJson(ctx, updateContainerBody);
      const updated = await patchSecurable(services, actor, 'schema', param(ctx, 'full_name'), body);
      return toSchemaInfo(updated, names());
    }),
    jsonRoute('DELETE', `${UC_PREFIX}/schemas/:full_name`, async (ctx, actor) => {
      await securables.delete(actor, 'schema', param(ctx, 'full_name'), { force: forceOf(ctx.query) });
      return {};
    }),
  ];
}
