import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { Readable } from 'node:stream';
import { LakegateError } from '../../core/index.js';
import { LeanRequest } from '../server/lean-exchange.js';
import type { AnyRequest } from '../server/listen.js';
import type { RequestContext } from './context.js';

/**
 * Reads the whole body once, refusing it as soon as it passes `limit` bytes (and then destroying the
 * request, as breaking out of a read loop would). Plain listeners rather than `for await`: the async
 * iterator costs a promise per chunk and an iterator object per request, on every model call.
 */
export function readBody(req: AnyRequest, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  // The lean server read the body before dispatching the request.
  if (req instanceof LeanRequest)
    return req.body.length > limit ? Promise.reject(tooLarge(limit)) : Promise.resolve(req.body);
  // Gone already (the client left while the request was authenticated): no event will come.
  if (req.destroyed) return Promise.reject(prematureClose());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: Error | undefined) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        settle(tooLarge(limit));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(undefined);
    const onError = (error: Error) => settle(error);
    // Closed before 'end': the client went away mid-body.
    const onClose = () => settle(prematureClose());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

function tooLarge(limit: number): LakegateError {
  return new LakegateError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${limit} bytes.`,
    {
      details: { limitBytes: limit },
    },
  );
}

/**
 * The body as a stream, for routes that take uploads larger than any buffer: the bytes already read if
 * they were (a SigV4-signed request is read whole to check its signature; the lean server reads small
 * bodies before dispatch), else the request itself.
 */
export function requestBodyStream(ctx: RequestContext): Readable | IncomingMessage | Http2ServerRequest {
  if (ctx.body !== undefined) return Readable.from([ctx.body]);
  if (ctx.req instanceof LeanRequest) return Readable.from([ctx.req.body]);
  return ctx.req;
}
