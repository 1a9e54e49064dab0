import type { Actor } from '../../catalog/index.js';
import type { AnyRequest, AnyResponse } from '../server/listen.js';

export interface RequestContext {
  req: AnyRequest;
  res: AnyResponse;
  method: string;
  /** The path exactly as sent, percent-encoding intact: model ids are ARNs with encoded ':' and '/'. */
  rawPath: string;
  query: URLSearchParams;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  requestId: string;
  /** Aborted when the client goes away before the response has finished. */
  signal: AbortSignal;
  /** Who is calling, once authentication has run: the catalog's actor, with this request's id. */
  principal?: Actor;
  /** The request body, read once (and only for routes that take one). */
  body?: Buffer;
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
