import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashSecret } from './api-key.js';
import { KeyRing, type StoredApiKey } from './key-ring.js';
import { seal } from './sealed-secret.js';

const MASTER = randomBytes(32);
const NOW = Date.parse('2025-06-01T12:00:00Z');

function storedKey(options: { expiresAt?: string; sigV4?: boolean } = {}) {
  const key = generateApiKey();
  const record: StoredApiKey = {
    keyId: key.keyId,
    secretHash: hashSecret(key.secret),
    principal: { id: 'svc-claims', kind: 'service', isAdmin: false },
    createdAt: '2025-01-01T00:00:00.000Z',
  };
  if (options.sigV4 !== false) record.sealedSecret = seal(MASTER, key.secret);
  if (options.expiresAt) record.expiresAt = options.expiresAt;
  return { key, record };
}

function ringWith(...records: StoredApiKey[]): KeyRing {
  const ring = new KeyRing(MASTER);
  for (const record of records) ring.add(record);
  return ring;
}

describe('KeyRing.verifyBearer', () => {
  it('answers the principal of a known key with its secret, naming the key', () => {
    const { key, record } = storedKey();
    expect(ringWith(record).verifyBearer(key, NOW)).toEqual({
      id: 'svc-claims',
      kind: 'service',
      isAdmin: false,
      keyId: key.keyId,
    });
  });

  it('refuses the wrong secret', () => {
    const { key, record } = storedKey();
    const ring = ringWith(record);
    expect(
      ring.verifyBearer({ keyId: key.keyId, secret: `${key.secret.slice(0, -1)}x` }, NOW),
    ).toBeUndefined();
    expect(ring.verifyBearer({ keyId: key.keyId, secret: generateApiKey().secret }, NOW)).toBeUndefined();
  });

  it("refuses one key's secret presented with another key's id", () => {
    const a = storedKey();
    const b = storedKey();
    const ring = ringWith(a.record, b.record);
    expect(ring.verifyBearer({ keyId: a.key.keyId, secret: b.key.secret }, NOW)).toBeUndefined();
    expect(ring.verifyBearer(b.key, NOW)?.keyId).toBe(b.key.keyId);
  });

  it('refuses an unknown key id, even with a secret that matches some other key', () => {
    const { key, record } = storedKey();
    expect(
      ringWith(record).verifyBearer({ keyId: generateApiKey().keyId, secret: key.secret }, NOW),
    ).toBeUndefined();
  });

  it('refuses the stored hash presented as the secret', () => {
    const { key, record } = storedKey();
    expect(
      ringWith(record).verifyBearer({ keyId: key.keyId, secret: record.secretHash }, NOW),
    ).toBeUndefined();
  });

  it('refuses an expired key, and one expiring at this very moment', () => {
    const past = storedKey({ expiresAt: new Date(NOW - 1000).toISOString() });
    const exact = storedKey({ expiresAt: new Date(NOW).toISOString() });
    const ring = ringWith(past.record, exact.record);
    expect(ring.verifyBearer(past.key, NOW)).toBeUndefined();
    expect(ring.verifyBearer(exact.key, NOW)).toBeUndefined();
  });

  it('accepts a key until it expires', () => {
    const { key, record } = storedKey({ expiresAt: new Date(NOW + 60_000).toISOString() });
    const ring = ringWith(record);
    expect(ring.verifyBearer(key, NOW)?.keyId).toBe(key.keyId);
    expect(ring.verifyBearer(key, NOW + 60_000)).toBeUndefined();
  });

  it('refuses a key whose expiry cannot be read (fails closed)', () => {
    const { key, record } = storedKey({ expiresAt: 'next tuesday' });
    expect(ringWith(record).verifyBearer(key, NOW)).toBeUndefined();
  });

  it('hands out a copy of the principal, so a caller cannot change the stored key', () => {
    const { key, record } = storedKey();
    const ring = ringWith(record);
    const first = ring.verifyBearer(key, NOW)!;
    first.isAdmin = true;
    expect(ring.verifyBearer(key, NOW)?.isAdmin).toBe(false);
  });
});

describe('KeyRing.sigV4Secret', () => {
  it('unseals the secret of a known key, with its principal', () => {
    const { key, record } = storedKey();
    expect(ringWith(record).sigV4Secret(key.keyId, NOW)).toEqual({
      secret: key.secret,
      principal: { id: 'svc-claims', kind: 'service', isAdmin: false, keyId: key.keyId },
    });
  });

  it('answers nothing for an unknown key id', () => {
    const { record } = storedKey();
    expect(ringWith(record).sigV4Secret(generateApiKey().keyId, NOW)).toBeUndefined();
    expect(ringWith().sigV4Secret(record.keyId, NOW)).toBeUndefined();
  });

  it('answers nothing for a bearer-only key (no sealed secret)', () => {
    const { key, record } = storedKey({ sigV4: false });
    const ring = ringWith(record);
    expect(ring.sigV4Secret(key.keyId, NOW)).toBeUndefined();
    expect(ring.verifyBearer(key, NOW)?.keyId).toBe(key.keyId);
  });

  it('answers nothing for an expired key', () => {
    const { key, record } = storedKey({ expiresAt: new Date(NOW - 1).toISOString() });
    expect(ringWith(record).sigV4Secret(key.keyId, NOW)).toBeUndefined();
  });

  it('cannot unseal a secret sealed under another master key', () => {
    const { key, record } = storedKey();
    const otherRing = new KeyRing(randomBytes(32));
    otherRing.add(record);
    expect(() => otherRing.sigV4Secret(key.keyId, NOW)).toThrow();
  });
});
