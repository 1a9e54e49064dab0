// Principals, groups, API keys and whoami through the CLI against a real Lakegate: the token is printed
// once and never again, a revoked key stops working on the next call, and a granted QUERY lets a new
// principal call a model (the README's "Govern it" step, command for command).

import { describe, expect, it } from 'vitest';
import { cliAt, ok, useLakegate } from './test-support.js';

const suite = useLakegate();
const { admin } = suite;

/** `lakegate keys create`: the token alone on stdout, the warning on stderr. */
async function newKey(principal: string, ...options: string[]) {
  const run = await admin('keys', 'create', principal, ...options);
  expect(run.code).toBe(0);
  const token = run.stdout.trim();
  expect(token).toMatch(/^lg[A-Z2-7]{16}\.[A-Za-z0-9_-]{20,}$/);
  expect(run.stdout).toBe(`${token}\n`);
  return { token, keyId: token.split('.')[0]!, secret: token.split('.')[1]!, stderr: run.stderr };
}

function chat(token: string, model = 'local/extractive'): Promise<Response> {
  return fetch(`${suite.harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello there.' }] }),
  });
}

describe('lakegate principals and groups', () => {
  it('creates, lists, gets and deletes principals', async () => {
    expect(
      await ok(admin, 'principals', 'create', 'dana', '--kind', 'user', '--display-name', 'Dana D'),
    ).toBe('Created user dana.\n');
    expect(await ok(admin, 'principals', 'create', 'etl-bot', '--kind', 'service')).toBe(
      'Created service etl-bot.\n',
    );
    const list = await ok(admin, 'principals', 'list');
    expect(list.split('\n')[0]).toMatch(/^NAME\s+KIND\s+DISPLAY NAME\s+ADMIN\s+CREATED$/);
    expect(list).toMatch(/^admin\s+user\s+Metastore admin\s+yes\s+/m);
    expect(list).toMatch(/^dana\s+user\s+Dana D\s+no\s+/m);
    expect(await ok(admin, 'principals', 'list', '--kind', 'service')).not.toMatch(/^dana/m);
    expect(await ok(admin, 'principals', 'get', 'etl-bot')).toMatch(/^kind:\s+service$/m);

    expect(await ok(admin, 'principals', 'delete', 'etl-bot')).toBe('Deleted principal etl-bot.\n');
    const gone = await admin('principals', 'get', 'etl-bot');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^lakegate: .*etl-bot/);
  });

  it("stops a deleted principal's key at once", async () => {
    await ok(admin, 'principals', 'create', 'jack', '--kind', 'user');
    const jack = cliAt(suite.harness.url, (await newKey('jack')).token);
    expect(await ok(jack, 'whoami')).toMatch(/^name:\s+jack$/m);
    await ok(admin, 'principals', 'delete', 'jack');
    const refused = await jack('whoami');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('LAKEGATE_KEY');
  });

  it('needs --kind to create, as a usage error', async () => {
    const run = await admin('principals', 'create', 'nokind');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing --kind');
    expect((await admin('principals', 'create', 'x', '--kind', 'robot')).code).toBe(2);
  });

  it('adds and removes group members, nested groups included', async () => {
    await ok(admin, 'principals', 'create', 'claims-team', '--kind', 'group');
    await ok(admin, 'principals', 'create', 'adjusters', '--kind', 'group');
    await ok(admin, 'principals', 'create', 'frank', '--kind', 'user');
    expect(await ok(admin, 'groups', 'add', 'adjusters', 'frank')).toBe('Added frank to group adjusters.\n');
    await ok(admin, 'groups', 'add', 'claims-team', 'adjusters');
    const members = await ok(admin, 'groups', 'members', 'claims-team');
    expect(members).toMatch(/^adjusters\s+group\s+/m);
    expect(members).not.toMatch(/^frank/m);

    // frank's groups, as frank sees them, include the nested one.
    const frank = await newKey('frank');
    const me = JSON.parse(await ok(cliAt(suite.harness.url, frank.token), 'whoami', '--output', 'json'));
    expect(me).toMatchObject({ name: 'frank', kind: 'user', is_admin: false });
    expect([...me.groups].sort()).toEqual(['adjusters', 'claims-team']);

    expect(await ok(admin, 'groups', 'remove', 'adjusters', 'frank')).toBe(
      'Removed frank from group adjusters.\n',
    );
    expect(await ok(admin, 'groups', 'members', 'adjusters')).toBe('Group adjusters has no members.\n');
  });
});

describe('lakegate keys', () => {
  it('prints the token once, with a warning on stderr; a listing never shows a secret', async () => {
    await ok(admin, 'principals', 'create', 'gina', '--kind', 'user');
    const key = await newKey('gina', '--description', 'laptop', '--expires', '30d');
    expect(key.stderr).toContain(`Created API key ${key.keyId} for gina (expires 20`);
    expect(key.stderr).toMatch(/WARNING: this is the only time/);
    expect(key.stderr).not.toContain(key.secret);

    const list = await ok(admin, 'keys', 'list', 'gina');
    expect(list).toMatch(new RegExp(`^${key.keyId}\\s+laptop\\s+\\S+\\s+20\\d\\d-\\S+\\s+active$`, 'm'));
    const json = await ok(admin, 'keys', 'list', 'gina', '--output', 'json');
    for (const text of [list, json]) expect(text).not.toContain(key.secret);
    expect(JSON.parse(json).keys[0]).toEqual({
      key_id: key.keyId,
      description: 'laptop',
      created_at: expect.any(Number),
      expires_at: expect.any(Number),
      revoked_at: null,
    });
    // Nothing else the admin can list shows it either.
    expect(await ok(admin, 'audit', 'list', '--output', 'json')).not.toContain(key.secret);
  });

  it('revokes a key: its next call is refused, and the CLI says how to set LAKEGATE_KEY', async () => {
    await ok(admin, 'principals', 'create', 'hank', '--kind', 'user');
    const key = await newKey('hank');
    const hank = cliAt(suite.harness.url, key.token);
    expect(await ok(hank, 'whoami')).toMatch(/^name:\s+hank$/m);

    expect(await ok(admin, 'keys', 'revoke', key.keyId)).toBe(`Revoked API key ${key.keyId}.\n`);
    const refused = await hank('whoami');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('LAKEGATE_KEY');
    expect(refused.stderr.split('\n')).toHaveLength(2);
    expect(await ok(admin, 'keys', 'list', 'hank')).toMatch(/revoked 20\d\d-/);
  });

  it('refuses a whole token for revoke without echoing its secret', async () => {
    const key = await newKey('hank');
    const run = await admin('keys', 'revoke', key.token);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give the key id');
    expect(run.stderr).not.toContain(key.secret);
    expect((await cliAt(suite.harness.url, key.token)('whoami')).code).toBe(0);
  });

  it('rejects an expiry that is not a duration or an ISO time, or is in the past', async () => {
    for (const expires of ['soon', '30x', '2001-01-01T00:00:00Z']) {
      const run = await admin('keys', 'create', 'hank', '--expires', expires);
      expect(run.code, expires).toBe(2);
      expect(run.stdout).toBe('');
    }
  });
});

describe('govern a model endpoint (the README tour)', () => {
  it('a new service principal may call a model only once QUERY is granted', async () => {
    expect(await ok(admin, 'principals', 'create', 'claims-bot', '--kind', 'service')).toBe(
      'Created service claims-bot.\n',
    );
    const { token } = await newKey('claims-bot', '--description', 'tour');
    expect((await chat(token)).status).toBe(404);

    expect(await ok(admin, 'grant', 'QUERY', 'on', 'serving_endpoint', 'local', 'to', 'claims-bot')).toBe(
      'Granted QUERY on serving_endpoint local to claims-bot.\n',
    );
    expect((await chat(token)).status).toBe(200);

    const audit = await ok(admin, 'audit', 'list', '--principal', 'claims-bot', '--limit', '10');
    expect(audit).toMatch(/^\S+\s+claims-bot\s+\S+\s+serving_endpoint local\s+allow$/m);
    expect(audit).toMatch(/^\S+\s+claims-bot\s+\S+\s+serving_endpoint local\s+deny$/m);

    await ok(admin, 'revoke', 'QUERY', 'on', 'serving_endpoint', 'local', 'from', 'claims-bot');
    expect((await chat(token)).status).toBe(404);
  });
});

describe('lakegate whoami', () => {
  it('shows the admin', async () => {
    const me = await ok(admin, 'whoami');
    expect(me).toMatch(/^name:\s+admin$/m);
    expect(me).toMatch(/^admin:\s+yes \(metastore admin\)$/m);
    expect(me).toMatch(/^id:\s+pr_/m);
  });
});
