// The lean server's promise, tried on bytes nobody wrote by hand: whatever it serves itself, node:http
// reads the same way. Valid requests are mutated at random (seeded, so a failure can be replayed) —
// bytes inserted, dropped or replaced with the ones parsers disagree on (CR, LF, NUL, space, tab, colon,
// comma, non-ASCII), lines repeated — and every request the lean server answered itself is sent to a
// server with node:http alone, which must have read it identically (method, target, headers, body).

import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/index.js';
import { readBody } from '../http/read-body.js';
import { LeanRequest } from './lean-exchange.js';
import { type AnyRequest, type AnyResponse, type ListeningServer, listen } from './listen.js';

const CASES = 200;
/** With no more bytes for this long, an exchange is over (a mutated length can leave both servers waiting). */
const QUIET_MS = 100;

type Seen = Array<{ servedBy: string; seen: Promise<string> }>;
/** What each server's listener read, in order: method, target, headers and body. */
const seenBy: { lean: Seen; node: Seen } = { lean: [], node: [] };

/**
 * Records what the listener was given (server-side: node:http answers a pipelined request that follows
 * with 400 and drops the earlier answer, so answers alone do not show what it read) and answers 204.
 */
function recorder(into: Seen) {
  return (req: AnyRequest, res: AnyResponse) => {
    const seen = readBody(req, 1024 * 1024).then(
      (body) =>
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: body.toString('latin1'),
        }),
      (error: Error) => `unread: ${error.message}`,
    );
    into.push({ servedBy: req instanceof LeanRequest ? 'lean' : 'node', seen });
    void seen.then(() => {
      res.writeHead(204, {});
      res.end();
    });
  };
}

function exchange(server: ListeningServer, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      socket.destroy();
      resolve();
    };
    const wait = () => {
      clearTimeout(quiet);
      quiet = setTimeout(done, QUIET_MS);
    };
    socket.on('data', wait);
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => {
      socket.write(bytes);
      wait();
    });
  });
}

const SEEDS = [
  'POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nAuthorization: Bearer k.s\r\nContent-Length: 7\r\n\r\n{"a":1}',
  'GET /api/2.1/unity-catalog/catalogs?max_results=5 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n',
  'POST /model/a%3Ab/converse HTTP/1.1\r\nhost: a\r\nx-amz-date: 20260101T000000Z\r\ncontent-length: 2\r\n\r\n{}GET /x HTTP/1.1\r\nHost: a\r\n\r\n',
];
const TROUBLE = ['\r', '\n', '\r\n', '\0', ' ', '\t', ':', ',', '\x7f', '\xe9', '\xff', 'a', '0', '9'];

function mutate(random: () => number, seed: string): Buffer {
  let text = seed;
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * text.length);
    const kind = Math.floor(random() * 4);
    if (kind === 0)
      text = text.slice(0, at) + TROUBLE[Math.floor(random() * TROUBLE.length)]! + text.slice(at);
    else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1);
    else if (kind === 2)
      text = text.slice(0, at) + TROUBLE[Math.floor(random() * TROUBLE.length)]! + text.slice(at + 1);
    else {
      // Repeat a whole line (a header twice, a request line inside the head).
      const lines = text.split('\r\n');
      const line = Math.floor(random() * lines.length);
      lines.splice(line, 0, lines[line]!);
      text = lines.join('\r\n');
    }
  }
  return Buffer.from(text, 'latin1');
}

let lean: ListeningServer;
let node: ListeningServer;
beforeAll(async () => {
  lean = await listen('127.0.0.1', 0, recorder(seenBy.lean));
  node = await listen('127.0.0.1', 0, recorder(seenBy.node), { leanHttp1: false });
});
afterAll(async () => {
  await lean.close();
  await node.close();
});

describe('lean HTTP/1.1 server against node:http on mutated requests', () => {
  it(`reads every request it serves itself as node:http does (${CASES} seeded cases)`, async () => {
    const random = seededRandom(20261126);
    let servedByLean = 0;
    let handedOff = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const bytes = mutate(random, SEEDS[i % SEEDS.length]!);
      seenBy.lean.length = 0;
      seenBy.node.length = 0;
      await exchange(lean, bytes);
      if (!seenBy.lean.some((s) => s.servedBy === 'lean')) {
        handedOff += 1;
        continue;
      }
      servedByLean += 1;
      await exchange(node, bytes);
      // On a busy machine node:http may not have read them all within the quiet time: wait (bounded).
      const last = seenBy.lean.findLastIndex((s) => s.servedBy === 'lean');
      for (let waited = 0; seenBy.node.length <= last && waited < 2000; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
      // node:http must have read each request the lean server served, and read it the same way.
      for (const [at, served] of seenBy.lean.entries()) {
        if (served.servedBy !== 'lean') continue;
        const leanView = await served.seen;
        const nodeView = await seenBy.node[at]?.seen;
        if (nodeView !== leanView)
          disagreements.push(
            `${JSON.stringify(bytes.toString('latin1'))}: lean ${leanView} / node ${nodeView}`,
          );
      }
    }
    expect(disagreements).toEqual([]);
    // Both kinds occurred: the mutations reach the hand-off rules and leave some requests plain.
    expect(servedByLean).toBeGreaterThan(10);
    expect(handedOff).toBeGreaterThan(10);
  }, 120_000);
});
