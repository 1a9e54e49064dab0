// The request pipeline every surface shares: match the route on the raw path, authenticate (routes are
// authenticated unless marked public), read the body once, run the handler, and map any error to the
// route's own wire shape in one place.

import type { Actor } from '../../catalog/index.js';
import { LakegateError, toLakegateError } from '../../core/index.js';
import {
  authenticateBearer,
  authenticateSigV4,
  credentialsOf,
  type KeyVerifier,
} from '../auth/authenticate.js';
import type { AnyRequest, AnyResponse, RequestListener } from '../server/listen.js';
import type { RequestContext } from './context.js';
import { PipelineContext } from './pipeline-context.js';
import { readBody } from './read-body.js';
import type { Route, RouteTable, Surface } from './route.js';

export interface PipelineOptions {
  routes: RouteTable;
  /** The identity store's key verification. */
  keys: KeyVerifier;
  maxBodyBytes: number;
  /** Answers paths no route matches, in the shape clients of that path expect. */
  surfaceForUnmatched(rawPath: string): Surface;
  /** Reports errors of category `system` (our bugs), never request bodies or credentials. */
  onSystemError?(error: LakegateError, ctx: RequestContext): void;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The actor, stamped with this request's id. Written out field by field: a spread plus one more key
 * builds the object through V8's slow path, and every later read of it then misses its inline caches.
 */
function withRequestId(actor: Actor, requestId: string): Actor {
  const stamped: Actor = {
    principalId: actor.principalId,
    name: actor.name,
    kind: actor.kind,
    isAdmin: actor.isAdmin,
  };
  if (actor.keyId !== undefined) stamped.keyId = actor.keyId;
  stamped.requestId = requestId;
  return stamped;
}

export function createPipeline(options: PipelineOptions): RequestListener {
  const { routes, keys, maxBodyBytes } = options;

  /** Authenticates (unless the route is public), reads the body once, then runs the handler. */
  async function run(ctx: PipelineContext, route: Route): Promise<void> {
    if (!route.public) {
      const credentials = credentialsOf(ctx);
      if (credentials.kind === 'bearer') {
        ctx.principal = withRequestId(await authenticateBearer(keys, credentials.token), ctx.requestId);
      } else if (credentials.kind === 'sigv4') {
        ctx.body = await readBody(ctx.req, maxBodyBytes);
        const actor = await authenticateSigV4(keys, ctx, credentials.authorization, ctx.body);
        ctx.principal = withRequestId(actor, ctx.requestId);
      } else {
        throw new LakegateError(
          'AUTH_UNAUTHENTICATED',
          'This request needs an API key: send it as "Authorization: Bearer <key>", as "x-api-key", or sign with AWS SigV4.',
        );
      }
    }
    if (ctx.body === undefined && METHODS_WITH_BODY.has(ctx.method) && !route.streamBody)
      ctx.body = await readBody(ctx.req, maxBodyBytes);
    await route.handle(ctx);
  }

  function fail(ctx: PipelineContext, route: Route, thrown: unknown): void {
    const error = toLakegateError(thrown);
    if (error.category === 'system') options.onSystemError?.(error, ctx);
    const { res } = ctx;
    if (res.headersSent) {
      // Mid-response: the surface already wrote its in-band error if it could; all that is left is to stop.
      if (!res.writableEnded) res.end();
      return;
    }
    route.surface.writeError(ctx, error);
  }

  return (req: AnyRequest, res: AnyResponse) => {
    const ctx = new PipelineContext(req, res);
    const { method, rawPath } = ctx;
    const match = routes.match(method, rawPath);
    if (!match) {
      const surface = options.surfaceForUnmatched(rawPath);
      const error = routes.hasPath(rawPath)
        ? new LakegateError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${rawPath}.`)
        : new LakegateError('NOT_FOUND', `No route for ${method} ${rawPath}.`);
      surface.writeError(ctx, error);
      return;
    }
    ctx.params = match.params;
    const { route } = match;
    run(ctx, route).catch((thrown: unknown) => fail(ctx, route, thrown));
  };
}
