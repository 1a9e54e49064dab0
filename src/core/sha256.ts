// SHA-256 of a whole value in one call. The one-shot `crypto.hash` (Node 20.12+) skips the Hash object
// that createHash allocates; on the gateway's hot path (cache keys, audit chain) that showed in profiles.
// Older Node 20 releases get the same digest through createHash.

import * as crypto from 'node:crypto';

export type DigestEncoding = 'hex' | 'base64url';

export const sha256: (data: string | Uint8Array, encoding: DigestEncoding) => string =
  typeof crypto.hash === 'function'
    ? (data, encoding) => crypto.hash('sha256', data, encoding)
    : (data, encoding) => crypto.createHash('sha256').update(data).digest(encoding);
