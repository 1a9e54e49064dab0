// The SQL Statement Execution surface on a real server, over HTTP: shapes as Databricks sends them,
// governed results, paging, ownership, cancellation and errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, LG, UC, userWithKey } from '../../../test/support/catalog-rest.js';
import { type Harness, startLakegate } from '../../../test/support/lakegate-harness.js';

const STATEMENTS = '/api/2.0/sql/statements';

describe('SQL statements over HTTP', () => {
  let harness: Harness;
  let admin: Call;
  let ana: Call;
  let bob: Call;

  beforeAll(async () => {
    harness = await startLakegate();
    admin = client(harness.url);
    const ok = async (reply: Promise<{ status: number; body: unknown }>) => {
      const r = await reply;
      if (r.status !== 200) throw new Error(JSON.stringify(r.body));
      return r;
    };
    await ok(admin('POST', `${UC}/catalogs`, { name: 'ins' }));
    await ok(admin('POST', `${UC}/schemas`, { name: 'claims', catalog_name: 'ins' }));
    const created = await ok(
      admin('POST', STATEMENTS, {
        statement: `CREATE TABLE ins.claims.claims AS SELECT * FROM (VALUES (1, 'EU', 'a@x.eu', 10.5), (2, 'US', 'b@x.us', 20.0), (3, 'EU', 'c@x.eu', 30.25)) v(id, region, email, amount)`,
        wait_timeout: '30s',
      }),
    );
    expect(created.body, JSON.stringify(created.body)).toMatchObject({ status: { state: 'SUCCEEDED' } });
    await ok(
      admin('PUT', `${LG}/tables/ins.claims.claims/row-filter`, {
        expression: `region = 'EU' OR is_member('auditors')`,
      }),
    );
    await ok(
      admin('PUT', `${LG}/tables/ins.claims.claims/column-masks/email`, {
        expression: `CASE WHEN is_member('auditors') THEN email ELSE '***' END`,
      }),
    );
    const anaKey = await userWithKey(admin, 'ana');
    const bobKey = await userWithKey(admin, 'bob');
    ana = client(harness.url, anaKey.token);
    bob = client(harness.url, bobKey.token);
    await ok(
      admin('PATCH', `${UC}/permissions/catalog/ins`, {
        changes: [{ principal: 'ana', add: ['USE_CATALOG'] }],
      }),
    );
    await ok(
      admin('PATCH', `${UC}/permissions/schema/ins.claims`, {
        changes: [{ principal: 'ana', add: ['USE_SCHEMA', 'SELECT'] }],
      }),
    );
  }, 60_000);
  afterAll(() => harness?.close());

  it('answers a governed SELECT in Databricks shape', async () => {
    const reply = await ana('POST', STATEMENTS, {
      statement: 'SELECT id, email, amount FROM claims WHERE amount > :min ORDER BY id',
      catalog: 'ins',
      schema: 'claims',
      parameters: [{ name: 'min', value: '1', type: 'DOUBLE' }],
      wait_timeout: '20s',
      warehouse_id: 'any',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      statement_id: expect.any(String),
      status: { state: 'SUCCEEDED' },
      manifest: {
        format: 'JSON_ARRAY',
        schema: {
          column_count: 3,
          columns: [
            { name: 'id', type_name: 'INT', type_text: 'INT', position: 0 },
            { name: 'email', type_name: 'STRING', type_text: 'STRING', position: 1 },
            { name: 'amount', type_name: 'DECIMAL', type_text: 'DECIMAL(4,2)', position: 2 },
          ],
        },
        total_row_count: 2,
        total_chunk_count: 1,
        total_byte_count: expect.any(Number),
        chunks: [{ chunk_index: 0, row_offset: 0, row_count: 2, byte_count: expect.any(Number) }],
        truncated: false,
      },
      result: {
        chunk_index: 0,
        row_offset: 0,
        row_count: 2,
        byte_count: expect.any(Number),
        data_array: [
          ['1', '***', '10.50'],
          ['3', '***', '30.25'],
        ],
      },
    });
    const again = await ana('GET', `${STATEMENTS}/${reply.body.statement_id}`);
    expect(again.body.result.data_array).toEqual(reply.body.result.data_array);
    const stranger = await bob('GET', `${STATEMENTS}/${reply.body.statement_id}`);
    expect(stranger).toMatchObject({ status: 404, body: { error_code: 'NOT_FOUND' } });
  });

  it('pages large results through chunk links', async () => {
    const reply = await ana('POST', STATEMENTS, {
      statement: 'SELECT range AS i FROM range(25000)',
      wait_timeout: '30s',
    });
    expect(reply.body.manifest).toMatchObject({ total_row_count: 25000, total_chunk_count: 3 });
    expect(reply.body.result).toMatchObject({ next_chunk_index: 1, row_count: 10000 });
    let link: string | undefined = reply.body.result.next_chunk_internal_link;
    const rows: string[][] = [...reply.body.result.data_array];
    while (link) {
      const chunk = await ana('GET', link);
      expect(chunk.status).toBe(200);
      rows.push(...chunk.body.data_array);
      link = chunk.body.next_chunk_internal_link;
    }
    expect(rows).toHaveLength(25000);
    expect(rows[24999]).toEqual(['24999']);
    expect(await ana('GET', `${STATEMENTS}/${reply.body.statement_id}/result/chunks/7`)).toMatchObject({
      status: 404,
      body: { error_code: 'NOT_FOUND' },
    });
    expect(await ana('GET', `${STATEMENTS}/${reply.body.statement_id}/result/chunks/x`)).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });

  it('reports refused and failed statements in the status, and bad requests as 4xx', async () => {
    const hidden = await bob('POST', STATEMENTS, { statement: 'SELECT * FROM ins.claims.claims' });
    expect(hidden).toMatchObject({
      status: 200,
      body: { status: { state: 'FAILED', error: { error_code: 'NOT_FOUND' } } },
    });
    expect(hidden.body.status.error.message).toMatch(/does not exist or you do not have permission/);
    const ddl = await ana('POST', STATEMENTS, { statement: 'DROP TABLE ins.claims.claims' });
    expect(ddl.body.status).toMatchObject({
      state: 'FAILED',
      error: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    for (const body of [
      {},
      { statement: 'SELECT 1', wait_timeout: '3s' },
      { statement: 'SELECT 1', disposition: 'EXTERNAL_LINKS' },
      { statement: 'SELECT 1', surprise: true },
      '{not json',
    ]) {
      const reply = await ana('POST', STATEMENTS, body);
      expect(reply, JSON.stringify(body)).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
    const anonymous = await client(harness.url, null)('POST', STATEMENTS, { statement: 'SELECT 1' });
    expect(anonymous).toMatchObject({ status: 401, body: { error_code: 'UNAUTHENTICATED' } });
  });

  it('runs asynchronously with wait_timeout 0s and cancels', async () => {
    const started = await ana('POST', STATEMENTS, {
      statement: 'SELECT count(*) FROM range(100000000000) a',
      wait_timeout: '0s',
    });
    expect(['PENDING', 'RUNNING']).toContain(started.body.status.state);
    const id = started.body.statement_id;
    expect(await bob('POST', `${STATEMENTS}/${id}/cancel`)).toMatchObject({ status: 404 });
    expect(await ana('POST', `${STATEMENTS}/${id}/cancel`)).toMatchObject({ status: 200, body: {} });
    expect((await ana('GET', `${STATEMENTS}/${id}`)).body.status).toEqual({ state: 'CANCELED' });
  });
});
