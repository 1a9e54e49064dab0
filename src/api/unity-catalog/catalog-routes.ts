// /catalogs: create (CREATE CATALOG on the metastore), list what the caller can see, read, change,
// delete. A catalog's UC `properties` are kept in its details.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from './json-route.js';
import { pagedList, pageRequest } from './pagination.js';
import { patchSecurable } from './patch-securable.js';
import { UC_PREFIX } from './paths.js';
import { PrincipalNames } from './principal-names.js';
import { forceOf } from './query-flags.js';
import { createCatalogBody, updateContainerBody } from './request-bodies.js';
import { toCatalogInfo } from './securable-wire.js';

export function catalogRoutes(services: ApiServices): Route[] {
  const { securables, identity } = services.catalog;
  const names = () => new PrincipalNames(identity);
  return [
    jsonRoute('POST', `${UC_PREFIX}/catalogs`, async (ctx, actor) => {
      const body = readJson(ctx, createCatalogBody);
      const created = await securables.createCatalog(actor, body.name, {
        comment: body.comment ?? null,
        details: body.properties ? { properties: body.properties } : {},
      });
      return toCatalogInfo(created, names());
    }),
    jsonRoute('GET', `${UC_PREFIX}/catalogs`, async (ctx, actor) => {
      const page = pageRequest(ctx.query);
      const perRequest = names();
      const catalogs = await securables.list(actor, 'catalog');
      return pagedList(
        'catalogs',
        catalogs,
        (c) => c.fullName,
        page,
        (c) => toCatalogInfo(c, perRequest),
      );
    }),
    jsonRoute('GET', `${UC_PREFIX}/catalogs/:name`, async (ctx, actor) =>
      toCatalogInfo(await securables.get(actor, 'catalog', param(ctx, 'name')), names()),
    ),
    jsonRoute('PATCH', `${UC_PREFIX}/catalogs/:name`, async (ctx, actor) => {
      const body = readJson(ctx, updateContainerBody);
      const updated = await patchSecurable(services, actor, 'catalog', param(ctx, 'name'), body);
      return toCatalogInfo(updated, names());
    }),
    jsonRoute('DELETE', `${UC_PREFIX}/catalogs/:name`, async (ctx, actor) => {
      await securables.delete(actor, 'catalog', param(ctx, 'name'), { force: forceOf(ctx.query) });
      return {};
    }),
  ];
}
