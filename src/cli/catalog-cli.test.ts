// The catalog commands against a real Lakegate started in this process: create, list, get and delete
// every kind of object, grant and revoke, and the shapes of --output json.

import { beforeAll, describe, expect, it } from 'vitest';
import { ok as okAs, useLakegate } from './test-support.js';

const { admin: lakegate } = useLakegate();

/** Runs a command that must succeed, and returns its stdout. */
const ok = (...argv: string[]) => okAs(lakegate, ...argv);

describe('lakegate catalog', () => {
  it('creates, lists, gets and deletes a catalog', async () => {
    expect(await ok('catalog', 'create', 'claims', '--comment', 'Insurance claims')).toBe(
      'Created catalog claims.\n',
    );
    const list = await ok('catalog', 'list');
    const [header, ...rows] = list.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+OWNER\s+CREATED\s+COMMENT$/);
    const row = rows.find((r) => r.startsWith('claims '));
    expect(row).toMatch(/^claims\s+admin\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+Insurance claims$/);
    // Columns line up: every row's OWNER starts where the header's does.
    expect(row!.indexOf('admin')).toBe(header!.indexOf('OWNER'));

    const get = await ok('catalog', 'get', 'claims');
    expect(get).toMatch(/^name:\s+claims$/m);
    expect(get).toMatch(/^owner:\s+admin$/m);
    expect(get).toMatch(/^comment:\s+Insurance claims$/m);

    expect(await ok('catalog', 'delete', 'claims')).toBe('Deleted catalog claims.\n');
    const gone = await lakegate('catalog', 'get', 'claims');
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toMatch(/^lakegate: .*claims.*does not exist.*\(NOT_FOUND\)\n$/);
  });

  it('refuses to delete a catalog that is not empty unless --force', async () => {
    await ok('catalog', 'create', 'full');
    await ok('schema', 'create', 'full.inside');
    const refused = await lakegate('catalog', 'delete', 'full');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^lakegate: /);
    expect(await ok('catalog', 'get', 'full')).toContain('full');
    expect(await ok('catalog', 'delete', 'full', '--force')).toBe('Deleted catalog full.\n');
  });

  it('prints the raw JSON with --output json', async () => {
    const created = JSON.parse(await ok('catalog', 'create', 'raw', '--output', 'json'));
    expect(created).toMatchObject({ name: 'raw', owner: 'admin' });
    expect(typeof created.created_at).toBe('number');
    const list = JSON.parse(await ok('catalog', 'list', '--output', 'json'));
    expect(list.catalogs.map((c: { name: string }) => c.name)).toContain('raw');
    expect(JSON.parse(await ok('catalog', 'get', 'raw', '-o', 'json'))).toEqual(created);
    expect(JSON.parse(await ok('catalog', 'delete', 'raw', '--output', 'json'))).toEqual({});
  });
});

describe('objects in a schema', () => {
  beforeAll(async () => {
    await ok('catalog', 'create', 'main');
    await ok('schema', 'create', 'main.claims', '--comment', 'Claims data');
  });

  it('lists, gets and deletes schemas', async () => {
    expect(await ok('schema', 'list', 'main')).toMatch(/^main\.claims\s+admin\s+\S+\s+Claims data$/m);
    expect(await ok('schema', 'get', 'main.claims')).toMatch(/^name:\s+main\.claims$/m);
    await ok('schema', 'create', 'main.scratch');
    expect(await ok('schema', 'delete', 'main.scratch')).toBe('Deleted schema main.scratch.\n');
    expect(await ok('schema', 'list', 'main')).not.toContain('main.scratch');
  });

  it('creates a table with its columns, and shows them', async () => {
    expect(
      await ok(
        'table',
        'create',
        'main.claims.raw',
        '--column',
        'id:bigint not null',
        '--column',
        'amount:decimal(10,2)',
        '--column',
        'notes:string',
        '--format',
        'delta',
        '--comment',
        'Raw claims',
      ),
    ).toBe('Created table main.claims.raw.\n');
    const table = JSON.parse(await ok('table', 'get', 'main.claims.raw', '--output', 'json'));
    expect(table.columns).toEqual([
      expect.objectContaining({
        name: 'id',
        type_text: 'bigint',
        type_name: 'LONG',
        position: 0,
        nullable: false,
      }),
      expect.objectContaining({
        name: 'amount',
        type_text: 'decimal(10,2)',
        type_name: 'DECIMAL',
        position: 1,
      }),
      expect.objectContaining({ name: 'notes', type_text: 'string', type_name: 'STRING', nullable: true }),
    ]);
    expect(table).toMatchObject({ table_type: 'MANAGED', data_source_format: 'DELTA' });

    const shown = await ok('table', 'get', 'main.claims.raw');
    expect(shown).toMatch(/^type:\s+MANAGED$/m);
    expect(shown).toContain(
      [
        'COLUMN  TYPE           NULLABLE  COMMENT',
        'id      bigint         no        -',
        'amount  decimal(10,2)  yes       -',
        'notes   string         yes       -',
      ].join('\n'),
    );
    expect(await ok('table', 'list', 'main.claims')).toMatch(/^main\.claims\.raw\s+MANAGED\s+admin\s+/m);
  });

  it('refuses a bad column before calling the server, as a usage error', async () => {
    const run = await lakegate('table', 'create', 'main.claims.bad', '--column', 'id:frobnicator');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"frobnicator" is not a type');
    expect(run.stderr).toContain('Usage: lakegate table');
    const noColumns = await lakegate('table', 'create', 'main.claims.bad');
    expect(noColumns.code).toBe(2);
    expect((await lakegate('table', 'get', 'main.claims.bad')).code).toBe(1);
  });

  it('creates, lists and deletes volumes and functions', async () => {
    expect(await ok('volume', 'create', 'main.claims.docs', '--comment', 'Scans')).toBe(
      'Created volume main.claims.docs.\n',
    );
    expect(await ok('volume', 'list', 'main.claims')).toMatch(/^main\.claims\.docs\s+MANAGED\s+admin/m);
    expect(await ok('volume', 'get', 'main.claims.docs')).toMatch(/^type:\s+MANAGED$/m);

    expect(
      await ok(
        'function',
        'create',
        'main.claims.total',
        '--param',
        'claim_id:bigint',
        '--returns',
        'double',
        '--body',
        'sql',
        '--definition',
        'SELECT 1.0',
      ),
    ).toBe('Created function main.claims.total.\n');
    const fn = JSON.parse(await ok('function', 'get', 'main.claims.total', '--output', 'json'));
    expect(fn).toMatchObject({ routine_body: 'SQL', routine_definition: 'SELECT 1.0', data_type: 'DOUBLE' });
    expect(fn.input_params.parameters[0]).toMatchObject({ name: 'claim_id', type_name: 'LONG' });
    expect(await ok('function', 'list', 'main.claims')).toMatch(/^main\.claims\.total\s+DOUBLE\s+admin/m);

    expect(await ok('volume', 'delete', 'main.claims.docs')).toBe('Deleted volume main.claims.docs.\n');
    expect(await ok('function', 'delete', 'main.claims.total')).toBe('Deleted function main.claims.total.\n');
    expect(await ok('volume', 'list', 'main.claims')).toBe('No volumes.\n');
  });

  it('registers a model, versions and aliases', async () => {
    await ok('model', 'create', 'main.claims.triage', '--comment', 'Routes claims');
    expect(await ok('model', 'add-version', 'main.claims.triage', '--source', 's3://m/1')).toBe(
      'Created version 1 of model main.claims.triage.\n',
    );
    await ok('model', 'add-version', 'main.claims.triage');
    const versions = await ok('model', 'versions', 'main.claims.triage');
    expect(versions).toMatch(/^VERSION\s+STATUS\s+SOURCE\s+CREATED\s+BY\s+COMMENT$/m);
    expect(versions).toMatch(/^1\s+READY\s+s3:\/\/m\/1\s+\S+\s+admin/m);
    expect(versions).toMatch(/^2\s+READY\s+-/m);

    expect(await ok('model', 'alias', 'main.claims.triage', 'champion', '2')).toBe(
      'Alias champion of model main.claims.triage now points to version 2.\n',
    );
    expect(await ok('model', 'get', 'main.claims.triage')).toMatch(/^aliases:\s+champion=2$/m);
    expect(await ok('model', 'list', 'main.claims')).toMatch(/^main\.claims\.triage\s+champion=2\s+admin/m);
    await ok('model', 'alias', 'main.claims.triage', 'champion', '--delete');
    expect(await ok('model', 'get', 'main.claims.triage')).toMatch(/^aliases:\s+-$/m);
    expect(await ok('model', 'delete', 'main.claims.triage')).toBe('Deleted model main.claims.triage.\n');
  });
});

describe('grant, revoke and permissions', () => {
  beforeAll(async () => {
    await ok('catalog', 'create', 'sales');
    await ok('schema', 'create', 'sales.orders');
    await ok('table', 'create', 'sales.orders.lines', '--column', 'id:int');
    await ok('principals', 'create', 'analysts', '--kind', 'group');
    await ok('principals', 'create', 'carol', '--kind', 'user');
  });

  it('grants, shows the permissions table, and revokes', async () => {
    expect(await ok('grant', 'USE_CATALOG', 'on', 'catalog', 'sales', 'to', 'analysts')).toBe(
      'Granted USE_CATALOG on catalog sales to analysts.\n',
    );
    // The spaced spelling and several privileges at once.
    expect(
      await ok('grant', 'USE', 'SCHEMA,', 'select', 'on', 'schema', 'sales.orders', 'to', 'analysts'),
    ).toBe('Granted USE_SCHEMA, SELECT on schema sales.orders to analysts.\n');
    await ok('grant', 'MODIFY', 'on', 'table', 'sales.orders.lines', 'to', 'carol');
    await ok('grant', 'SELECT', 'on', 'table', 'sales.orders.lines', 'to', 'analysts');

    const table = await ok('permissions', 'table', 'sales.orders.lines');
    expect(table).toBe(['PRINCIPAL  PRIVILEGES', 'analysts   SELECT', 'carol      MODIFY', ''].join('\n'));
    const schema = await ok('permissions', 'schema', 'sales.orders');
    expect(schema).toMatch(/^analysts\s+(SELECT, USE_SCHEMA|USE_SCHEMA, SELECT)$/m);

    expect(await ok('revoke', 'SELECT', 'on', 'table', 'sales.orders.lines', 'from', 'analysts')).toBe(
      'Revoked SELECT on table sales.orders.lines from analysts.\n',
    );
    expect(await ok('permissions', 'table', 'sales.orders.lines')).toBe(
      ['PRINCIPAL  PRIVILEGES', 'carol      MODIFY', ''].join('\n'),
    );
    await ok('revoke', 'MODIFY', 'on', 'table', 'sales.orders.lines', 'from', 'carol');
    expect(await ok('permissions', 'table', 'sales.orders.lines')).toBe(
      'No privileges are granted on table sales.orders.lines.\n',
    );
  });

  it('filters by principal and prints JSON', async () => {
    await ok('grant', 'USE_CATALOG', 'on', 'catalog', 'sales', 'to', 'carol');
    const json = JSON.parse(
      await ok('permissions', 'catalog', 'sales', '--principal', 'carol', '-o', 'json'),
    );
    expect(json.privilege_assignments).toEqual([{ principal: 'carol', privileges: ['USE_CATALOG'] }]);
  });

  it('grants on the metastore without a name, and on a serving endpoint', async () => {
    await ok('grant', 'CREATE_CATALOG', 'on', 'metastore', 'to', 'carol');
    expect(await ok('permissions', 'metastore')).toMatch(/^carol\s+CREATE_CATALOG$/m);
    await ok('grant', 'QUERY', 'on', 'serving-endpoint', 'local', 'to', 'carol');
    expect(await ok('permissions', 'serving_endpoint', 'local')).toMatch(/^carol\s+QUERY$/m);
  });

  it('reports a privilege that does not apply, and changes nothing', async () => {
    const run = await lakegate('grant', 'EXECUTE', 'on', 'table', 'sales.orders.lines', 'to', 'carol');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^lakegate: .*EXECUTE/);
    expect(await ok('permissions', 'table', 'sales.orders.lines')).not.toContain('EXECUTE');
  });

  it('refuses malformed grants as usage errors', async () => {
    for (const argv of [
      ['grant', 'SELECT', 'table', 'sales.orders.lines', 'to', 'carol'],
      ['grant', 'SELECT', 'on', 'tabel', 'sales.orders.lines', 'to', 'carol'],
      ['grant', 'SELECT', 'on', 'table', 'sales.orders.lines', 'carol'],
      ['grant', 'SELECT', 'on', 'table', 'sales.orders.lines', 'to'],
      ['grant', 'SEL;ECT', 'on', 'table', 'sales.orders.lines', 'to', 'carol'],
      ['revoke', 'SELECT', 'on', 'table', 'sales.orders.lines', 'to', 'carol'],
    ]) {
      const run = await lakegate(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toContain('Usage: lakegate grant');
    }
  });
});
