// The Databricks Vector Search REST surface on a real server: endpoints, create/list/get/delete, query
// with the manifest + data_array shape (score last), sync after writes through the tables API, direct
// access upsert/delete-data, and errors in Databricks' `{error_code, message}` shape.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES_PREFIX } from '../tables/table-data-routes.js';
import {
  createClaimsIndex,
  INDEX,
  ok,
  startVectorWorld,
  TABLE,
  type VectorWorld,
  VS,
} from './test-support.js';

let world: VectorWorld;

beforeAll(async () => {
  world = await startVectorWorld();
  await createClaimsIndex(world);
}, 60_000);
afterAll(() => world?.close());

describe('indexes', () => {
  it('shows the index with its spec and status', async () => {
    const info = await ok(world.as.owner('GET', `${VS}/indexes/${INDEX}`));
    expect(info).toMatchObject({
      name: INDEX,
      endpoint_name: 'claims-endpoint',
      primary_key: 'id',
      index_type: 'DELTA_SYNC',
      creator: 'olga',
      delta_sync_index_spec: {
        source_table: TABLE,
        embedding_source_columns: [{ name: 'note', embedding_model_endpoint_name: 'local/embed' }],
      },
      status: { ready: true, detailed_state: 'ONLINE_NO_PENDING_UPDATE', indexed_row_count: 32 },
      sync_status: { state: 'ONLINE', last_synced_version: 1, last_error: null },
    });
    expect(JSON.stringify(info)).not.toContain('source_table_id');
    const list = await ok(world.as.nora('GET', `${VS}/indexes?endpoint_name=claims-endpoint`));
    expect(list).toEqual({
      vector_indexes: [
        {
          name: INDEX,
          endpoint_name: 'claims-endpoint',
          primary_key: 'id',
          index_type: 'DELTA_SYNC',
          creator: 'olga',
        },
      ],
    });
    expect(await ok(world.as.stranger('GET', `${VS}/indexes`))).toEqual({ vector_indexes: [] });
  });

  it('serves the one embedded endpoint, and other names as its aliases', async () => {
    const endpoints = await ok<{ endpoints: Array<{ name: string; num_indexes: number }> }>(
      world.as.owner('GET', `${VS}/endpoints`),
    );
    expect(endpoints.endpoints.map((e) => [e.name, e.num_indexes])).toEqual([
      ['lakegate-embedded', 0],
      ['claims-endpoint', 1],
    ]);
    expect(
      await ok(world.as.owner('POST', `${VS}/endpoints`, { name: 'new-ep', endpoint_type: 'STANDARD' })),
    ).toMatchObject({
      name: 'new-ep',
      endpoint_status: { state: 'ONLINE', message: expect.stringContaining('alias') },
    });
    expect((await world.as.owner('GET', `${VS}/endpoints/nope`)).status).toBe(404);
  });

  it('answers queries as manifest + data_array with the score last', async () => {
    const reply = await ok<{
      manifest: { column_count: number; columns: Array<{ name: string }> };
      result: { row_count: number; data_array: unknown[][] };
    }>(
      world.as.owner('POST', `${VS}/indexes/${INDEX}/query`, {
        query_text: 'kitchen fire smoke',
        columns: ['id', 'note', 'amount'],
        num_results: 3,
        query_type: 'hybrid',
        filters_json: '{"region": "north"}',
      }),
    );
    expect(reply.manifest).toEqual({
      column_count: 4,
      columns: [{ name: 'id' }, { name: 'note' }, { name: 'amount' }, { name: 'score' }],
    });
    expect(reply.result.row_count).toBe(3);
    for (const [id, note, amount, score] of reply.result.data_array) {
      expect(note).toMatch(/Kitchen fire/);
      expect(amount).toBe(Number(id) * 10);
      expect(typeof score).toBe('number');
    }
  });

  it('reranks the readable candidates through the model API, reading what the caller may read', async () => {
    type Reply = { result: { row_count: number; data_array: unknown[][] } };
    const query = (who: 'nora' | 'owner', reranker: unknown) =>
      ok<Reply>(
        world.as[who]('POST', `${VS}/indexes/${INDEX}/query`, {
          query_text: 'storm drain overflowed',
          columns: ['id', 'region', 'note', 'ssn'],
          num_results: 3,
          ...(reranker === undefined ? {} : { reranker }),
        }),
      );
    const reranker = { model: 'local/rerank', parameters: { columns_to_rerank: ['note'] } };
    const reranked = await query('nora', reranker);
    expect(reranked.result.row_count).toBe(3);
    // nora reads the north rows only, and the ssn masked: reranking sees and returns nothing else.
    for (const [, region, , ssn] of reranked.result.data_array) {
      expect(region).toBe('north');
      expect(ssn).toBe('***');
    }
    // The three notes with every query word come first, best relevance first, scores from the reranker.
    const rows = reranked.result.data_array;
    expect(rows.map((r) => String(r[2]))).toEqual(
      rows.map(() => expect.stringContaining('storm drain overflowed')),
    );
    const scores = rows.map((r) => r[4] as number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const score of scores) expect(score).toBeGreaterThan(0.5);
    // The scores are the reranker's, not the first stage's.
    const plain = await query('nora', undefined);
    const firstStage = new Map(plain.result.data_array.map((r) => [r[0], r[4]]));
    for (const [id, , , , score] of rows) if (firstStage.has(id)) expect(score).not.toBe(firstStage.get(id));
    // Reranking on a column holding a masked value sees the mask, not the value.
    const onSsn = await query('nora', { model: 'local/rerank', parameters: { columns_to_rerank: ['ssn'] } });
    expect(onSsn.result.data_array.every((r) => r[3] === '***')).toBe(true);
    // Refused: an unknown column, the vector-less text missing, a model that cannot rerank.
    const bad = (body: unknown) => world.as.nora('POST', `${VS}/indexes/${INDEX}/query`, body);
    expect(
      await bad({
        query_text: 'x',
        reranker: { model: 'local/rerank', parameters: { columns_to_rerank: ['nope'] } },
      }),
    ).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('nope') },
    });
    expect(await bad({ query_vector: Array(384).fill(0.1), reranker })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('query_text') },
    });
    expect(
      await bad({
        query_text: 'x',
        reranker: { model: 'local/embed', parameters: { columns_to_rerank: ['note'] } },
      }),
    ).toMatchObject({ status: 400 });
  });

  it('refuses bad input in the Databricks error shape', async () => {
    const q = (body: unknown) => world.as.owner('POST', `${VS}/indexes/${INDEX}/query`, body);
    expect(await q({ query_text: 'x', num_results: 0 })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(await q({ query_text: 'x', bogus: 1 })).toMatchObject({ status: 400 });
    expect(await q({ query_text: 'x', filters_json: '{"nope": 1}' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('nope') },
    });
    expect(await q('{not json')).toMatchObject({ status: 400 });
    expect(await world.as.owner('GET', `${VS}/indexes/ins.claims.missing`)).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(
      await world.as.owner('POST', `${VS}/indexes`, {
        name: 'ins.claims.bad',
        primary_key: 'id',
        index_type: 'DELTA_SYNC',
        delta_sync_index_spec: { source_table: TABLE },
      }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(
      await world.as.owner('POST', `${VS}/indexes`, {
        name: INDEX,
        primary_key: 'id',
        index_type: 'DELTA_SYNC',
        delta_sync_index_spec: {
          source_table: TABLE,
          embedding_source_columns: [{ name: 'note', embedding_model_endpoint_name: 'local/embed' }],
        },
      }),
    ).toMatchObject({ status: 409, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
  });

  it('syncs after a write through the tables API, and on demand', async () => {
    await ok(
      world.admin('POST', `${TABLES_PREFIX}/${TABLE}/rows`, {
        mode: 'append',
        rows: [
          { id: 100, region: 'north', note: 'Meteorite crater in the garden', ssn: 'SSN-100', amount: 1 },
        ],
      }),
    );
    const info = await world.settled();
    expect(info).toMatchObject({
      status: { indexed_row_count: 33 },
      sync_status: { last_synced_version: 2 },
    });
    const hit = await ok<{ result: { data_array: unknown[][] } }>(
      world.as.nora('POST', `${VS}/indexes/${INDEX}/query`, {
        query_text: 'meteorite crater',
        columns: ['id'],
        num_results: 1,
      }),
    );
    expect(hit.result.data_array[0]![0]).toBe(100);
    expect(await ok(world.as.owner('POST', `${VS}/indexes/${INDEX}/sync`, {}))).toEqual({});
    expect((await world.as.nora('POST', `${VS}/indexes/${INDEX}/sync`, {})).status).toBe(403);
  });
});

describe('direct access', () => {
  it('creates, upserts, queries, deletes rows and the index', async () => {
    const name = 'ins.claims.direct';
    await ok(
      world.as.owner('POST', `${VS}/indexes`, {
        name,
        endpoint_name: 'lakegate-embedded',
        primary_key: 'id',
        index_type: 'DIRECT_ACCESS',
        direct_access_index_spec: {
          embedding_vector_columns: [{ name: 'v', embedding_dimension: 2 }],
          schema_json: JSON.stringify({ id: 'string', v: 'array<float>', label: 'string' }),
        },
      }),
    );
    expect(
      await ok(
        world.as.owner('POST', `${VS}/indexes/${name}/upsert-data`, {
          inputs_json: JSON.stringify([
            { id: 'x', v: [1, 0], label: 'east' },
            { id: 'y', v: [0, 1], label: 'north' },
          ]),
        }),
      ),
    ).toEqual({ status: 'SUCCESS', result: { success_row_count: 2, failed_primary_keys: [] } });
    const near = await ok<{ result: { data_array: unknown[][] } }>(
      world.as.owner('POST', `${VS}/indexes/${name}/query`, {
        query_vector: [0.1, 1],
        num_results: 1,
        columns: ['id', 'label'],
      }),
    );
    expect(near.result.data_array[0]!.slice(0, 2)).toEqual(['y', 'north']);
    expect(
      await ok(world.as.owner('DELETE', `${VS}/indexes/${name}/delete-data?primary_keys=y&primary_keys=z`)),
    ).toEqual({ status: 'SUCCESS', result: { success_row_count: 1, failed_primary_keys: [] } });
    expect(
      await ok(world.as.owner('DELETE', `${VS}/indexes/${name}/delete-data`, { primary_keys: ['x'] })),
    ).toMatchObject({ result: { success_row_count: 1 } });
    expect(
      await world.as.owner('POST', `${VS}/indexes/${name}/upsert-data`, { inputs_json: '{"a":1}' }),
    ).toMatchObject({
      status: 400,
    });
    expect(await ok(world.as.owner('DELETE', `${VS}/indexes/${name}`))).toEqual({});
    expect((await world.as.owner('GET', `${VS}/indexes/${name}`)).status).toBe(404);
  });
});
