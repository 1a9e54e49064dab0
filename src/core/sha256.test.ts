// The one-shot SHA-256 gives the digest createHash gives, for text (UTF-8) and bytes.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from './sha256.js';

describe('sha256', () => {
  it('agrees with createHash in both encodings', () => {
    for (const data of ['', 'claim 4711 — Grüße, 12,400 EUR', new Uint8Array([0, 255, 7, 42])]) {
      for (const encoding of ['hex', 'base64url'] as const) {
        expect(sha256(data, encoding)).toBe(createHash('sha256').update(data).digest(encoding));
      }
    }
  });
});
