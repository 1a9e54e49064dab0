// The table-data API on a real server: Unity Catalog creates and deletes managed tables with storage;
// rows, raw uploads and volume files load through one transaction each; history lists the versions;
// errors come in Unity Catalog's shape and never reveal a table the caller cannot see.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, type Reply, UC, userWithKey } from '../../../test/support/catalog-rest.js';
import { type Harness, startLakegate, TEST_KEY } from '../../../test/support/lakegate-harness.js';
import { TABLES_PREFIX } from './table-data-routes.js';

let lakegate: Harness;
let admin: Call;
const T = `${TABLES_PREFIX}/shop.sales.orders`;

async function ok(reply: Promise<Reply>) {
  const r = await reply;
  if (r.status !== 200) throw new Error(`${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function upload(path: string, body: string, token = TEST_KEY) {
  const response = await fetch(`${lakegate.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

beforeAll(async () => {
  lakegate = await startLakegate();
  admin = client(lakegate.url);
  await ok(admin('POST', `${UC}/catalogs`, { name: 'shop' }));
  await ok(admin('POST', `${UC}/schemas`, { name: 'sales', catalog_name: 'shop' }));
  const table = await ok(
    admin('POST', `${UC}/tables`, {
      name: 'orders',
      catalog_name: 'shop',
      schema_name: 'sales',
      table_type: 'MANAGED',
      columns: [
        { name: 'id', type_text: 'bigint', type_name: 'LONG', position: 0, nullable: false },
        { name: 'region', type_text: 'string', type_name: 'STRING', position: 1 },
        { name: 'amount', type_text: 'decimal(10,2)', type_name: 'DECIMAL', position: 2 },
      ],
    }),
  );
  expect(table).toMatchObject({ table_type: 'MANAGED', data_source_format: 'DELTA' });
});
afterAll(async () => {
  await lakegate.close();
});

describe('writing', () => {
  it('writes rows and answers with the version and counts', async () => {
    expect(
      await ok(admin('POST', `${T}/rows`, { mode: 'append', rows: [{ id: 1, region: 'north', amount: 5 }] })),
    ).toEqual({ version: 1, rows_added: 1, rows_removed: 0, rows_updated: 0, rows_total: 1 });
    expect(
      await ok(
        admin('POST', `${T}/rows`, {
          mode: 'merge',
          keys: ['id'],
          rows: [
            { id: 1, region: 'north', amount: 6 },
            { id: 2, region: 'south', amount: 7 },
          ],
        }),
      ),
    ).toEqual({ version: 2, rows_added: 1, rows_removed: 0, rows_updated: 1, rows_total: 2 });
  });

  it('refuses bad rows and bad bodies in the UC error shape', async () => {
    expect(await admin('POST', `${T}/rows`, { mode: 'append', rows: [{ id: 'x' }] })).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_ARGUMENT',
        message: 'Row 1, column "id" (LONG): expected a whole number (LONG).',
      },
    });
    expect(await admin('POST', `${T}/rows`, { mode: 'upsert', rows: [] })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_ARGUMENT' },
    });
    expect(
      await admin('POST', `${TABLES_PREFIX}/shop.sales.nope/rows`, { mode: 'append', rows: [] }),
    ).toMatchObject({
      status: 404,
      body: { error_code: 'NOT_FOUND' },
    });
  });

  it('loads a raw CSV upload, and a bad one leaves nothing', async () => {
    const loaded = await upload(
      `${T}/load?mode=append&format=csv`,
      'id,region,amount\n10,east,1.5\n11,west,2\n',
    );
    expect(loaded).toEqual({
      status: 200,
      body: { version: 3, rows_added: 2, rows_removed: 0, rows_updated: 0, rows_total: 4 },
    });
    const merged = await upload(
      `${T}/load?mode=merge&format=csv&keys=id&header=false&delimiter=;`,
      '10;EAST;9\n',
    );
    expect(merged.body).toMatchObject({ version: 4, rows_updated: 1, rows_total: 4 });
    const bad = await upload(`${T}/load?mode=append&format=csv`, 'id,amount\n12,1\n13,lots\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_ARGUMENT');
    expect(bad.body.message).toContain('Line: 3');
    expect((await upload(`${T}/load?mode=append`, 'id\n1\n')).body.message).toContain('format=csv');
    const history = await ok(admin('GET', `${T}/history`));
    expect(history.versions).toHaveLength(5);
  });

  it('loads a file from a volume the caller may read', async () => {
    await ok(
      admin('POST', `${UC}/volumes`, {
        name: 'landing',
        catalog_name: 'shop',
        schema_name: 'sales',
        volume_type: 'MANAGED',
      }),
    );
    const put = await upload(
      '/api/2.0/fs/files/Volumes/shop/sales/landing/more.jsonl',
      '{"id": 20, "region": "up"}\n',
    );
    expect(put.status).toBe(204);
    const loaded = await ok(
      admin('POST', `${T}/load`, {
        mode: 'append',
        source: { volume_path: '/Volumes/shop/sales/landing/more.jsonl' },
      }),
    );
    expect(loaded).toMatchObject({ rows_added: 1 });
    expect(
      await admin('POST', `${T}/load`, {
        mode: 'append',
        source: { volume_path: '/Volumes/shop/sales/landing/none.csv' },
      }),
    ).toMatchObject({ status: 404 });
  });
});

describe('history and privileges', () => {
  it('lists versions newest first with who, when and counts', async () => {
    const { versions } = await ok(admin('GET', `${T}/history`));
    expect(versions[versions.length - 1]).toMatchObject({
      version: 0,
      operation: 'CREATE TABLE',
      principal: 'admin',
    });
    expect(versions[0]).toMatchObject({
      operation: 'WRITE',
      principal: 'admin',
      rows_added: 1,
      readable: true,
    });
    expect(typeof versions[0].timestamp).toBe('string');
  });

  it('answers NOT_FOUND to a caller who cannot see the table, and 403 to a reader who writes', async () => {
    const reader = await userWithKey(admin, 'orders_reader');
    const stranger = await userWithKey(admin, 'orders_stranger');
    for (const [type, name, privileges] of [
      ['catalog', 'shop', ['USE CATALOG']],
      ['schema', 'shop.sales', ['USE SCHEMA']],
      ['table', 'shop.sales.orders', ['SELECT']],
    ] as const) {
      await ok(
        admin('PATCH', `${UC}/permissions/${type}/${name}`, {
          changes: [{ principal: reader.name, add: privileges }],
        }),
      );
    }
    const asReader = client(lakegate.url, reader.token);
    const asStranger = client(lakegate.url, stranger.token);
    expect((await asReader('GET', `${T}/history`)).status).toBe(200);
    expect(await asReader('POST', `${T}/rows`, { mode: 'append', rows: [{ id: 99 }] })).toMatchObject({
      status: 403,
      body: { error_code: 'PERMISSION_DENIED' },
    });
    expect((await upload(`${T}/load?format=csv`, 'id\n1\n', reader.token)).status).toBe(403);
    expect(await asStranger('GET', `${T}/history`)).toMatchObject({
      status: 404,
      body: { error_code: 'NOT_FOUND' },
    });
    expect(await asStranger('POST', `${T}/rows`, { mode: 'append', rows: [] })).toMatchObject({
      status: 404,
    });
  });

  it('drops the storage with the table when Unity Catalog deletes it', async () => {
    await ok(
      admin('POST', `${UC}/tables`, {
        name: 'scratch',
        catalog_name: 'shop',
        schema_name: 'sales',
        table_type: 'MANAGED',
        columns: [{ name: 'x', type_text: 'int', type_name: 'INT', position: 0 }],
      }),
    );
    await ok(admin('POST', `${TABLES_PREFIX}/shop.sales.scratch/rows`, { mode: 'append', rows: [{ x: 1 }] }));
    expect(await ok(admin('DELETE', `${UC}/tables/shop.sales.scratch`))).toEqual({});
    // Created again under the same name: a new, empty table with its own storage.
    await ok(
      admin('POST', `${UC}/tables`, {
        name: 'scratch',
        catalog_name: 'shop',
        schema_name: 'sales',
        table_type: 'MANAGED',
        columns: [{ name: 'x', type_text: 'int', type_name: 'INT', position: 0 }],
      }),
    );
    const { versions } = await ok(admin('GET', `${TABLES_PREFIX}/shop.sales.scratch/history`));
    expect(versions).toHaveLength(1);
  });
});
