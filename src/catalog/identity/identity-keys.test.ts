import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, type EngineCase } from '../../../test/support/stores.js';
import { isLakegateError, nowIso } from '../../core/index.js';
import { openStore, type Store } from '../../store/index.js';
import { GenerationClock } from '../generation.js';
import { hashSecret, parseApiKey } from './api-key.js';
import type { IdentityChange } from './commit-change.js';
import { IdentityService } from './identity-service.js';

const HOUR = 3_600_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isLakegateError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a LakegateError');
}

/** Every spelling of a secret that must never be found at rest. */
function spellings(token: string): string[] {
  const { secret } = parseApiKey(token)!;
  const bytes = Buffer.from(secret);
  return [token, secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

describe.each(ENGINES)('identity: API keys on $engine', (engine: EngineCase) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh store; `replica()` opens another connection pool on the same database, as a second replica would. */
  async function setup() {
    const { options, cleanup } = await engine.fresh();
    cleanups.push(cleanup);
    const masterKey = randomBytes(32);
    const open = async () => {
      const store = await openStore(options);
      cleanups.push(() => store.close());
      return store;
    };
    const service = (store: Store, onChange?: (e: IdentityChange) => void) =>
      new IdentityService({
        db: store.db,
        clock: new GenerationClock(store.db, store.engine === 'postgres'),
        masterKey,
        ...(onChange ? { onChange } : {}),
      });
    const store = await open();
    const events: IdentityChange[] = [];
    const identity = service(store, (e) => events.push(e));
    const ana = await identity.createPrincipal({ name: 'ana', kind: 'user' }, null);
    const bot = await identity.createPrincipal({ name: 'bot', kind: 'service' }, null);
    await identity.createPrincipal({ name: 'analysts', kind: 'group' }, null);
    return {
      options,
      store,
      identity,
      events,
      ana,
      bot,
      masterKey,
      replica: async () => service(await open()),
    };
  }

  it.runIf(engine.available)('verifies a new key as its principal, and nothing else', async () => {
    const { identity, bot } = await setup();
    const key = await identity.createKey('bot', { description: 'claims pipeline' }, null);
    expect(key.token).toBe(`${key.keyId}.${parseApiKey(key.token)!.secret}`);
    expect(key.expiresAt).toBeNull();
    expect(await identity.verifyBearer(key.token)).toEqual({
      principalId: bot.id,
      name: 'bot',
      kind: 'service',
      isAdmin: false,
      keyId: key.keyId,
    });

    const other = await identity.createKey('ana', {}, null);
    const { secret } = parseApiKey(key.token)!;
    const otherSecret = parseApiKey(other.token)!.secret;
    for (const token of [
      `${key.keyId}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`,
      `${key.keyId}.${otherSecret}`,
      `lgAAAAAAAAAAAAAAAA.${secret}`,
      `${key.keyId}.${hashSecret(secret)}`,
      key.keyId,
      secret,
      '',
      `${key.token} `,
    ]) {
      expect(await identity.verifyBearer(token)).toBeUndefined();
    }
  });

  it.runIf(engine.available)(
    'hands out a copy of the actor, so a caller cannot promote the cached key',
    async () => {
      const { identity } = await setup();
      const key = await identity.createKey('ana', {}, null);
      const actor = (await identity.verifyBearer(key.token))!;
      actor.isAdmin = true;
      expect((await identity.verifyBearer(key.token))?.isAdmin).toBe(false);
      const signing = (await identity.sigV4Secret(key.keyId))!;
      signing.actor.isAdmin = true;
      expect((await identity.sigV4Secret(key.keyId))?.actor.isAdmin).toBe(false);
    },
  );

  it.runIf(engine.available)('unseals the SigV4 secret, only for keys that may sign', async () => {
    const { identity, ana } = await setup();
    const signing = await identity.createKey('ana', {}, null);
    const bearerOnly = await identity.createKey('ana', { sigv4: false }, null);
    expect(await identity.sigV4Secret(signing.keyId)).toEqual({
      secret: parseApiKey(signing.token)!.secret,
      actor: { principalId: ana.id, name: 'ana', kind: 'user', isAdmin: false, keyId: signing.keyId },
    });
    expect(await identity.sigV4Secret(bearerOnly.keyId)).toBeUndefined();
    expect(await identity.verifyBearer(bearerOnly.token)).toBeDefined();
    expect(await identity.sigV4Secret('lgAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(await identity.sigV4Secret('not a key id')).toBeUndefined();
  });

  it.runIf(engine.available)('refuses a revoked key on the very next request, bearer and SigV4', async () => {
    const { identity, events } = await setup();
    const key = await identity.createKey('ana', {}, null);
    const spare = await identity.createKey('ana', {}, null);
    expect(await identity.verifyBearer(key.token)).toBeDefined();
    expect(await identity.sigV4Secret(key.keyId)).toBeDefined();

    expect(await identity.revokeKey(key.keyId, 'pr_someone')).toBe(true);
    expect(await identity.verifyBearer(key.token)).toBeUndefined();
    expect(await identity.sigV4Secret(key.keyId)).toBeUndefined();
    expect(await identity.verifyBearer(spare.token)).toBeDefined();
    expect(events.at(-1)).toEqual({
      action: 'identity.revokeKey',
      principalId: 'pr_someone',
      params: { keyId: key.keyId },
    });

    expect(await identity.revokeKey(key.keyId)).toBe(false);
    expect((await identity.getKey(key.keyId))?.revokedAt).not.toBeNull();
    expect(await codeOf(identity.revokeKey('lgAAAAAAAAAAAAAAAA'))).toBe('NOT_FOUND');
  });

  it.runIf(engine.available && engine.engine === 'postgres')(
    'refuses a key revoked through another replica on the very next request',
    async () => {
      const { identity, replica } = await setup();
      const other = await replica();
      const key = await identity.createKey('ana', {}, null);
      // Both replicas have the key cached.
      expect(await identity.verifyBearer(key.token)).toBeDefined();
      expect(await other.verifyBearer(key.token)).toBeDefined();
      expect(await other.sigV4Secret(key.keyId)).toBeDefined();

      await identity.revokeKey(key.keyId);
      expect(await other.verifyBearer(key.token)).toBeUndefined();
      expect(await other.sigV4Secret(key.keyId)).toBeUndefined();

      // And the other way round: a key made on one replica works on the other at once.
      const made = await other.createKey('bot', {}, null);
      expect(await identity.verifyBearer(made.token)).toBeDefined();
    },
  );

  it.runIf(engine.available)(
    'answers from its cache while nothing changed, and rereads once something did',
    async () => {
      const { identity, store } = await setup();
      const key = await identity.createKey('ana', {}, null);
      expect(await identity.verifyBearer(key.token)).toBeDefined();
      // A row changed behind the service's back (no generation bump) is not seen: proof of no read...
      await store.db
        .updateTable('api_keys')
        .set({ revoked_at: nowIso() })
        .where('key_id', '=', key.keyId)
        .execute();
      expect(await identity.verifyBearer(key.token)).toBeDefined();
      // ...until any identity change moves the generation.
      await identity.createPrincipal({ name: 'someone', kind: 'user' }, null);
      expect(await identity.verifyBearer(key.token)).toBeUndefined();
    },
  );

  it.runIf(engine.available)(
    'expires a key at its expiry, and refuses an expiry it cannot read',
    async () => {
      const { identity, store, replica } = await setup();
      const now = Date.now();
      const expiresAt = new Date(now + HOUR);
      const key = await identity.createKey('ana', { expiresAt }, null);
      expect(key.expiresAt).toBe(expiresAt.toISOString());
      expect(await identity.verifyBearer(key.token, now)).toBeDefined();
      expect(await identity.sigV4Secret(key.keyId, now)).toBeDefined();
      expect(await identity.verifyBearer(key.token, now + HOUR - 1)).toBeDefined();
      expect(await identity.verifyBearer(key.token, now + HOUR)).toBeUndefined();
      expect(await identity.sigV4Secret(key.keyId, now + HOUR)).toBeUndefined();

      const fromText = await identity.createKey(
        'ana',
        { expiresAt: new Date(now + 2 * HOUR).toISOString() },
        null,
      );
      expect(await identity.verifyBearer(fromText.token, now + HOUR)).toBeDefined();

      await store.db
        .updateTable('api_keys')
        .set({ expires_at: 'next tuesday' })
        .where('key_id', '=', fromText.keyId)
        .execute();
      const fresh = await replica();
      expect(await fresh.verifyBearer(fromText.token, now)).toBeUndefined();
      expect(await fresh.sigV4Secret(fromText.keyId, now)).toBeUndefined();
    },
  );

  it.runIf(engine.available)(
    'refuses to make a key that is already expired or whose expiry is not a date',
    async () => {
      const { identity, store } = await setup();
      for (const expiresAt of [
        new Date(Date.now() - 1000),
        '2001-01-01T00:00:00Z',
        'next tuesday',
        new Date(Number.NaN),
      ]) {
        expect(await codeOf(identity.createKey('ana', { expiresAt }, null))).toBe('VALIDATION_FAILED');
      }
      expect(await identity.listKeys('ana')).toEqual([]);
      expect(await codeOf(identity.createKey('ana', { description: 'x'.repeat(1001) }, null))).toBe(
        'VALIDATION_FAILED',
      );
      expect(await store.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
    },
  );

  it.runIf(engine.available)('gives no key to a group, and accepts none bound to one', async () => {
    const { identity, store } = await setup();
    expect(await codeOf(identity.createKey('analysts', {}, null))).toBe('VALIDATION_FAILED');
    expect(await codeOf(identity.createKey('nobody', {}, null))).toBe('NOT_FOUND');
    // A key row bound to a group (written behind the service's back) still authenticates nobody.
    const group = await identity.getPrincipal('analysts');
    const made = await identity.createKey('ana', {}, null);
    await store.db
      .updateTable('api_keys')
      .set({ principal_id: group!.id })
      .where('key_id', '=', made.keyId)
      .execute();
    await identity.createPrincipal({ name: 'bump', kind: 'user' }, null);
    expect(await identity.verifyBearer(made.token)).toBeUndefined();
    expect(await identity.sigV4Secret(made.keyId)).toBeUndefined();
  });

  it.runIf(engine.available)('lists keys without any secret, hash or sealed secret', async () => {
    const { identity, ana, events } = await setup();
    const first = await identity.createKey('ana', { description: 'laptop' }, 'pr_creator');
    const second = await identity.createKey(
      ana.id,
      { sigv4: false, expiresAt: new Date(Date.now() + HOUR) },
      null,
    );
    await identity.revokeKey(second.keyId);
    const listed = await identity.listKeys('ana');
    expect(listed.map((k) => k.keyId)).toEqual(expect.arrayContaining([first.keyId, second.keyId]));
    expect(listed).toHaveLength(2);
    for (const info of listed) {
      expect(Object.keys(info).sort()).toEqual(
        [
          'createdAt',
          'createdBy',
          'description',
          'expiresAt',
          'keyId',
          'principalId',
          'revokedAt',
          'sigv4',
        ].sort(),
      );
    }
    expect(listed.find((k) => k.keyId === first.keyId)).toMatchObject({
      principalId: ana.id,
      description: 'laptop',
      sigv4: true,
      createdBy: 'pr_creator',
      revokedAt: null,
    });
    expect(listed.find((k) => k.keyId === second.keyId)).toMatchObject({ sigv4: false });
    expect(await identity.listKeys('bot')).toEqual([]);
    expect(await codeOf(identity.listKeys('nobody'))).toBe('NOT_FOUND');

    const seen = JSON.stringify([listed, await identity.getKey(first.keyId), events]);
    for (const token of [first.token, second.token]) {
      for (const spelling of [...spellings(token), hashSecret(parseApiKey(token)!.secret)]) {
        expect(seen).not.toContain(spelling);
      }
    }
    expect(events.find((e) => e.action === 'identity.createKey')).toEqual({
      action: 'identity.createKey',
      principalId: 'pr_creator',
      params: { keyId: first.keyId, principal: 'ana', expiresAt: null, sigv4: true, description: 'laptop' },
    });
  });

  it.runIf(engine.available)('never stores a token or secret in plain text', async () => {
    const { identity, store, options } = await setup();
    const tokens = [
      (await identity.createKey('ana', {}, null)).token,
      (await identity.createKey('bot', { sigv4: false }, null)).token,
      (await identity.bootstrapAdmin()).newToken!,
    ];
    const rows = JSON.stringify(
      await Promise.all(
        (['principals', 'api_keys', 'control_state'] as const).map((t) =>
          store.db.selectFrom(t).selectAll().execute(),
        ),
      ),
    );
    for (const token of tokens) for (const spelling of spellings(token)) expect(rows).not.toContain(spelling);

    if (options.sqlitePath) {
      const files = [options.sqlitePath, `${options.sqlitePath}-wal`].filter((f) => existsSync(f));
      const bytes = () => Buffer.concat(files.filter((f) => existsSync(f)).map((f) => readFileSync(f)));
      const check = () => {
        const all = bytes();
        for (const token of tokens) {
          // The key id is public and must be there; the secret in any spelling must not.
          expect(all.includes(Buffer.from(parseApiKey(token)!.keyId))).toBe(true);
          for (const spelling of spellings(token)) expect(all.includes(Buffer.from(spelling))).toBe(false);
        }
      };
      check();
      await store.close();
      check();
    }
  });

  it.runIf(engine.available)('refuses to unseal under another master key, saying so', async () => {
    const { store } = await setup();
    const first = new IdentityService({
      db: store.db,
      clock: new GenerationClock(store.db, false),
      masterKey: randomBytes(32),
    });
    const key = await first.createKey('ana', {}, null);
    const other = new IdentityService({
      db: store.db,
      clock: new GenerationClock(store.db, false),
      masterKey: randomBytes(32),
    });
    expect(await codeOf(other.sigV4Secret(key.keyId))).toBe('CONFIG_INVALID');
    // Bearer verification needs only the hash, not the master key.
    expect(await other.verifyBearer(key.token)).toBeDefined();
  });
});
