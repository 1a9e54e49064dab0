import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from './sealed-secret.js';

const MASTER = randomBytes(32);
const SECRET = 'sealed-secret-0123456789abcdefghij';

function part(sealed: string, index: number): string {
  return sealed.split('.')[index]!;
}

function flipFirstByte(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64url');
}

function withPart(sealed: string, index: number, value: string): string {
  const parts = sealed.split('.');
  parts[index] = value;
  return parts.join('.');
}

describe('seal and unseal', () => {
  it('round-trips a secret, including non-ASCII text', () => {
    expect(unseal(MASTER, seal(MASTER, SECRET))).toBe(SECRET);
    expect(unseal(MASTER, seal(MASTER, 'clé secrète ✓'))).toBe('clé secrète ✓');
  });

  it('never shows the secret: not as text, not as base64', () => {
    const sealed = seal(MASTER, SECRET);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain(Buffer.from(SECRET).toString('base64url').slice(0, 16));
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('uses a fresh IV each time, so the same secret seals differently', () => {
    const a = seal(MASTER, SECRET);
    const b = seal(MASTER, SECRET);
    expect(a).not.toBe(b);
    expect(part(a, 1)).not.toBe(part(b, 1));
  });

  it('refuses to unseal under another master key', () => {
    expect(() => unseal(randomBytes(32), seal(MASTER, SECRET))).toThrow();
  });

  it('refuses a sealed secret whose ciphertext, tag or IV was altered (GCM authenticates them)', () => {
    const sealed = seal(MASTER, SECRET);
    expect(() => unseal(MASTER, withPart(sealed, 3, flipFirstByte(part(sealed, 3))))).toThrow();
    expect(() => unseal(MASTER, withPart(sealed, 2, flipFirstByte(part(sealed, 2))))).toThrow();
    expect(() => unseal(MASTER, withPart(sealed, 1, flipFirstByte(part(sealed, 1))))).toThrow();
  });

  it('refuses a truncated authentication tag', () => {
    const sealed = seal(MASTER, SECRET);
    expect(() => unseal(MASTER, withPart(sealed, 2, part(sealed, 2).slice(0, 4)))).toThrow();
  });

  it.each([
    ['an empty string', ''],
    ['plain text', SECRET],
    ['another version', 'v2.aaaa.bbbb.cccc'],
    ['missing parts', 'v1.aaaa'],
  ])('refuses %s', (_name, value) => {
    expect(() => unseal(MASTER, value)).toThrow();
  });
});
