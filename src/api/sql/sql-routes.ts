// /api/2.0/sql/statements: submit, poll, page and cancel statements (Databricks SQL Statement Execution
// API). Every route acts as the request's principal; a statement belongs to the principal that submitted
// it, and everything it reads goes through the governed rewrite (src/data/sql).

import type { Actor } from '../../catalog/index.js';
import { LakegateError, validationError } from '../../core/index.js';
import type { SubmitStatement } from '../../data/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/route.js';
import { jsonBody, parseOrThrow } from '../http/validate.js';
import type { ApiServices } from '../services.js';
import { param } from '../unity-catalog/json-route.js';
import { submitStatementBody } from './request-bodies.js';
import { sqlSurface } from './sql-error.js';
import { chunkWire, SQL_PREFIX, statementWire } from './statement-wire.js';

type Handler = (ctx: RequestContext, actor: Actor) => Promise<unknown> | unknown;

function route(method: Route['method'], path: string, handler: Handler): Route {
  return {
    method,
    path,
    surface: sqlSurface,
    async handle(ctx) {
      const actor = ctx.principal;
      if (!actor) throw new LakegateError('INTERNAL', 'A SQL route ran without a principal.');
      sendJson(ctx.res, 200, await handler(ctx, { ...actor, requestId: ctx.requestId }), {
        'x-request-id': ctx.requestId,
      });
    },
  };
}

export function sqlRoutes(services: ApiServices): Route[] {
  const statements = () => services.data.statements;
  return [
    route('POST', SQL_PREFIX, async (ctx, actor) => {
      const body = parseOrThrow(submitStatementBody, jsonBody(ctx.body));
      const input: SubmitStatement = {
        statement: body.statement,
        waitTimeoutSeconds: body.wait_timeout ? Number.parseInt(body.wait_timeout, 10) : 10,
        onWaitTimeout: body.on_wait_timeout ?? 'CONTINUE',
        ...(body.catalog ? { catalog: body.catalog } : {}),
        ...(body.schema ? { schema: body.schema } : {}),
        ...(body.row_limit !== undefined ? { rowLimit: body.row_limit } : {}),
        ...(body.parameters
          ? {
              parameters: body.parameters.map((p) => ({
                name: p.name,
                value: p.value ?? null,
                ...(p.type ? { type: p.type } : {}),
              })),
            }
          : {}),
      };
      return statementWire(await statements().submit(actor, input));
    }),
    route('GET', `${SQL_PREFIX}/:id`, (ctx, actor) =>
      statementWire(statements().get(actor, param(ctx, 'id'))),
    ),
    route('GET', `${SQL_PREFIX}/:id/result/chunks/:index`, (ctx, actor) => {
      const raw = param(ctx, 'index');
      if (!/^\d{1,9}$/.test(raw)) throw validationError('The chunk index must be a whole number ≥ 0.');
      const id = param(ctx, 'id');
      return chunkWire(id, statements().chunk(actor, id, Number(raw)));
    }),
    route('POST', `${SQL_PREFIX}/:id/cancel`, async (ctx, actor) => {
      await statements().cancel(actor, param(ctx, 'id'));
      return {};
    }),
  ];
}
