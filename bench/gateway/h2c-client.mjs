// An h2c client: one HTTP/2 session to the origin with prior knowledge, requests as streams on it, as the
// AWS SDK's NodeHttp2Handler talks to an http:// endpoint (undici's h2c client was slower than the server
// it measured). Answers in the shape of undici's request, with the response head's headers.

import { connect } from 'node:http2';

const REQUEST_TIMEOUT_MS = 10_000;

export function h2cSession(origin) {
  const session = connect(origin);
  // A failed session fails its streams, whose promises reject; the session's own event adds nothing.
  session.on('error', () => undefined);
  return {
    request({ path, method, headers, body }) {
      return new Promise((resolve, reject) => {
        const stream = session.request({ ':method': method, ':path': path, ...headers });
        stream.setTimeout(REQUEST_TIMEOUT_MS, () => stream.close());
        stream.on('error', reject);
        stream.on('response', (head) => {
          const chunks = [];
          stream.on('data', (chunk) => chunks.push(chunk));
          const text = new Promise((done) => stream.on('end', () => done(Buffer.concat(chunks).toString())));
          resolve({ statusCode: head[':status'], headers: head, body: { text: () => text } });
        });
        stream.end(body);
      });
    },
    close: () => new Promise((resolve) => session.close(resolve)),
  };
}
