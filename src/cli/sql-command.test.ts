import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { client, LG, UC, userWithKey } from '../../test/support/catalog-rest.js';
import { TEST_KEY } from '../../test/support/lakegate-harness.js';
import { main } from './main.js';
import { type Cli, cliAt, useLakegate } from './test-support.js';

describe('lakegate sql', () => {
  const lakegate = useLakegate();
  let ana: Cli;
  let anaKey: string;

  beforeAll(async () => {
    const { url } = lakegate.harness;
    const admin = client(url);
    await admin('POST', `${UC}/catalogs`, { name: 'ins' });
    await admin('POST', `${UC}/schemas`, { name: 'claims', catalog_name: 'ins' });
    const created = await cliAt(url, TEST_KEY)(
      'sql',
      `CREATE TABLE ins.claims.claims AS SELECT * FROM (VALUES (1, 'EU', 'a@x.eu'), (2, 'US', 'b@x.us'), (3, 'EU', 'c,"d"')) v(id, region, email)`,
    );
    expect(created.code, created.stderr).toBe(0);
    await admin('PUT', `${LG}/tables/ins.claims.claims/row-filter`, { expression: `region = 'EU'` });
    await admin('PUT', `${LG}/tables/ins.claims.claims/column-masks/region`, { expression: `lower(region)` });
    anaKey = (await userWithKey(admin, 'ana')).token;
    await admin('PATCH', `${UC}/permissions/catalog/ins`, {
      changes: [{ principal: 'ana', add: ['USE_CATALOG'] }],
    });
    await admin('PATCH', `${UC}/permissions/schema/ins.claims`, {
      changes: [{ principal: 'ana', add: ['USE_SCHEMA', 'SELECT'] }],
    });
    ana = cliAt(url, anaKey);
  }, 60_000);

  it('prints a governed result as a table, JSON or CSV', async () => {
    const table = await ana(
      'sql',
      'SELECT id, region, email FROM claims ORDER BY id',
      '--catalog',
      'ins',
      '--schema',
      'claims',
    );
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout).toBe('id  region  email\n1   eu      a@x.eu\n3   eu      c,"d"\n(2 rows)\n');
    const json = await ana(
      'sql',
      'SELECT id, NULL AS n FROM ins.claims.claims WHERE id = :id',
      '--param',
      'id:INT=3',
      '-o',
      'json',
    );
    expect(JSON.parse(json.stdout)).toEqual([{ id: '3', n: null }]);
    const csv = await ana('sql', 'SELECT id, email FROM ins.claims.claims ORDER BY id', '--output', 'csv');
    expect(csv.stdout).toBe('id,email\n1,a@x.eu\n3,"c,""d"""\n');
  });

  it('fails with the server message and exit code 1, and 2 for bad usage', async () => {
    const hidden = await cliAt(lakegate.harness.url, 'lgnokey.nosecret')('sql', 'SELECT 1');
    expect(hidden.code).toBe(1);
    const refused = await ana('sql', 'DROP TABLE ins.claims.claims');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Only one SELECT statement.*INVALID_PARAMETER_VALUE/);
    const missing = await ana('sql', 'SELECT * FROM ins.claims.secret');
    expect(missing.stderr).toMatch(/does not exist or you do not have permission.*NOT_FOUND/);
    expect((await ana('sql', 'SELECT 1', '--param', 'novalue')).code).toBe(2);
    expect((await ana('sql', 'SELECT 1', 'SELECT 2')).code).toBe(2);
  });

  it('runs an interactive session: multi-line statements, errors that do not end it, \\q', async () => {
    let stdout = '';
    let stderr = '';
    const stdin = Readable.from([
      'SELECT id\n',
      '  FROM ins.claims.claims\n',
      '  ORDER BY id;\n',
      'SELECT nope;\n',
      'SELECT 42 AS answer;\n',
      '\\q\n',
      'SELECT 1;\n',
    ]);
    const code = await main(['sql'], { LAKEGATE_URL: lakegate.harness.url, LAKEGATE_KEY: anaKey }, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      stdin,
    } as Parameters<typeof main>[2]);
    expect(code).toBe(0);
    expect(stdout).toBe('id\n1\n3\n(2 rows)\nanswer\n42\n(1 row)\n');
    expect(stderr).toMatch(/^error: .*nope/);
  });
});
