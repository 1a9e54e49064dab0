// Starting a real server on a throwaway data folder: the admin key lives in the control-plane store, the
// files that hold key material are the owner's only, and no secret is ever at rest in plain text.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../../test/support/postgres.js';
import { configSchema, isLakegateError } from '../core/index.js';
import { type RunningServer, startServer } from './start-server.js';

const POSIX = process.platform !== 'win32';
const ENV_KEY = 'lg0123456789ABCDEF.my-long-secret-of-20-chars-or-more';

let home: string;
const running: RunningServer[] = [];

beforeEach(() => {
  home = join(mkdtempSync(join(tmpdir(), 'lakegate-start-')), 'home');
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  rmSync(join(home, '..'), { recursive: true, force: true });
});

async function start(
  env: Record<string, string> = {},
  config: unknown = {},
  at: string = home,
): Promise<RunningServer> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    home: at,
    config: configSchema.parse(config),
    env,
  });
  running.push(server);
  return server;
}

async function stop(server: RunningServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  await server.close();
}

function models(server: RunningServer, key?: string): Promise<number> {
  return fetch(`${server.url}/v1/models`, key ? { headers: { authorization: `Bearer ${key}` } } : {}).then(
    (r) => r.status,
  );
}

/** The raw head of the answer to GET /health, as the server wrote it (header names in its own case). */
function rawHealthHead(server: RunningServer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () =>
      socket.write('GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
    );
    let raw = '';
    socket.on('data', (chunk) => {
      raw += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(raw.slice(0, raw.indexOf('\r\n\r\n'))));
  });
}

/** Every file of the store (the database, its WAL), concatenated. */
function storeBytes(): Buffer {
  return Buffer.concat(
    readdirSync(home)
      .filter((f) => f.startsWith('control.db'))
      .map((f) => readFileSync(join(home, f))),
  );
}

/** pool.end() resolves before its connections close; dropping the database under them makes pg throw. */
describe('startServer', () => {
  it('serves plain HTTP/1.1 with the lean server unless server.http1 is node', async () => {
    // node:http writes the headers it adds itself capitalised; the lean server writes them lower-case.
    expect(await rawHealthHead(await start())).toMatch(/\r\ndate: .*\r\nconnection: close$/);
    rmSync(home, { recursive: true, force: true });
    expect(await rawHealthHead(await start({}, { server: { http1: 'node' } }))).toMatch(
      /\r\nDate: .*\r\nConnection: close$/,
    );
  });

  it('creates the admin in the store on first start, with owner-only files and no secret at rest', async () => {
    const server = await start();
    const token = server.newAdminKey!;
    const [keyId, secret] = token.split('.') as [string, string];
    expect(server.adminKeyId).toBe(keyId);
    expect(await models(server, token)).toBe(200);
    expect(await models(server)).toBe(401);
    expect(await models(server, `${keyId}.${'x'.repeat(40)}`)).toBe(401);

    expect(readdirSync(home)).toEqual(expect.arrayContaining(['master.key', 'control.db']));
    expect(existsSync(join(home, 'admin-key.json'))).toBe(false);
    if (POSIX) {
      expect(statSync(home).mode & 0o777).toBe(0o700);
      // Files are owner-only; folders (the data engine's, whose files DuckDB creates) are owner-only too.
      for (const entry of readdirSync(home)) {
        const stat = statSync(join(home, entry));
        expect(stat.mode & 0o777, entry).toBe(stat.isDirectory() ? 0o700 : 0o600);
      }
    }
    const spellings = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
    expect(storeBytes().includes(Buffer.from(keyId))).toBe(true);
    for (const s of spellings) expect(storeBytes().includes(Buffer.from(s))).toBe(false);
    await stop(server);
    for (const s of spellings) expect(storeBytes().includes(Buffer.from(s))).toBe(false);
  });

  it('keeps the admin key across starts without showing it again', async () => {
    const first = await start();
    const token = first.newAdminKey!;
    await stop(first);
    const second = await start();
    expect(second.newAdminKey).toBeUndefined();
    expect(second.adminKeyId).toBe(token.split('.')[0]);
    expect(await models(second, token)).toBe(200);
  });

  it('adds LAKEGATE_ADMIN_KEY on a later start, and both keys work', async () => {
    const first = await start();
    const token = first.newAdminKey!;
    await stop(first);
    const second = await start({ LAKEGATE_ADMIN_KEY: ENV_KEY });
    expect(second.adminKeyId).toBe('lg0123456789ABCDEF');
    expect(await models(second, ENV_KEY)).toBe(200);
    expect(await models(second, token)).toBe(200);
  });

  it('refuses to start under another master key, with a clear CONFIG_INVALID, and starts again with the right one', async () => {
    const first = await start();
    const token = first.newAdminKey!;
    await stop(first);
    let caught: unknown;
    try {
      await start({ LAKEGATE_MASTER_KEY: 'not the key this store was made with' });
    } catch (error) {
      caught = error;
    }
    expect(isLakegateError(caught) && caught.code).toBe('CONFIG_INVALID');
    expect((caught as Error).message).toMatch(/another master key/);
    const again = await start();
    expect(await models(again, token)).toBe(200);
  });

  it('refuses a malformed LAKEGATE_ADMIN_KEY without echoing it', async () => {
    const bad = 'not-a-lakegate-key-but-a-secret-9999';
    await expect(start({ LAKEGATE_ADMIN_KEY: bad })).rejects.toSatisfy(
      (error: unknown) =>
        isLakegateError(error) && error.code === 'CONFIG_INVALID' && !error.message.includes(bad),
    );
  });

  it.runIf(postgresAvailable())(
    'keeps identities in PostgreSQL when LAKEGATE_DATABASE_URL is set',
    async () => {
      const database = await createTestDatabase();
      try {
        const env = { LAKEGATE_DATABASE_URL: database.url, LAKEGATE_MASTER_KEY: 'shared by every replica' };
        const first = await start(env);
        const token = first.newAdminKey!;
        expect(await models(first, token)).toBe(200);
        expect(existsSync(join(home, 'control.db'))).toBe(false);
        // A second replica on the same database: same admin, no new key. Its own home, as on its own
        // machine (the usage store's DuckDB file belongs to one process).
        const replica = await start(env, {}, join(home, '..', 'replica-home'));
        expect(replica.newAdminKey).toBeUndefined();
        expect(await models(replica, token)).toBe(200);
        await stop(replica);
        await stop(first);
      } finally {
        for (const server of running.splice(0)) await server.close();
        await database.drop();
      }
    },
  );
});
