// The lean HTTP/1.1 server serves only requests node:http would read the same way, and hands the rest to
// node:http untouched. The differential tests send the same bytes to a server with the lean path and to
// one with node:http alone, and expect the same answer; the rest try what a lenient parser gets wrong
// (smuggling through framing, header injection in answers) and what connections do (keep-alive,
// pipelining, hand-off mid-connection, clients leaving, stalls).

import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from '../http/read-body.js';
import { writeChunk } from '../http/respond.js';
import { LeanRequest } from './lean-exchange.js';
import { LeanHttp1Server } from './lean-http1.js';
import {
  type AnyRequest,
  type AnyResponse,
  type ListeningServer,
  type ListenOptions,
  listen,
} from './listen.js';

const servers: ListeningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Answers with what it was asked and which server read the request. */
async function echo(req: AnyRequest, res: AnyResponse): Promise<void> {
  try {
    const body = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req, 1024 * 1024);
    const answer = JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: body.toString(),
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-served-by': req instanceof LeanRequest ? 'lean' : 'node',
    });
    res.end(answer);
  } catch (error) {
    res.writeHead(413, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
}

async function start(options: ListenOptions = {}, listener = echo): Promise<ListeningServer> {
  const server = await listen('127.0.0.1', 0, (req, res) => void listener(req, res), options);
  servers.push(server);
  return server;
}

/** Sends raw bytes and collects everything the server writes until it closes the connection. */
function exchange(server: { port: number }, ...pieces: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece, 'latin1');
        await new Promise((r) => setTimeout(r, 5));
      }
    });
  });
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits what came back into answers (Content-Length or chunked bodies), header names lower-cased. */
function answersOf(raw: string): Answer[] {
  const answers: Answer[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`Incomplete answer: ${JSON.stringify(rest)}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    rest = rest.slice(end + 4);
    let body = '';
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = rest.indexOf('\r\n');
        const size = Number.parseInt(rest.slice(0, lineEnd), 16);
        rest = rest.slice(lineEnd + 2);
        if (size === 0) {
          rest = rest.slice(2);
          break;
        }
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    } else {
      // Neither: the body runs to the end of the connection (node:http's answer to HTTP/1.0).
      body = rest;
      rest = '';
    }
    answers.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
  }
  return answers;
}

/**
 * What both servers must agree on: status, body, and headers other than the date, the served-by mark and
 * the framing (node:http chunks an answer whose head was written before its body; both are valid).
 */
function comparable(answer: Answer): unknown {
  const {
    date: _date,
    'x-served-by': _servedBy,
    'content-length': _length,
    'transfer-encoding': _coding,
    ...headers
  } = answer.headers;
  return { status: answer.status, body: answer.body, headers };
}

const PLAIN =
  'POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{"a":1}';

describe('lean HTTP/1.1 server', () => {
  it('serves a plain request itself, exactly as node:http would answer it', async () => {
    const lean = answersOf(await exchange(await start(), PLAIN));
    const node = answersOf(await exchange(await start({ leanHttp1: false }), PLAIN));
    expect(lean).toHaveLength(1);
    expect(lean[0]!.headers['x-served-by']).toBe('lean');
    expect(node[0]!.headers['x-served-by']).toBe('node');
    expect(comparable(lean[0]!)).toEqual(comparable(node[0]!));
    expect(JSON.parse(lean[0]!.body)).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions?x=1',
      headers: { host: 'a', 'content-type': 'application/json', 'content-length': '7' },
      body: '{"a":1}',
    });
  });

  // Each of these is a request the lean server must not read itself: node:http gets the same bytes and
  // its answer (served or refused) must be the answer.
  const handedOff: Record<string, string> = {
    'a chunked body':
      'POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'Content-Length with Transfer-Encoding (smuggling)':
      'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
    'two Content-Lengths':
      'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd',
    'a repeated Authorization':
      'GET /p HTTP/1.1\r\nHost: a\r\nAuthorization: one\r\nAuthorization: two\r\nConnection: close\r\n\r\n',
    'a folded header line': 'GET /p HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\nConnection: close\r\n\r\n',
    'a bare LF line end': 'GET /p HTTP/1.1\r\nHost: a\nX-A: one\r\nConnection: close\r\n\r\n',
    'a bare CR in a value': 'GET /p HTTP/1.1\r\nHost: a\r\nX-A: one\rtwo\r\nConnection: close\r\n\r\n',
    'white space before the colon': 'GET /p HTTP/1.1\r\nHost: a\r\nX-A : one\r\nConnection: close\r\n\r\n',
    'a non-ASCII value': 'GET /p HTTP/1.1\r\nHost: a\r\nX-A: caf\xe9\r\nConnection: close\r\n\r\n',
    'a NUL in a value': 'GET /p HTTP/1.1\r\nHost: a\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n',
    'HTTP/1.0': 'GET /p HTTP/1.0\r\nHost: a\r\n\r\n',
    'a HEAD request': 'HEAD /p HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    'an OPTIONS request': 'OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    'an absolute-form target': 'GET http://a/p HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    'no Host': 'GET /p HTTP/1.1\r\nConnection: close\r\n\r\n',
    'Expect: 100-continue':
      'POST /p HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
    'an Upgrade': 'GET /p HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: close, upgrade\r\n\r\n',
    'a signed Content-Length':
      'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\nConnection: close\r\n\r\nhi',
    'a header named __proto__': 'GET /p HTTP/1.1\r\nHost: a\r\n__proto__: x\r\nConnection: close\r\n\r\n',
    'a lower-case method': 'get /p HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    'a space in the target': 'GET /p q HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    'a head over 16 KiB': `GET /p HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(17 * 1024)}\r\nConnection: close\r\n\r\n`,
  };
  for (const [what, bytes] of Object.entries(handedOff)) {
    it(`hands ${what} to node:http, whose answer it is`, async () => {
      const lean = answersOf(await exchange(await start(), bytes));
      const node = answersOf(await exchange(await start({ leanHttp1: false }), bytes));
      expect(lean.map(comparable)).toEqual(node.map(comparable));
      for (const answer of lean) expect(answer.headers['x-served-by']).not.toBe('lean');
    });
  }

  it('hands a body larger than it reads to node:http', async () => {
    const body = 'x'.repeat(300 * 1024);
    const bytes = `POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const [answer] = answersOf(await exchange(await start(), bytes));
    expect(answer!.headers['x-served-by']).toBe('node');
    expect(JSON.parse(answer!.body).body).toHaveLength(body.length);
  });

  it('hands the routes that stream through node:http to it', async () => {
    const server = await start({
      needsNodeHttp: (method, rawPath) => method === 'PUT' && rawPath === '/upload',
    });
    const put = 'PUT /upload?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi';
    expect(answersOf(await exchange(server, put))[0]!.headers['x-served-by']).toBe('node');
    const post = 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi';
    expect(answersOf(await exchange(server, post))[0]!.headers['x-served-by']).toBe('lean');
  });

  it('keeps the connection for the next request, and serves pipelined requests in order', async () => {
    const server = await start();
    const first = 'POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\na';
    const second = 'GET /2 HTTP/1.1\r\nHost: a\r\n\r\n';
    const third = 'POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nConnection: close\r\n\r\nc';
    // The first two in one write (pipelined), the third later, its body split from its head.
    const answers = answersOf(await exchange(server, first + second, third.slice(0, 40), third.slice(40)));
    expect(answers.map((a) => JSON.parse(a.body).url)).toEqual(['/1', '/2', '/3']);
    expect(answers.map((a) => a.headers['x-served-by'])).toEqual(['lean', 'lean', 'lean']);
    expect(answers.map((a) => a.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'close']);
    // The idle time announced is the one the server keeps (node:http's 65 s).
    expect(answers[0]!.headers['keep-alive']).toBe('timeout=65');
  });

  it('hands a connection to node:http mid-way, after the requests it served', async () => {
    const server = await start();
    const lean = 'POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\na';
    const chunked = 'POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nbc\r\n0\r\n\r\n';
    const after = 'POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nConnection: close\r\n\r\nd';
    const answers = answersOf(await exchange(server, lean + chunked + after));
    expect(
      answers.map((a) => [JSON.parse(a.body).url, JSON.parse(a.body).body, a.headers['x-served-by']]),
    ).toEqual([
      ['/1', 'a', 'lean'],
      ['/2', 'bc', 'node'],
      ['/3', 'd', 'node'],
    ]);
  });

  it('refuses response headers that would split the answer, as node:http does', async () => {
    const thrown: unknown[] = [];
    const server = await start({}, async (_req, res) => {
      for (const value of ['a\r\nSet-Cookie: evil=1', 'a\nb', 'a\x00b']) {
        try {
          res.setHeader('x-a', value);
        } catch (error) {
          thrown.push(error);
        }
      }
      try {
        res.writeHead(200, { 'bad name': 'x' });
      } catch (error) {
        thrown.push(error);
      }
      // Framing and the connection are the server's: a route's own never reach the wire.
      res.writeHead(200, {
        'content-type': 'text/plain',
        'transfer-encoding': 'chunked',
        connection: 'upgrade',
      });
      res.end('ok');
    });
    const raw = await exchange(server, PLAIN);
    expect(raw).not.toMatch(/transfer-encoding|upgrade/i);
    const [answer] = answersOf(raw);
    expect(thrown).toHaveLength(4);
    expect(answer).toMatchObject({ status: 200, body: 'ok' });
    expect(answer!.headers['set-cookie']).toBeUndefined();
    expect(answer!.headers['x-a']).toBeUndefined();
  });

  it('frames a response written in pieces as chunks, and one ended at once with its length', async () => {
    const server = await start({}, async (req, res) => {
      if (req.url === '/pieces') {
        res.setHeader('content-type', 'text/event-stream');
        res.write('data: 1\n\n');
        res.write(Buffer.from('data: é\n\n'));
        res.write('');
        res.end('data: [DONE]\n\n');
      } else {
        res.end(Buffer.from('whole'));
      }
    });
    const pieces = 'GET /pieces HTTP/1.1\r\nHost: a\r\n\r\n';
    const whole = 'GET /whole HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';
    const raw = await exchange(server, pieces + whole);
    const [streamed, ended] = answersOf(raw);
    expect(streamed!.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.from(streamed!.body, 'latin1').toString()).toBe('data: 1\n\ndata: é\n\ndata: [DONE]\n\n');
    expect(ended).toMatchObject({ status: 200, body: 'whole', headers: { 'content-length': '5' } });
  });

  it('sends pieces written in one tick (corked) as one framed run, text and bytes in order', async () => {
    const server = await start({}, async (_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      // writeChunk corks the response until the next tick: these leave together.
      void writeChunk(res, 'data: 1\n\n');
      void writeChunk(res, Buffer.from('data: 2\n\n'));
      void writeChunk(res, 'data: 3\n\n');
      await writeChunk(res, 'data: é\n\n');
      await new Promise((resolve) => setImmediate(resolve));
      await writeChunk(res, 'data: 5\n\n');
      res.end('data: [DONE]\n\n');
    });
    const [streamed] = answersOf(await exchange(server, PLAIN));
    expect(streamed!.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.from(streamed!.body, 'latin1').toString()).toBe(
      'data: 1\n\ndata: 2\n\ndata: 3\n\ndata: é\n\ndata: 5\n\ndata: [DONE]\n\n',
    );
  });

  it('closes the connection instead of sending a body that does not match its Content-Length', async () => {
    const errors: unknown[] = [];
    const server = await start({}, async (_req, res) => {
      res.writeHead(200, { 'content-length': 10 });
      try {
        res.end('short');
      } catch (error) {
        errors.push(error);
      }
    });
    const raw = await exchange(
      server,
      'GET /p HTTP/1.1\r\nHost: a\r\n\r\nGET /q HTTP/1.1\r\nHost: a\r\n\r\n',
    );
    expect(raw).toBe('');
    expect(errors).toMatchObject([{ code: 'ERR_HTTP_CONTENT_LENGTH_MISMATCH' }]);
  });

  it('tells the route its client went away before the answer', async () => {
    let closedEarly: Promise<boolean> | undefined;
    let socket: Socket | undefined;
    const server = await start({}, async (_req, res) => {
      closedEarly = new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));
      socket?.destroy();
    });
    socket = connect(server.port, '127.0.0.1', () => socket!.write('GET /p HTTP/1.1\r\nHost: a\r\n\r\n'));
    socket.on('error', () => undefined);
    await expect.poll(() => closedEarly).toBeDefined();
    expect(await closedEarly).toBe(true);
  });
});

describe('lean HTTP/1.1 server timeouts', () => {
  it('closes a connection that never sends enough to tell its protocol', async () => {
    const server = await start({ firstBytesTimeoutMs: 200 });
    // "PRI" could still become the HTTP/2 preface: the server waits for more, but not for ever.
    expect(await exchange(server, 'PRI')).toBe('');
  });

  async function leanOnly(
    keepAliveMs: number,
    requestTimeoutMs: number,
  ): Promise<{ port: number; close(): void }> {
    const { createServer } = await import('node:net');
    const { createServer: createHttpServer } = await import('node:http');
    const lean = new LeanHttp1Server({
      listener: (req, res) => void echo(req, res),
      needsNodeHttp: () => false,
      fallback: createHttpServer(),
      maxBodyBytes: 1024,
      keepAliveMs,
      requestTimeoutMs,
    });
    const server = createServer((socket) => {
      socket.once('data', (head) => lean.accept(socket, head));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return {
      port: typeof address === 'object' && address ? address.port : 0,
      close: () => server.close(),
    };
  }

  it('closes a connection left idle past the keep-alive time', async () => {
    const server = await leanOnly(200, 60_000);
    const raw = await exchange(server, 'GET /p HTTP/1.1\r\nHost: a\r\n\r\n');
    server.close();
    expect(answersOf(raw)).toMatchObject([{ status: 200 }]);
  });

  it('answers 408 to a request that stalls before it is all there', async () => {
    const server = await leanOnly(60_000, 200);
    const raw = await exchange(server, 'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc');
    server.close();
    expect(answersOf(raw)).toMatchObject([{ status: 408 }]);
  });
});
