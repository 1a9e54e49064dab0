// The keys this process accepts. For now there is one, the admin key; the catalog's identity model
// (principals, groups, many keys) will keep its keys in the control-plane store behind the same calls.

import type { Principal } from '../http/context.js';
import { type ParsedApiKey, secretMatches } from './api-key.js';
import { unseal } from './sealed-secret.js';

export interface StoredApiKey {
  keyId: string;
  secretHash: string;
  /** The secret sealed under the master key, for SigV4; absent for bearer-only keys. */
  sealedSecret?: string;
  principal: Omit<Principal, 'keyId'>;
  createdAt: string;
  expiresAt?: string;
}

export class KeyRing {
  private readonly keys = new Map<string, StoredApiKey>();

  constructor(private readonly masterKey: Buffer) {}

  add(key: StoredApiKey): void {
    this.keys.set(key.keyId, key);
  }

  private live(keyId: string, now: number): StoredApiKey | undefined {
    const key = this.keys.get(keyId);
    if (!key) return undefined;
    // Written so that an expiry that does not parse (NaN) refuses the key instead of never expiring.
    if (key.expiresAt !== undefined && !(Date.parse(key.expiresAt) > now)) return undefined;
    return key;
  }

  /** The principal of a whole `<key id>.<secret>` token, or undefined. */
  verifyBearer(parsed: ParsedApiKey, now: number = Date.now()): Principal | undefined {
    const key = this.live(parsed.keyId, now);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) return undefined;
    return { ...key.principal, keyId: key.keyId };
  }

  /** The secret of a key that may sign with SigV4, with its principal. */
  sigV4Secret(keyId: string, now: number = Date.now()): { secret: string; principal: Principal } | undefined {
    const key = this.live(keyId, now);
    if (!key?.sealedSecret) return undefined;
    return {
      secret: unseal(this.masterKey, key.sealedSecret),
      principal: { ...key.principal, keyId: key.keyId },
    };
  }
}
