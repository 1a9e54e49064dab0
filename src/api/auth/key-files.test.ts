import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLakegateError } from '../../core/index.js';
import { hashSecret, parseApiKey } from './api-key.js';
import { ensureAdminKey, loadMasterKey } from './key-files.js';
import { KeyRing } from './key-ring.js';

const ENV_KEY = 'lg0123456789ABCDEF.my-long-secret-of-20-chars-or-more';
const POSIX = process.platform !== 'win32';

let root: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lakegate-keys-'));
  home = join(root, 'home');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/** The LakegateError `fn` throws, so a test can check both its code and its message. */
function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isLakegateError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a LakegateError');
}

describe('loadMasterKey', () => {
  it('creates a 256-bit key file readable by its owner only, in a folder only its owner can enter', () => {
    const key = loadMasterKey(home);
    expect(key.length).toBe(32);
    const path = join(home, 'master.key');
    if (POSIX) {
      expect(modeOf(path)).toBe(0o600);
      expect(modeOf(home)).toBe(0o700);
    }
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').equals(key)).toBe(true);
  });

  it('reads the same key on the next start', () => {
    const first = loadMasterKey(home);
    expect(loadMasterKey(home).equals(first)).toBe(true);
  });

  it('derives the key from LAKEGATE_MASTER_KEY without writing a key file', () => {
    const key = loadMasterKey(home, 'correct horse battery staple');
    expect(key.equals(createHash('sha256').update('correct horse battery staple').digest())).toBe(true);
    expect(existsSync(join(home, 'master.key'))).toBe(false);
  });

  it('refuses a key file that does not hold 256 bits, naming the file', () => {
    loadMasterKey(home);
    const path = join(home, 'master.key');
    writeFileSync(path, randomBytes(16).toString('base64'));
    const error = thrown(() => loadMasterKey(home));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(path);
  });
});

describe('ensureAdminKey', () => {
  it('generates a key on first start and hands back the whole token once', () => {
    const master = loadMasterKey(home);
    const admin = ensureAdminKey(home, master);
    const parsed = parseApiKey(admin.newToken ?? '');
    expect(parsed?.keyId).toBe(admin.record.keyId);
    expect(admin.record.secretHash).toBe(hashSecret(parsed!.secret));
    expect(admin.record.principal).toEqual({ id: 'admin', kind: 'user', isAdmin: true });
  });

  it('writes admin-key.json readable by its owner only', () => {
    ensureAdminKey(home, loadMasterKey(home));
    const path = join(home, 'admin-key.json');
    expect(existsSync(path)).toBe(true);
    if (POSIX) expect(modeOf(path)).toBe(0o600);
  });

  it('never writes the secret in plain text (nor the token, nor the secret as base64)', () => {
    const admin = ensureAdminKey(home, loadMasterKey(home));
    const { secret } = parseApiKey(admin.newToken!)!;
    const text = readFileSync(join(home, 'admin-key.json'), 'utf8');
    expect(text).toContain(admin.record.keyId);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(admin.newToken!);
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    expect(text).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(text).not.toContain(Buffer.from(secret).toString('hex'));
  });

  it('reuses the stored key on a second start, without a new token', () => {
    const master = loadMasterKey(home);
    const first = ensureAdminKey(home, master);
    const second = ensureAdminKey(home, loadMasterKey(home));
    expect(second.newToken).toBeUndefined();
    expect(second.record).toEqual(first.record);
  });

  it('gives a key ring that accepts the token as a bearer key and can sign with it', () => {
    const master = loadMasterKey(home);
    const first = ensureAdminKey(home, master);
    const ring = new KeyRing(master);
    ring.add(ensureAdminKey(home, master).record);
    const parsed = parseApiKey(first.newToken!)!;
    expect(ring.verifyBearer(parsed)?.isAdmin).toBe(true);
    expect(ring.sigV4Secret(parsed.keyId)?.secret).toBe(parsed.secret);
  });

  it('uses LAKEGATE_ADMIN_KEY when set: no token to show, and nothing written', () => {
    const master = loadMasterKey(home);
    const admin = ensureAdminKey(home, master, ENV_KEY);
    expect(admin.newToken).toBeUndefined();
    expect(admin.record.keyId).toBe('lg0123456789ABCDEF');
    expect(admin.record.secretHash).toBe(hashSecret('my-long-secret-of-20-chars-or-more'));
    expect(existsSync(join(home, 'admin-key.json'))).toBe(false);
    const ring = new KeyRing(master);
    ring.add(admin.record);
    expect(ring.verifyBearer(parseApiKey(ENV_KEY)!)?.id).toBe('admin');
  });

  it.each([
    ['no dot', 'lg0123456789ABCDEFmy-long-secret-of-20-chars-or-more'],
    ['a lower-case key id', 'lg0123456789abcdef.my-long-secret-of-20-chars-or-more'],
    ['a short secret', 'lg0123456789ABCDEF.short'],
    ['a bare secret', 'my-long-secret-of-20-chars-or-more'],
  ])('refuses a LAKEGATE_ADMIN_KEY with %s, saying what the form is', (_name, value) => {
    const error = thrown(() => ensureAdminKey(home, loadMasterKey(home), value));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('LAKEGATE_ADMIN_KEY');
    expect(error.message).toMatch(/<key id>\.<secret>/);
    // The message explains the form; it must not echo the (possibly secret) value.
    expect(error.message).not.toContain(value);
  });

  it.each([
    ['not JSON', '{"keyId": '],
    ['JSON of the wrong shape', '{"keyId": "lg0123456789ABCDEF"}'],
    [
      'a hash that is not SHA-256 hex',
      JSON.stringify({
        keyId: 'lg0123456789ABCDEF',
        secretHash: 'plain-text-secret',
        principal: { id: 'admin', kind: 'user', isAdmin: true },
        createdAt: '2025-01-01T00:00:00.000Z',
      }),
    ],
    ['an empty file', ''],
  ])('refuses an admin-key.json that is %s, with CONFIG_INVALID naming the file', (_name, content) => {
    const master = loadMasterKey(home);
    ensureAdminKey(home, master);
    const path = join(home, 'admin-key.json');
    writeFileSync(path, content);
    const error = thrown(() => ensureAdminKey(home, master));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(path);
  });

  it('refuses, at start, an admin-key.json sealed under another master key', () => {
    ensureAdminKey(home, loadMasterKey(home));
    const error = thrown(() => ensureAdminKey(home, loadMasterKey(home, 'a different master key')));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/another master key/);
    expect(error.message).toContain(join(home, 'admin-key.json'));
  });
});
