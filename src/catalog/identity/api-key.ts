// A Lakegate API key is `<key id>.<secret>`. The key id is public (it names the key, and is the AWS
// access key id when the key signs with SigV4); the secret is shown once and otherwise stored hashed.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../../core/index.js';

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

const KEY_ID = /^lg[A-Z0-9]{16,64}$/;
const SECRET = /^[A-Za-z0-9_-]{20,200}$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function generateApiKey(): ParsedApiKey & { token: string } {
  const idBytes = randomBytes(16);
  let keyId = 'lg';
  for (let i = 0; i < 16; i++) keyId += BASE32[idBytes[i]! & 31];
  const secret = randomBytes(30).toString('base64url');
  return { keyId, secret, token: `${keyId}.${secret}` };
}

export function parseApiKey(token: string): ParsedApiKey | undefined {
  const dot = token.indexOf('.');
  if (dot === -1) return undefined;
  const keyId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!KEY_ID.test(keyId) || !SECRET.test(secret)) return undefined;
  return { keyId, secret };
}

export function isValidKeyId(keyId: string): boolean {
  return KEY_ID.test(keyId);
}

/** SHA-256 is enough for secrets of 240 random bits: there is nothing to brute-force. */
export function hashSecret(secret: string): string {
  return sha256(secret, 'hex');
}

export function secretMatches(secret: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
