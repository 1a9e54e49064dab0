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
  (res as ServerResponse).writeHead(status, headers);
  res.end(payload);
}

export function sendBytes(res: AnyResponse, status: number, body: Uint8Array, contentType: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', body.byteLength);
  res.end(body);
}

/** Writes a chunk and resolves when the socket can take more, so a slow client slows its stream down. */
export function writeChunk(res: AnyResponse, chunk: string | Uint8Array): Promise<void> {
  if ((res as { write(chunk: string | Uint8Array): boolean }).write(chunk)) return Promise.resolve();
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
