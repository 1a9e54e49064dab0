import type { ServerResponse } from 'node:http';
import type { AnyResponse } from '../server/listen.js';

export function sendJson(
  res: AnyResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  // One writeHead with every header: cheaper than a setHeader call per header on the hot path.
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(status, headers);
  res.end(payload);
}

export function sendBytes(res: AnyResponse, status: number, body: Uint8Array, contentType: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', body.byteLength);
  res.end(body);
}

function uncork(res: ServerResponse): void {
  res.uncork();
}

/**
 * Writes a chunk; when the client's buffer is full, returns a promise that resolves once it can take
 * more, so a slow client slows its stream down. Otherwise — nearly always — it returns undefined and the
 * caller goes on without an await (`const full = writeChunk(...); if (full) await full;`): a stream
 * writes a dozen chunks per call, and a resolved promise per chunk was a cost of its own.
 * Chunks written in the same tick leave together: a provider's events arrive several to a network read
 * and were sent one system call each. The cork is pulled on the next tick, before any I/O, so no
 * event waits. (HTTP/1.1 only: an HTTP/2 response has no cork.)
 */
export function writeChunk(res: AnyResponse, chunk: string | Uint8Array): Promise<void> | undefined {
  const h1 = res as ServerResponse;
  if (typeof h1.cork === 'function' && h1.writableCorked === 0) {
    h1.cork();
    process.nextTick(uncork, h1);
  }
  if ((res as { write(chunk: string | Uint8Array): boolean }).write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
