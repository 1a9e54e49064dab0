// The floor any Node gateway stands on: a pass-through proxy with no auth, no parsing, no translation —
// node:http in, undici (pooled keep-alive, as Lakegate uses) out, the answer piped back. What Lakegate
// costs above this row is its own code; what this row costs is the machine and the HTTP stack.
// Usage (as a child with IPC): node bare-proxy.mjs <upstream origin>

import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.argv[2], { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 });

async function forward(req, res, body) {
  try {
    const response = await upstream.request({
      path: req.url,
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body,
    });
    const contentType = response.headers['content-type'] ?? 'application/json';
    res.writeHead(response.statusCode, { 'content-type': contentType });
    for await (const chunk of response.body) res.write(chunk);
    res.end();
  } catch (error) {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
}

const server = createServer({ keepAlive: true, keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => void forward(req, res, Buffer.concat(parts)));
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: server.address().port });
});

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
