// The request pipeline every surface shares: match the route on the raw path, authenticate (routes are
// authenticated unless marked public), read the body once, run the handler, and map any error to the
// route's own wire shape in one place.

import { randomUUID } from 'node:crypto';
import { LakegateError, toLakegateError } from '../../core/index.js';
import {
  authenticateBearer,
  authenticateSigV4,
  credentialsOf,
  type KeyVerifier,
} from '../auth/authenticate.js';
import type { AnyRequest, AnyResponse, RequestListener } from '../server/listen.js';
import type { RequestContext } from './context.js';
import { readBody } from './read-body.js';
import type { RouteTable, Surface } from './route.js';

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

export function createPipeline(options: PipelineOptions): RequestListener {
  const { routes, keys, maxBodyBytes } = options;

  return (req: AnyRequest, res: AnyResponse) => {
    const url = req.url ?? '/';
    const question = url.indexOf('?');
    const rawPath = question === -1 ? url : url.slice(0, question);
    const method = req.method ?? 'GET';
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished)
        controller.abort(new LakegateError('REQUEST_CANCELLED', 'The client went away.'));
    });
    let query: URLSearchParams | undefined;
    const ctx: RequestContext = {
      req,
      res,
      method,
      rawPath,
      // Parsed only by the routes that read it: most model calls have no query string.
      get query() {
        query ??= new URLSearchParams(question === -1 ? '' : url.slice(question + 1));
        return query;
      },
      params: {},
      requestId: randomUUID(),
      signal: controller.signal,
    };

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

    const run = async () => {
      if (!route.public) {
        const credentials = credentialsOf(ctx);
        if (credentials.kind === 'bearer') {
          ctx.principal = {
            ...(await authenticateBearer(keys, credentials.token)),
            requestId: ctx.requestId,
          };
        } else if (credentials.kind === 'sigv4') {
          ctx.body = await readBody(req, maxBodyBytes);
          const actor = await authenticateSigV4(keys, ctx, credentials.authorization, ctx.body);
          ctx.principal = { ...actor, requestId: ctx.requestId };
        } else {
          throw new LakegateError(
            'AUTH_UNAUTHENTICATED',
            'This request needs an API key: send it as "Authorization: Bearer <key>", as "x-api-key", or sign with AWS SigV4.',
          );
        }
      }
      if (ctx.body === undefined && METHODS_WITH_BODY.has(method))
        ctx.body = await readBody(req, maxBodyBytes);
      await route.handle(ctx);
    };

    run().catch((thrown: unknown) => {
      const error = toLakegateError(thrown);
      if (error.category === 'system') options.onSystemError?.(error, ctx);
      if (res.headersSent) {
        // Mid-response: the surface already wrote its in-band error if it could; all that is left is to stop.
        if (!res.writableEnded) res.end();
        return;
      }
      route.surface.writeError(ctx, error);
    });
  };
}
