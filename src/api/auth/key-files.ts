// Files under LAKEGATE_HOME that hold key material, each readable by the owner only: the master key
// (unless LAKEGATE_MASTER_KEY is set) and the admin key record (hash + sealed secret, never the token).

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LakegateError, safeParseJson } from '../../core/index.js';
import { generateApiKey, hashSecret, parseApiKey } from './api-key.js';
import type { StoredApiKey } from './key-ring.js';
import { seal, unseal } from './sealed-secret.js';

const OWNER_ONLY = 0o600;

function writePrivate(path: string, content: string): void {
  writeFileSync(path, content, { mode: OWNER_ONLY, flag: 'wx' });
}

/** The 256-bit master key: from LAKEGATE_MASTER_KEY if given (any string, hashed to 32 bytes), else a key file. */
export function loadMasterKey(home: string, fromEnv?: string): Buffer {
  if (fromEnv) return createHash('sha256').update(fromEnv).digest();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, 'master.key');
  if (!existsSync(path)) writePrivate(path, randomBytes(32).toString('base64'));
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new LakegateError('CONFIG_INVALID', `${path} does not hold a 256-bit key.`);
  return key;
}

const storedKeySchema = z.object({
  keyId: z.string(),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  sealedSecret: z.string().optional(),
  principal: z.object({ id: z.string(), kind: z.enum(['user', 'service']), isAdmin: z.boolean() }),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
});

const ADMIN_PRINCIPAL = { id: 'admin', kind: 'user', isAdmin: true } as const;

function adminRecord(masterKey: Buffer, keyId: string, secret: string): StoredApiKey {
  return {
    keyId,
    secretHash: hashSecret(secret),
    sealedSecret: seal(masterKey, secret),
    principal: { ...ADMIN_PRINCIPAL },
    createdAt: new Date().toISOString(),
  };
}

/**
 * A record sealed under another master key (LAKEGATE_MASTER_KEY set, changed or unset since the key was made)
 * would fail every SigV4 request with an internal error; say so at start, with what to do.
 */
function assertUnsealable(path: string, masterKey: Buffer, record: StoredApiKey): void {
  if (record.sealedSecret === undefined) return;
  let matches = false;
  try {
    matches = hashSecret(unseal(masterKey, record.sealedSecret)) === record.secretHash;
  } catch {
    matches = false;
  }
  if (!matches) {
    throw new LakegateError(
      'CONFIG_INVALID',
      `${path} was sealed under another master key. Start with the master key it was made with (LAKEGATE_MASTER_KEY, or master.key in the data folder), or delete ${path} to generate a new admin key.`,
    );
  }
}

export interface AdminKey {
  record: StoredApiKey;
  /** The whole token, only when it was generated just now and must be shown once. */
  newToken?: string;
}

/** The admin key: LAKEGATE_ADMIN_KEY if set, else the one generated on first start and kept in the home. */
export function ensureAdminKey(home: string, masterKey: Buffer, fromEnv?: string): AdminKey {
  if (fromEnv) {
    const parsed = parseApiKey(fromEnv);
    if (!parsed) {
      throw new LakegateError(
        'CONFIG_INVALID',
        'LAKEGATE_ADMIN_KEY must have the form <key id>.<secret>: a key id of "lg" and 16 or more capital letters or digits, a dot, and a secret of 20 or more characters from A-Z a-z 0-9 _ -.',
      );
    }
    return { record: adminRecord(masterKey, parsed.keyId, parsed.secret) };
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, 'admin-key.json');
  if (existsSync(path)) {
    const parsed = safeParseJson(readFileSync(path, 'utf8'));
    const record = parsed.ok ? storedKeySchema.safeParse(parsed.value) : undefined;
    if (!record?.success) throw new LakegateError('CONFIG_INVALID', `${path} is not a valid key record.`);
    assertUnsealable(path, masterKey, record.data);
    return { record: record.data };
  }
  const key = generateApiKey();
  const record = adminRecord(masterKey, key.keyId, key.secret);
  writePrivate(path, `${JSON.stringify(record, null, 2)}\n`);
  return { record, newToken: key.token };
}
