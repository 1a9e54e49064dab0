// The lean HTTP/1.1 path of UpstreamAgent against a server that writes exact bytes: requests go out as
// undici would send them, connections are kept and reused only when that is safe, every failure is
// classified as undici's would be, and a request the lean path does not take still works through undici.

import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamAgent } from './upstream-agent.js';
import { sendUpstreamBuffered } from './upstream-buffered.js';
import { createUpstreamAgent, readBodyText, sendUpstream, UPSTREAM_AGENT_SETTINGS } from './upstream-http.js';

interface ReceivedRequest {
  head: string;
  body: string;
  connection: number;
}

interface RawServer {
  url: string;
  requests: ReceivedRequest[];
  /** Connections opened so far, and open now. */
  connections: number;
  open: number;
  maxOpen: number;
  close(): Promise<void>;
}

type Answer = (request: ReceivedRequest, socket: Socket) => void;

/** A server that reads Content-Length framed requests and lets the test write the answer's bytes. */
async function rawServer(answer: Answer): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state: RawServer = {
    url: '',
    requests: [],
    connections: 0,
    open: 0,
    maxOpen: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const connection = ++state.connections;
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    socket.on('close', () => {
      state.open--;
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = pending.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const body = pending.toString('utf8', end + 4, end + 4 + length);
        pending = pending.subarray(end + 4 + length);
        const request = { head, body, connection };
        state.requests.push(request);
        answer(request, socket);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return state;
}

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** Waits (up to five seconds) for something the other side of a connection sees a moment later. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

const settings = UPSTREAM_AGENT_SETTINGS;

let server: RawServer | undefined;
let agent: UpstreamAgent | undefined;

afterEach(async () => {
  await agent?.destroy();
  await server?.close();
  agent = undefined;
  server = undefined;
});

const post = (
  url: string,
  body = '{"q":"€ and ü"}',
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) => ({
  url: `${url}/v1/chat/completions?x=1`,
  headers: { 'content-type': 'application/json', authorization: 'Bearer secret', ...headers },
  body,
  signal,
});

describe('UpstreamAgent lean path', () => {
  it('writes the request as undici would and reuses one connection for calls in turn', async () => {
    server = await rawServer((_request, socket) => socket.write(ok('fine')));
    agent = createUpstreamAgent();
    for (let i = 0; i < 3; i++) {
      expect(await sendUpstreamBuffered(agent, 'p', post(server.url))).toMatchObject({
        status: 200,
        text: 'fine',
      });
    }
    expect(server.connections).toBe(1);
    const [first] = server.requests;
    const lines = first!.head.split('\r\n');
    expect(lines[0]).toBe('POST /v1/chat/completions?x=1 HTTP/1.1');
    expect(lines).toContain(`host: ${new URL(server.url).host}`);
    expect(lines).toContain('authorization: Bearer secret');
    expect(lines).toContain(`content-length: ${Buffer.byteLength('{"q":"€ and ü"}')}`);
    expect(first!.body).toBe('{"q":"€ and ü"}');
  });

  it('sends the host header it is given (a signed request must go out as signed)', async () => {
    server = await rawServer((_request, socket) => socket.write(ok('fine')));
    agent = createUpstreamAgent();
    await sendUpstreamBuffered(agent, 'p', post(server.url, '{}', { host: 'bedrock-runtime.example' }));
    const lines = server.requests[0]!.head.split('\r\n');
    expect(lines.filter((line) => line.toLowerCase().startsWith('host:'))).toEqual([
      'host: bedrock-runtime.example',
    ]);
  });

  it('opens a new connection after an answer that closes it, or one that ran to the end', async () => {
    let call = 0;
    server = await rawServer((_request, socket) => {
      call++;
      if (call === 1) socket.write(ok('first', 'connection: close\r\n'));
      else if (call === 2)
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nsecond, to the end');
      else socket.write(ok('third'));
    });
    agent = createUpstreamAgent();
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await sendUpstreamBuffered(agent, 'p', post(server.url))).text);
    expect(texts).toEqual(['first', 'second, to the end', 'third']);
    expect(server.connections).toBe(3);
  });

  it('reads a chunked answer that arrives in odd pieces', async () => {
    server = await rawServer((_request, socket) => {
      const wire =
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{"a"\r\n7;x=y\r\n:"bcd"}\r\n0\r\n\r\n';
      let at = 0;
      const next = () => {
        socket.write(wire.slice(at, at + 5));
        at += 5;
        if (at < wire.length) setTimeout(next, 1);
      };
      next();
    });
    agent = createUpstreamAgent();
    expect(await sendUpstreamBuffered(agent, 'p', post(server.url))).toMatchObject({ text: '{"a":"bcd"}' });
    expect(await sendUpstreamBuffered(agent, 'p', post(server.url))).toMatchObject({ text: '{"a":"bcd"}' });
    expect(server.connections).toBe(1);
  });

  it('refuses an answer that could be read two ways, and does not reuse its connection', async () => {
    let call = 0;
    server = await rawServer((_request, socket) => {
      if (++call === 1) {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n');
      } else socket.write(ok('clean'));
    });
    agent = createUpstreamAgent();
    await expect(sendUpstreamBuffered(agent, 'p', post(server.url))).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      retryable: true,
    });
    expect(await sendUpstreamBuffered(agent, 'p', post(server.url))).toMatchObject({ text: 'clean' });
    expect(server.connections).toBe(2);
  });

  it('fails a call whose connection closes mid-answer, and carries on with a new one', async () => {
    let call = 0;
    server = await rawServer((_request, socket) => {
      if (++call === 1) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part');
      else socket.write(ok('whole'));
    });
    agent = createUpstreamAgent();
    await expect(sendUpstreamBuffered(agent, 'p', post(server.url))).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('other side closed'),
    });
    expect(await sendUpstreamBuffered(agent, 'p', post(server.url))).toMatchObject({ text: 'whole' });
  });

  it('does not use a kept connection the server has since closed', async () => {
    const served: Socket[] = [];
    server = await rawServer((_request, socket) => {
      served.push(socket);
      socket.write(ok('fine'));
    });
    agent = createUpstreamAgent();
    await sendUpstreamBuffered(agent, 'p', post(server.url));
    served[0]!.end();
    await once(served[0]!, 'close');
    // Give the client side a moment to see the FIN before the next call picks a connection.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await sendUpstreamBuffered(agent, 'p', post(server.url))).toMatchObject({ text: 'fine' });
    expect(server.connections).toBe(2);
  });

  it('closes a kept connection after the keep-alive time the server asked for', async () => {
    server = await rawServer((_request, socket) => socket.write(ok('fine', 'keep-alive: timeout=3\r\n')));
    agent = createUpstreamAgent();
    await sendUpstreamBuffered(agent, 'p', post(server.url));
    expect(server.open).toBe(1);
    // timeout=3 less the 2-second margin: closed by the sweep one to two seconds later.
    await until(() => server!.open === 0);
    expect(server.open).toBe(0);
  });

  it('never lets a header value split into two headers', async () => {
    server = await rawServer((_request, socket) => socket.write(ok('fine')));
    agent = createUpstreamAgent();
    await expect(
      sendUpstreamBuffered(agent, 'p', post(server.url, '{}', { 'x-note': 'a\r\nx-injected: yes' })),
    ).rejects.toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE' });
    expect(server.requests.every((request) => !request.head.includes('x-injected'))).toBe(true);
  });

  it('keeps to the connection limit, queueing the calls beyond it', async () => {
    server = await rawServer((_request, socket) => setTimeout(() => socket.write(ok('fine')), 10));
    agent = new UpstreamAgent({ ...settings, connectionsPerOrigin: 2 });
    const calls = Array.from({ length: 7 }, () => sendUpstreamBuffered(agent!, 'p', post(server!.url)));
    expect((await Promise.all(calls)).map((response) => response.text)).toEqual(Array(7).fill('fine'));
    expect(server.maxOpen).toBe(2);
  });

  it('cancels a call when its signal fires, closing its connection', async () => {
    server = await rawServer(() => undefined);
    agent = createUpstreamAgent();
    const controller = new AbortController();
    const call = sendUpstreamBuffered(agent, 'p', post(server.url, '{}', {}, controller.signal));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.open).toBe(1);
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(call).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
    await until(() => server!.open === 0);
    expect(server.open).toBe(0);
  });

  it('fails a call the server goes silent on, as a timeout', async () => {
    server = await rawServer(() => undefined);
    agent = new UpstreamAgent({ ...settings, responseIdleSeconds: 1 });
    await expect(sendUpstreamBuffered(agent, 'p', post(server.url))).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_TIMEOUT',
    });
  });

  it('says it could not connect', async () => {
    server = await rawServer(() => undefined);
    const { url } = server;
    await server.close();
    server = undefined;
    agent = createUpstreamAgent();
    await expect(sendUpstreamBuffered(agent, 'p', post(url))).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('lets a call under way finish when the agent closes', async () => {
    server = await rawServer((_request, socket) => setTimeout(() => socket.write(ok('late')), 50));
    agent = createUpstreamAgent();
    const call = sendUpstreamBuffered(agent, 'p', post(server.url));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await agent.close();
    expect(await call).toMatchObject({ text: 'late' });
    await until(() => server!.open === 0);
    expect(server.open).toBe(0);
  });

  it('sends what the lean path does not take through undici', async () => {
    server = await rawServer((_request, socket) => socket.write(ok('via undici')));
    agent = createUpstreamAgent();
    // undici's request() (a Readable body) comes through dispatch, and so does a hop-by-hop header.
    const response = await sendUpstream(agent, 'p', post(server.url));
    expect(await readBodyText('p', response)).toBe('via undici');
    const viaHeader = await sendUpstreamBuffered(
      agent,
      'p',
      post(server.url, '{}', { connection: 'keep-alive' }),
    );
    expect(viaHeader.text).toBe('via undici');
  });
});
