import type { Actor } from '../../catalog/index.js';
import type { ClientCancellation } from '../../gateway/index.js';
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
  /** The same, without an AbortSignal (cheaper to follow); the pipeline always sets it. */
  cancellation?: ClientCancellation;
  /** Who is calling, once authentication has run: the catalog's actor, with this request's id. */
  principal?: Actor;
  /** The request body, read once (and only for routes that take one). */
  body?: Buffer;
}

/** Whether the client has gone, read without making the AbortSignal when the pipeline can say. */
export function clientGone(ctx: RequestContext): boolean {
  return ctx.cancellation ? ctx.cancellation.reason !== undefined : ctx.signal.aborted;
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
