// Key verification runs on every request, so key records are cached for the current catalog generation:
// no database read on the hot path while nothing changed (on SQLite none at all; on PostgreSQL one read of
// the shared generation), and a revoke, which moves the generation, bites on the very next request.
// Tokens that verified are remembered too, for the same generation, so a caller's next request skips
// parsing and hashing its secret (a sha256 per request showed in profiles): only the exact string that
// matched is found there, and expiry is still checked on every request.

import type { Kysely } from 'kysely';
import { LakegateError } from '../../core/index.js';
import type { Database } from '../../store/index.js';
import type { GenerationClock } from '../generation.js';
import type { Actor } from '../model.js';
import { isValidKeyId, parseApiKey, secretMatches } from './api-key.js';
import { GenerationCache } from './generation-cache.js';
import { isLive, type KeyRecord, loadKeyRecord } from './key-record.js';
import { unseal } from './sealed-secret.js';

/** Live tokens remembered per generation: enough for every client of a busy gateway, bounded all the same. */
const MAX_VERIFIED_TOKENS = 1_000;

export class CachedKeyVerifier {
  private readonly keys = new GenerationCache<string, KeyRecord | null>();
  /** Whole tokens whose secret matched, to their key record; wrong secrets are never kept. */
  private readonly verified = new GenerationCache<string, KeyRecord>(MAX_VERIFIED_TOKENS);

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: GenerationClock,
    private readonly masterKey: Buffer,
  ) {}

  private async keyRecord(keyId: string, generation?: number): Promise<KeyRecord | undefined> {
    generation ??= this.clock.known ?? (await this.clock.current());
    this.keys.sync(generation);
    const cached = this.keys.get(keyId);
    if (cached !== undefined) return cached ?? undefined;
    const loaded = await loadKeyRecord(this.db, keyId);
    // Unknown ids are remembered too (as null): creating a key moves the generation, which forgets them.
    this.keys.set(generation, keyId, loaded ?? null);
    return loaded;
  }

  /** The actor of a whole `<key id>.<secret>` token, or undefined for anything not live and exact. */
  async verifyBearer(token: string, now: number = Date.now()): Promise<Actor | undefined> {
    const generation = this.clock.known ?? (await this.clock.current());
    this.verified.sync(generation);
    const known = this.verified.get(token);
    if (known !== undefined) return isLive(known, now) ? { ...known.actor } : undefined;
    const parsed = parseApiKey(token);
    if (!parsed) return undefined;
    const record = await this.keyRecord(parsed.keyId, generation);
    if (!record || !isLive(record, now) || !secretMatches(parsed.secret, record.secretHash)) return undefined;
    this.verified.set(generation, token, record);
    return { ...record.actor };
  }

  /** The secret of a live key that may sign with SigV4, with its actor; the caller verifies the signature. */
  async sigV4Secret(
    keyId: string,
    now: number = Date.now(),
  ): Promise<{ secret: string; actor: Actor } | undefined> {
    if (!isValidKeyId(keyId)) return undefined;
    const record = await this.keyRecord(keyId);
    if (!record?.sealedSecret || !isLive(record, now)) return undefined;
    let secret: string;
    try {
      secret = unseal(this.masterKey, record.sealedSecret);
    } catch (error) {
      throw new LakegateError(
        'CONFIG_INVALID',
        `The secret of API key ${keyId} was sealed under another master key.`,
        { cause: error },
      );
    }
    return { secret, actor: { ...record.actor } };
  }
}
