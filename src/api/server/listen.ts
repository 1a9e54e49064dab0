// One port, two protocols: HTTP/1.1 (curl, the openai package, browsers) and HTTP/2 with prior knowledge
// (h2c), which the AWS SDK for JavaScript speaks by default even to an http:// endpoint. The first bytes
// of a connection tell them apart: an HTTP/2 client opens with a fixed preface. HTTP/1.1 connections go
// to the lean server (lean-http1.ts), which hands node:http whatever it does not serve itself.

import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest } from 'node:http2';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { LeanRequest } from './lean-exchange.js';
import { LeanHttp1Server } from './lean-http1.js';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type AnyRequest = IncomingMessage | Http2ServerRequest | LeanRequest;

/**
 * What routes may do with a response, whichever server made it: node:http's ServerResponse, http2's
 * compatibility response, or the lean server's.
 */
export interface AnyResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  writeHead(status: number, headers?: OutgoingHttpHeaders): unknown;
  write(chunk: string | Uint8Array): boolean;
  end(chunk?: string | Uint8Array): unknown;
  /** Cuts the connection (HTTP/1.1) or resets the stream (HTTP/2): for a body that cannot be finished. */
  destroy(): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  off(event: 'close' | 'drain', listener: () => void): unknown;
}
export type RequestListener = (req: AnyRequest, res: AnyResponse) => void;

export interface ListenOptions {
  /** Serve plain HTTP/1.1 requests with the lean server (the default), or leave all of them to node:http. */
  leanHttp1?: boolean;
  /** Whether a request's route reads its body as a stream (node:http serves it). */
  needsNodeHttp?(method: string, rawPath: string): boolean;
  /** A connection that sends too few bytes to tell its protocol for this long is closed (default 60 s). */
  firstBytesTimeoutMs?: number;
}

/** Node:http's keep-alive time for idle connections, which the lean server keeps too. */
const KEEP_ALIVE_MS = 65_000;
/** node:http's default headersTimeout: how long a request may take to arrive. */
const REQUEST_TIMEOUT_MS = 60_000;
/**
 * The largest body the lean server reads before the route runs. It reads it before authentication (the
 * route is not known to want it until then), so a larger one goes to node:http, whose pipeline reads a
 * body only after the key checks out: an anonymous client cannot make every connection hold megabytes.
 */
const LEAN_MAX_BODY_BYTES = 256 * 1024;

export interface ListeningServer {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

type Verdict = 'h1' | 'h2' | 'undecided';

function classify(head: Buffer): Verdict {
  const n = Math.min(head.length, H2_PREFACE.length);
  if (!head.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return 'h1';
  return n === H2_PREFACE.length ? 'h2' : 'undecided';
}

export async function listen(
  host: string,
  port: number,
  listener: RequestListener,
  options: ListenOptions = {},
): Promise<ListeningServer> {
  const h1 = createHttpServer(
    { keepAlive: true, keepAliveTimeout: KEEP_ALIVE_MS, requestTimeout: 0 },
    listener,
  );
  const lean =
    options.leanHttp1 === false
      ? undefined
      : new LeanHttp1Server({
          listener,
          needsNodeHttp: options.needsNodeHttp ?? (() => false),
          fallback: h1,
          maxBodyBytes: LEAN_MAX_BODY_BYTES,
          keepAliveMs: KEEP_ALIVE_MS,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
        });
  const h2 = createHttp2Server({ settings: { maxConcurrentStreams: 256 } }, listener);
  const sockets = new Set<Socket>();

  const sniff = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Until a server owns the connection, no server's timeouts apply: one that never says which protocol
    // it speaks would otherwise be held open for ever.
    const silent = setTimeout(() => socket.destroy(), options.firstBytesTimeoutMs ?? REQUEST_TIMEOUT_MS);
    socket.once('close', () => clearTimeout(silent));
    let head: Buffer = Buffer.alloc(0);
    const onReadable = () => {
      for (
        let chunk = socket.read() as Buffer | null;
        chunk !== null;
        chunk = socket.read() as Buffer | null
      ) {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      }
      const verdict = classify(head);
      if (verdict === 'undecided') return;
      clearTimeout(silent);
      socket.off('readable', onReadable);
      if (lean && verdict === 'h1') {
        lean.accept(socket, head);
        return;
      }
      // Both servers take bytes already read from the socket when they are pushed back first: http2
      // hands what the socket has buffered to its session before it reads from the native handle.
      socket.unshift(head);
      (verdict === 'h2' ? h2 : h1).emit('connection', socket);
    };
    socket.on('readable', onReadable);
  };

  const server = createNetServer({ noDelay: true }, sniff);
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    host,
    port: actualPort,
    url: `http://${urlHost}:${actualPort}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      h1.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      h2.close();
      await closed;
    },
  };
}
