import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, type EngineCase } from '../../../test/support/stores.js';
import { isLakegateError } from '../../core/index.js';
import { openStore, type Store } from '../../store/index.js';
import { GenerationClock } from '../generation.js';
import { parseApiKey } from './api-key.js';
import type { IdentityChange } from './commit-change.js';
import { IdentityService } from './identity-service.js';

const ENV_KEY = 'lg0123456789ABCDEF.my-long-secret-of-20-chars-or-more';
const OTHER_ENV_KEY = 'lgFEDCBA9876543210.another-secret-of-20-chars-or-more';

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isLakegateError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a LakegateError');
}

describe.each(ENGINES)('identity: the first start on $engine', (engine: EngineCase) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const { options, cleanup } = await engine.fresh();
    cleanups.push(cleanup);
    const masterKey = randomBytes(32);
    const events: IdentityChange[] = [];
    const open = async () => {
      const store = await openStore(options);
      cleanups.push(() => store.close());
      return store;
    };
    const store = await open();
    /** A service as one start of the server makes it: its own clock, the given master key. */
    const start = (on: Store = store, key: Buffer = masterKey) =>
      new IdentityService({
        db: on.db,
        clock: new GenerationClock(on.db, on.engine === 'postgres'),
        masterKey: key,
        onChange: (e) => events.push(e),
      });
    return { store, open, start, events, masterKey };
  }

  async function keyCount(store: Store): Promise<number> {
    return (await store.db.selectFrom('api_keys').select('key_id').execute()).length;
  }

  it.runIf(engine.available)('creates the admin and a key shown once on an empty store', async () => {
    const { store, start, events } = await setup();
    const identity = start();
    const first = await identity.bootstrapAdmin();
    expect(first.admin).toMatchObject({ name: 'admin', kind: 'user', isAdmin: true });
    const parsed = parseApiKey(first.newToken!)!;
    expect(first.adminKeyId).toBe(parsed.keyId);
    expect(await identity.verifyBearer(first.newToken!)).toEqual({
      principalId: first.admin.id,
      name: 'admin',
      kind: 'user',
      isAdmin: true,
      keyId: parsed.keyId,
    });
    expect(await identity.sigV4Secret(parsed.keyId)).toMatchObject({ secret: parsed.secret });
    expect(events).toEqual([
      {
        action: 'identity.bootstrapAdmin',
        principalId: null,
        params: { principal: 'admin', principalId: first.admin.id, keyId: parsed.keyId },
      },
    ]);

    // Later starts: the same admin and key, nothing new to show, nothing written.
    const again = await start().bootstrapAdmin();
    expect(again).toEqual({ admin: first.admin, adminKeyId: parsed.keyId });
    expect(await start().bootstrapAdmin({ adminKeyFromEnv: '' })).toEqual(again);
    expect(await keyCount(store)).toBe(1);
    expect((await identity.listPrincipals()).length).toBe(1);
    expect(events).toHaveLength(1);
  });

  it.runIf(engine.available)(
    'makes one admin when two replicas start on an empty store at once',
    async () => {
      const { open, start, store } = await setup();
      // Replicas share PostgreSQL through their own pools. Two SQLite connections in one process would
      // deadlock on the synchronous busy wait, so there the two starts share the one connection.
      const other = engine.engine === 'postgres' ? await open() : store;
      const [a, b] = await Promise.all([start().bootstrapAdmin(), start(other).bootstrapAdmin()]);
      expect(a.admin.id).toBe(b.admin.id);
      expect([a.newToken, b.newToken].filter(Boolean)).toHaveLength(1);
      expect(await keyCount(other)).toBe(1);
    },
  );

  it.runIf(engine.available)('uses LAKEGATE_ADMIN_KEY on an empty store, showing nothing', async () => {
    const { store, start } = await setup();
    const identity = start();
    const result = await identity.bootstrapAdmin({ adminKeyFromEnv: ENV_KEY });
    expect(result.newToken).toBeUndefined();
    expect(result.adminKeyId).toBe('lg0123456789ABCDEF');
    expect((await identity.verifyBearer(ENV_KEY))?.isAdmin).toBe(true);
    expect(await keyCount(store)).toBe(1);
    expect(JSON.stringify(await store.db.selectFrom('api_keys').selectAll().execute())).not.toContain(
      'my-long-secret-of-20-chars-or-more',
    );
  });

  it.runIf(engine.available)('adds a new LAKEGATE_ADMIN_KEY on a later start, once', async () => {
    const { store, start, events } = await setup();
    const generated = (await start().bootstrapAdmin()).newToken!;
    const identity = start();
    const rotated = await identity.bootstrapAdmin({ adminKeyFromEnv: ENV_KEY });
    expect(rotated.newToken).toBeUndefined();
    expect(rotated.adminKeyId).toBe('lg0123456789ABCDEF');
    expect((await identity.verifyBearer(ENV_KEY))?.isAdmin).toBe(true);
    expect((await identity.verifyBearer(generated))?.isAdmin).toBe(true);
    expect(events.at(-1)).toEqual({
      action: 'identity.createKey',
      principalId: null,
      params: { keyId: 'lg0123456789ABCDEF', principal: 'admin', source: 'LAKEGATE_ADMIN_KEY' },
    });
    expect(JSON.stringify(events)).not.toContain('my-long-secret');

    await start().bootstrapAdmin({ adminKeyFromEnv: ENV_KEY });
    expect(await keyCount(store)).toBe(2);
    await start().bootstrapAdmin({ adminKeyFromEnv: OTHER_ENV_KEY });
    expect(await keyCount(store)).toBe(3);
  });

  it.runIf(engine.available)('does not bring a revoked admin key back from the environment', async () => {
    const { start } = await setup();
    const identity = start();
    await identity.bootstrapAdmin({ adminKeyFromEnv: ENV_KEY });
    await identity.revokeKey('lg0123456789ABCDEF');
    const later = start();
    const result = await later.bootstrapAdmin({ adminKeyFromEnv: ENV_KEY });
    expect(result.adminKeyId).toBe('lg0123456789ABCDEF');
    expect(await later.verifyBearer(ENV_KEY)).toBeUndefined();
    // Without the variable there is no live admin key to name.
    expect((await later.bootstrapAdmin()).adminKeyId).toBeUndefined();
  });

  it.runIf(engine.available)(
    'refuses a LAKEGATE_ADMIN_KEY whose key id the store holds with another secret or owner',
    async () => {
      const { start } = await setup();
      const identity = start();
      await identity.bootstrapAdmin({ adminKeyFromEnv: ENV_KEY });
      const impostor = 'lg0123456789ABCDEF.a-different-secret-of-20-chars';
      const error = await errorOf(start().bootstrapAdmin({ adminKeyFromEnv: impostor }));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('lg0123456789ABCDEF');
      expect(error.message).not.toContain('a-different-secret');
      expect(await identity.verifyBearer(impostor)).toBeUndefined();

      // A user's key named as the admin key does not make that user's key an admin key.
      await identity.createPrincipal({ name: 'ana', kind: 'user' }, null);
      const anaKey = await identity.createKey('ana', {}, null);
      expect((await errorOf(start().bootstrapAdmin({ adminKeyFromEnv: anaKey.token }))).code).toBe(
        'CONFIG_INVALID',
      );
      expect((await identity.verifyBearer(anaKey.token))?.isAdmin).toBe(false);
    },
  );

  for (const [what, value] of [
    ['no dot', 'lg0123456789ABCDEFmy-long-secret-of-20-chars-or-more'],
    ['a lower-case key id', 'lg0123456789abcdef.my-long-secret-of-20-chars-or-more'],
    ['a short secret', 'lg0123456789ABCDEF.short'],
    ['a bare secret', 'my-long-secret-of-20-chars-or-more'],
  ] as const) {
    it.runIf(engine.available)(
      `refuses a LAKEGATE_ADMIN_KEY with ${what}, saying the form without echoing it`,
      async () => {
        const { store, start } = await setup();
        const error = await errorOf(start().bootstrapAdmin({ adminKeyFromEnv: value }));
        expect(error.code).toBe('CONFIG_INVALID');
        expect(error.message).toContain('LAKEGATE_ADMIN_KEY');
        expect(error.message).toMatch(/<key id>\.<secret>/);
        expect(error.message).not.toContain(value);
        expect(await store.db.selectFrom('principals').selectAll().execute()).toEqual([]);
      },
    );
  }

  it.runIf(engine.available)('refuses to start under another master key, saying what to do', async () => {
    const { store, start } = await setup();
    await start().bootstrapAdmin();
    const error = await errorOf(start(store, randomBytes(32)).bootstrapAdmin({ adminKeyFromEnv: ENV_KEY }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/another master key/);
    expect(error.message).toMatch(/LAKEGATE_MASTER_KEY/);
    // Nothing was added under the wrong key.
    expect(await keyCount(store)).toBe(1);
  });
});
