// The shape of every catalog route: authenticated, acting as the request's principal, answering 200 with
// the JSON its handler returns; errors go out in Unity Catalog's shape.

import type { z } from 'zod';
import type { Actor } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Route } from '../http/route.js';
import { jsonBody, parseOrThrow } from '../http/validate.js';
import { ucSurface } from './uc-error.js';

export type Handler = (ctx: RequestContext, actor: Actor) => Promise<unknown>;

export function jsonRoute(method: Route['method'], path: string, handler: Handler): Route {
  return {
    method,
    path,
    surface: ucSurface,
    async handle(ctx) {
      sendJson(ctx.res, 200, await handler(ctx, actorOf(ctx)), { 'x-request-id': ctx.requestId });
    },
  };
}

export function actorOf(ctx: RequestContext): Actor {
  // Routes are authenticated before they run; a missing actor is a wiring bug, not the caller's.
  if (!ctx.principal) throw new LakegateError('INTERNAL', 'A catalog route ran without a principal.');
  return ctx.principal;
}

/** The body as JSON, validated by a (strict) schema. */
export function readJson<T>(ctx: RequestContext, schema: z.ZodType<T>): T {
  return parseOrThrow(schema, jsonBody(ctx.body));
}

/** A path parameter the route declares. */
export function param(ctx: RequestContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new LakegateError('INTERNAL', `The route has no parameter "${name}".`);
  return value;
}
