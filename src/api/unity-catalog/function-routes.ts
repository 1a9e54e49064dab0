// /functions: Unity Catalog functions (our tools); everything but the name and comment is kept as the
// function's details and shown back as sent.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from './json-route.js';
import { pagedList, pageRequest } from './pagination.js';
import { UC_PREFIX } from './paths.js';
import { PrincipalNames } from './principal-names.js';
import { requiredQuery } from './query-flags.js';
import { createFunctionBody } from './request-bodies.js';
import { toFunctionInfo } from './securable-wire.js';

export function functionRoutes(services: ApiServices): Route[] {
  const { securables, identity } = services.catalog;
  const names = () => new PrincipalNames(identity);
  return [
    jsonRoute('POST', `${UC_PREFIX}/functions`, async (ctx, actor) => {
      const { name, catalog_name, schema_name, comment, ...details } = readJson(
        ctx,
        createFunctionBody,
      ).function_info;
      const created = await securables.createObject(
        actor,
        'function',
        `${catalog_name}.${schema_name}.${name}`,
        {
          comment: comment ?? null,
          details,
        },
      );
      return toFunctionInfo(created, names());
    }),
    jsonRoute('GET', `${UC_PREFIX}/functions`, async (ctx, actor) => {
      const schema = `${requiredQuery(ctx.query, 'catalog_name')}.${requiredQuery(ctx.query, 'schema_name')}`;
      const page = pageRequest(ctx.query);
      const perRequest = names();
      const functions = await securables.list(actor, 'function', schema);
      return pagedList(
        'functions',
        functions,
        (f) => f.fullName,
        page,
        (f) => toFunctionInfo(f, perRequest),
      );
    }),
    jsonRoute('GET', `${UC_PREFIX}/functions/:full_name`, async (ctx, actor) =>
      toFunctionInfo(await securables.get(actor, 'function', param(ctx, 'full_name')), names()),
    ),
    jsonRoute('DELETE', `${UC_PREFIX}/functions/:full_name`, async (ctx, actor) => {
      await securables.delete(actor, 'function', param(ctx, 'full_name'));
      return {};
    }),
  ];
}
