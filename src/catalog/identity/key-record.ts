// What verifying a key needs from the store, read in one query: the key row and its principal.

import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import type { Actor } from '../model.js';

export interface KeyRecord {
  keyId: string;
  secretHash: string;
  sealedSecret: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  actor: Actor & { keyId: string };
}

/** The key with its principal; undefined for an unknown key or one bound to a group (groups hold no keys). */
export async function loadKeyRecord(db: Kysely<Database>, keyId: string): Promise<KeyRecord | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('principals', 'principals.id', 'api_keys.principal_id')
    .select([
      'api_keys.key_id',
      'api_keys.secret_hash',
      'api_keys.sealed_secret',
      'api_keys.expires_at',
      'api_keys.revoked_at',
      'principals.id as principal_id',
      'principals.name',
      'principals.kind',
      'principals.is_admin',
    ])
    .where('api_keys.key_id', '=', keyId)
    .executeTakeFirst();
  if (!row || row.kind === 'group') return undefined;
  return {
    keyId: row.key_id,
    secretHash: row.secret_hash,
    sealedSecret: row.sealed_secret,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    actor: {
      principalId: row.principal_id,
      name: row.name,
      kind: row.kind,
      isAdmin: Number(row.is_admin) === 1,
      keyId: row.key_id,
    },
  };
}

/** Not revoked and not expired. Written so that an expiry that does not parse (NaN) refuses the key. */
export function isLive(record: Pick<KeyRecord, 'expiresAt' | 'revokedAt'>, now: number): boolean {
  if (record.revokedAt !== null) return false;
  return record.expiresAt === null || Date.parse(record.expiresAt) > now;
}
