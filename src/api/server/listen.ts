// One port, two protocols: HTTP/1.1 (curl, the openai package, browsers) and HTTP/2 with prior knowledge
// (h2c), which the AWS SDK for JavaScript speaks by default even to an http:// endpoint. The first bytes
// of a connection tell them apart: an HTTP/2 client opens with a fixed preface.

import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { createServer as createNetServer, type Socket } from 'node:net';
import { PrefacedSocket } from './prefaced-socket.js';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;
export type RequestListener = (req: AnyRequest, res: AnyResponse) => void;

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
): Promise<ListeningServer> {
  const h1 = createHttpServer({ keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 0 }, listener);
  const h2 = createHttp2Server({ settings: { maxConcurrentStreams: 256 } }, listener);
  const sockets = new Set<Socket>();

  const sniff = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
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
      socket.off('readable', onReadable);
      if (verdict === 'h2') {
        h2.emit('connection', new PrefacedSocket(socket, head));
      } else {
        socket.unshift(head);
        h1.emit('connection', socket);
      }
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
