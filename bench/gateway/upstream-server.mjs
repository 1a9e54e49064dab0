// The benchmark's model provider: an OpenAI-compatible server on 127.0.0.1 that answers at once with a
// fixed completion or a fixed SSE stream, so that what the benchmark measures is the gateway, not a model.
// Runs as a child process (its CPU is not the gateway's); reports its port over IPC.

import { createServer } from 'node:http';
import { COMPLETION_BODY, SSE_EVENTS } from './fixtures.mjs';

const completion = Buffer.from(COMPLETION_BODY);
const events = SSE_EVENTS.map((event) => Buffer.from(event));

function answer(req, res, body) {
  if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  let stream = false;
  try {
    stream = JSON.parse(body).stream === true;
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"body is not JSON","type":"invalid_request_error"}}');
    return;
  }
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': completion.length });
    res.end(completion);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  // One write per event, as a real server flushes each token; no delay between them.
  for (const event of events) res.write(event);
  res.end();
}

const server = createServer({ keepAlive: true, keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => answer(req, res, Buffer.concat(parts).toString('utf8')));
});
server.keepAliveTimeout = 120_000;

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});

// The parent going away (even by SIGKILL) closes the IPC channel: stop with it.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
