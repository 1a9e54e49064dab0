// A local HTTP server that plays a provider: each test scripts the responses (status, headers, body,
// streamed chunks with pauses, a connection reset mid-stream) and asserts on the requests it recorded.
// Adapters are tested against it speaking the provider's real wire format, byte for byte.

import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received (percent-encoding kept). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export type ScriptedResponse =
  | { status?: number; headers?: Record<string, string>; body: string | Uint8Array | object }
  | {
      status?: number;
      headers?: Record<string, string>;
      /** Written one after another; a number is a pause in milliseconds. */
      chunks: Array<string | Uint8Array | number>;
      /** Destroy the socket after the chunks instead of ending the response cleanly. */
      resetAfterChunks?: boolean;
    }
  | { reset: true }
  | { hang: true };

export type Responder = (request: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  /** Responses are taken in order; when the queue is empty, `fallback` answers. */
  enqueue(...responses: Array<ScriptedResponse | Responder>): void;
  fallback: Responder;
  lastRequest(): RecordedRequest;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const queue: Array<ScriptedResponse | Responder> = [];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();

  const state: ScriptedServer = {
    url: '',
    requests,
    enqueue: (...responses) => queue.push(...responses),
    fallback: () => ({ status: 500, body: { error: 'no scripted response' } }),
    lastRequest: () => {
      const last = requests.at(-1);
      if (!last) throw new Error('the scripted server received no request');
      return last;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };

  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = Buffer.concat(parts);
    let json: unknown;
    try {
      json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      json,
    };
    requests.push(recorded);
    const next = queue.shift() ?? state.fallback;
    const scripted = typeof next === 'function' ? await next(recorded) : next;

    if ('reset' in scripted) {
      req.socket.destroy();
      return;
    }
    if ('hang' in scripted) {
      hanging.add(res);
      return;
    }
    res.statusCode = scripted.status ?? 200;
    for (const [name, value] of Object.entries(scripted.headers ?? {})) res.setHeader(name, value);
    if ('body' in scripted) {
      const payload =
        typeof scripted.body === 'string' || scripted.body instanceof Uint8Array
          ? scripted.body
          : JSON.stringify(scripted.body);
      if (
        !res.hasHeader('content-type') &&
        !(typeof scripted.body === 'string') &&
        !(scripted.body instanceof Uint8Array)
      )
        res.setHeader('content-type', 'application/json');
      res.end(payload);
      return;
    }
    res.flushHeaders();
    for (const chunk of scripted.chunks) {
      if (typeof chunk === 'number') await new Promise((resolve) => setTimeout(resolve, chunk));
      else res.write(chunk);
    }
    if (scripted.resetAfterChunks) {
      // Give the written chunks a moment to reach the client before the connection drops.
      await new Promise((resolve) => setTimeout(resolve, 20));
      req.socket.destroy();
    } else {
      res.end();
    }
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** Reads a fixture file that lives beside a test (`new URL('./fixtures/x.json', import.meta.url)`). */
export async function readFixture(url: URL): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return readFile(url, 'utf8');
}
