import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashSecret, isValidKeyId, parseApiKey, secretMatches } from './api-key.js';

const KEY_ID = 'lg0123456789ABCDEF';
const SECRET = 'a-secret-of-twenty-chars_ok';

describe('generateApiKey', () => {
  it('makes `lg` + 16 base32 characters, a dot, and 40 base64url characters (240 bits)', () => {
    const key = generateApiKey();
    expect(key.keyId).toMatch(/^lg[A-Z2-7]{16}$/);
    expect(key.secret).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(key.token).toBe(`${key.keyId}.${key.secret}`);
  });

  it('makes keys its own parser accepts', () => {
    const key = generateApiKey();
    expect(parseApiKey(key.token)).toEqual({ keyId: key.keyId, secret: key.secret });
    expect(isValidKeyId(key.keyId)).toBe(true);
  });

  it('never repeats an id or a secret', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.secret)).size).toBe(keys.length);
  });
});

describe('parseApiKey', () => {
  it('splits a well-formed token at its dot', () => {
    expect(parseApiKey(`${KEY_ID}.${SECRET}`)).toEqual({ keyId: KEY_ID, secret: SECRET });
  });

  it('accepts the shortest and longest allowed parts', () => {
    expect(parseApiKey(`lg${'A'.repeat(16)}.${'s'.repeat(20)}`)).toBeDefined();
    expect(parseApiKey(`lg${'9'.repeat(64)}.${'s'.repeat(200)}`)).toBeDefined();
  });

  it.each([
    ['an empty string', ''],
    ['no dot', `${KEY_ID}${SECRET}`],
    ['only a dot', '.'],
    ['no key id', `.${SECRET}`],
    ['no secret', `${KEY_ID}.`],
    ['a key id without the lg prefix', `LG0123456789ABCDEF.${SECRET}`],
    ['a key id with lower-case letters', `lg0123456789abcdef.${SECRET}`],
    ['a key id of 15 characters', `lg${'A'.repeat(15)}.${SECRET}`],
    ['a key id of 65 characters', `lg${'A'.repeat(65)}.${SECRET}`],
    ['a key id with a dash', `lg0123456789-ABCDEF.${SECRET}`],
    ['a secret of 19 characters', `${KEY_ID}.${'s'.repeat(19)}`],
    ['a secret of 201 characters', `${KEY_ID}.${'s'.repeat(201)}`],
    ['a secret with a second dot', `${KEY_ID}.${SECRET}.more`],
    ['a secret with a space', `${KEY_ID}.a secret of twenty chars`],
    ['a secret with base64 padding', `${KEY_ID}.${SECRET}==`],
    ['surrounding whitespace', ` ${KEY_ID}.${SECRET} `],
    ['a trailing newline', `${KEY_ID}.${SECRET}\n`],
  ])('refuses %s', (_name, token) => {
    expect(parseApiKey(token)).toBeUndefined();
  });
});

describe('hashSecret and secretMatches', () => {
  it('hashes to the hex SHA-256 of the secret', () => {
    expect(hashSecret(SECRET)).toBe(createHash('sha256').update(SECRET).digest('hex'));
    expect(hashSecret(SECRET)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives different hashes for secrets that differ in one character', () => {
    expect(hashSecret(SECRET)).not.toBe(hashSecret(`${SECRET.slice(0, -1)}K`));
  });

  it('matches the secret that was hashed', () => {
    expect(secretMatches(SECRET, hashSecret(SECRET))).toBe(true);
  });

  it('does not match another secret, including a prefix or an extension of it', () => {
    const stored = hashSecret(SECRET);
    expect(secretMatches(`${SECRET.slice(0, -1)}K`, stored)).toBe(false);
    expect(secretMatches(SECRET.slice(0, -1), stored)).toBe(false);
    expect(secretMatches(`${SECRET}x`, stored)).toBe(false);
    expect(secretMatches('', stored)).toBe(false);
  });

  it('does not match when the stored hash is the secret itself (a plain-text record)', () => {
    expect(secretMatches(SECRET, SECRET)).toBe(false);
  });

  it('answers false, without throwing, for stored hashes of the wrong length', () => {
    // timingSafeEqual throws on buffers of different lengths; the length check must come first.
    const stored = hashSecret(SECRET);
    expect(secretMatches(SECRET, stored.slice(0, 62))).toBe(false);
    expect(secretMatches(SECRET, `${stored}00`)).toBe(false);
    expect(secretMatches(SECRET, '')).toBe(false);
    expect(secretMatches(SECRET, 'not hex at all')).toBe(false);
  });

  it('compares every byte: a hash differing only in its last byte does not match', () => {
    const stored = hashSecret(SECRET);
    const last = stored.slice(-2) === '00' ? '01' : '00';
    expect(secretMatches(SECRET, `${stored.slice(0, -2)}${last}`)).toBe(false);
    const first = stored.slice(0, 2) === '00' ? '01' : '00';
    expect(secretMatches(SECRET, `${first}${stored.slice(2)}`)).toBe(false);
  });
});
