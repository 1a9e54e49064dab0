// Vector indexes on a real catalog, real governed tables (DuckDB) and the real local embedding model:
// creation rules, the first and incremental syncs (counted embeddings), failure and recovery, queries of
// every type with Databricks filters, permission-aware results (row filter, masks, over-fetch, a filter on
// a masked column), authorisation of the index and its source table, direct-access indexes and the audit.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../catalog/index.js';
import { type IndexWorld, openIndexWorld } from './test-support.js';

let world: IndexWorld;
let owner: Actor;
let nora: Actor;
let sam: Actor;
let quinn: Actor;

const TABLE = 'main.claims.notes';
const INDEX = 'main.claims.notes_idx';

function noteOf(id: number): string {
  if (id <= 30) return `Basement flood number ${id}: water damage after the river rose`;
  if (id <= 33) return `Flooded cellar ${id} after heavy rain, water in the basement`;
  if (id <= 36) return `Hail storm ${id} broke roof tiles and a skylight`;
  return `Kitchen fire ${id} left smoke damage in the hallway`;
}

const rowOf = (id: number) => ({
  id,
  region: id <= 30 ? 'south' : 'north',
  note: noteOf(id),
  secret: `SECRET-${id}`,
  amount: id * 100,
});

beforeAll(async () => {
  world = await openIndexWorld();
  const { base, admin, data } = world;
  for (const group of ['auditors', 'north_team', 'south_team']) await base.group(group);
  owner = await base.user('olga', 'auditors');
  nora = await base.user('nora', 'north_team');
  sam = await base.user('sam', 'south_team');
  quinn = await base.user('quinn', 'north_team');
  await base.catalog.securables.createCatalog(admin, 'main');
  await base.catalog.securables.createSchema(admin, 'main.claims');
  await data.tables.create(admin, TABLE, {
    columns: [
      { name: 'id', type: 'LONG' },
      { name: 'region', type: 'STRING' },
      { name: 'note', type: 'STRING' },
      { name: 'secret', type: 'STRING' },
      { name: 'amount', type: 'DOUBLE' },
    ],
  });
  await data.tables.write(admin, TABLE, {
    mode: 'append',
    source: { kind: 'rows', rows: Array.from({ length: 40 }, (_, i) => rowOf(i + 1)) },
  });
  await base.catalog.securables.setRowFilter(
    admin,
    TABLE,
    `is_member('auditors') OR (region = 'north' AND is_member('north_team')) OR (region = 'south' AND is_member('south_team'))`,
  );
  await base.catalog.securables.setColumnMask(
    admin,
    TABLE,
    'secret',
    `CASE WHEN is_member('auditors') THEN secret ELSE '***' END`,
  );
  for (const user of ['olga', 'nora', 'sam', 'quinn']) {
    await world.grant(user, 'catalog', 'main', 'USE CATALOG');
    await world.grant(user, 'schema', 'main.claims', 'USE SCHEMA');
  }
  await world.grant('olga', 'schema', 'main.claims', 'CREATE TABLE', 'SELECT');
  for (const user of ['nora', 'sam']) await world.grant(user, 'table', TABLE, 'SELECT');
  await world.retrieval.indexes.create(owner, {
    name: INDEX,
    indexType: 'DELTA_SYNC',
    primaryKey: 'id',
    deltaSync: {
      sourceTable: TABLE,
      embeddingSourceColumns: [{ name: 'note', embeddingModelEndpointName: 'local/embed' }],
      columnsToSync: ['region', 'secret', 'amount'],
    },
  });
  await world.retrieval.indexes.idle();
  for (const user of ['nora', 'sam', 'quinn']) await world.grant(user, 'vector_index', INDEX, 'QUERY');
});
afterAll(() => world?.close());

const indexes = () => world.retrieval.indexes;

describe('creating and syncing', () => {
  it('indexes every row the owner may read, records its version and the lineage table → index', async () => {
    const info = await indexes().get(owner, INDEX);
    expect(info.status).toMatchObject({
      state: 'ONLINE',
      rowsIndexed: 40,
      lastSyncedVersion: 1,
      lastError: null,
    });
    expect(info.securable.details).toMatchObject({
      index_type: 'DELTA_SYNC',
      primary_key: 'id',
      delta_sync_index_spec: { source_table: TABLE, pipeline_type: 'TRIGGERED' },
    });
    const lineage = await world.base.catalog.lineage.downstream('table', TABLE);
    expect(lineage.edges).toContainEqual(
      expect.objectContaining({ targetType: 'vector_index', targetName: INDEX, kind: 'INDEX_SYNC' }),
    );
  });

  it('refuses to embed a masked column unless allow_masked_columns is set', async () => {
    const request = {
      name: 'main.claims.secret_idx',
      indexType: 'DELTA_SYNC' as const,
      primaryKey: 'id',
      deltaSync: {
        sourceTable: TABLE,
        embeddingSourceColumns: [{ name: 'secret', embeddingModelEndpointName: 'local/embed' }],
      },
    };
    await expect(indexes().create(owner, request)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/column mask.*similarity search leak/s),
    });
    const created = await indexes().create(owner, { ...request, allowMaskedColumns: true });
    expect(created.securable.details.allow_masked_columns).toBe(true);
    await indexes().idle();
    await indexes().delete(owner, request.name);
  });

  it('refuses bad requests clearly and creates nothing', async () => {
    const bad = [
      { name: 'x.y', indexType: 'DELTA_SYNC', primaryKey: 'id' },
      { name: 'main.claims.b1', indexType: 'NOPE', primaryKey: 'id' },
      {
        name: 'main.claims.b2',
        indexType: 'DELTA_SYNC',
        primaryKey: 'nope',
        deltaSync: {
          sourceTable: TABLE,
          embeddingSourceColumns: [{ name: 'note', embeddingModelEndpointName: 'm' }],
        },
      },
      {
        name: 'main.claims.b3',
        indexType: 'DELTA_SYNC',
        primaryKey: 'id',
        deltaSync: {
          sourceTable: TABLE,
          embeddingSourceColumns: [{ name: 'amount', embeddingModelEndpointName: 'm' }],
        },
      },
      {
        name: 'main.claims.b4',
        indexType: 'DELTA_SYNC',
        primaryKey: 'id',
        deltaSync: { sourceTable: TABLE },
      },
    ];
    for (const request of bad) {
      await expect(indexes().create(owner, request as never)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    // A table the creator cannot read is the same NOT_FOUND as a missing one.
    await expect(
      indexes().create(nora, {
        name: 'main.claims.b5',
        indexType: 'DELTA_SYNC',
        primaryKey: 'id',
        deltaSync: {
          sourceTable: 'main.claims.missing',
          embeddingSourceColumns: [{ name: 'note', embeddingModelEndpointName: 'm' }],
        },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await indexes().list(world.admin)).map((i) => i.securable.fullName)).toEqual([INDEX]);
  });
});

describe('querying', () => {
  it('answers ANN, HYBRID and FULL_TEXT with the score last', async () => {
    for (const queryType of ['ANN', 'HYBRID', 'FULL_TEXT'] as const) {
      const result = await indexes().query(owner, INDEX, {
        queryText: 'hail storm roof tiles skylight',
        queryType,
        numResults: 3,
        columns: ['id', 'note'],
      });
      expect(result.columns).toEqual(['id', 'note', 'score']);
      expect(result.rows).toHaveLength(3);
      for (const row of result.rows) expect(String(row[1])).toMatch(/Hail storm/);
      expect(typeof result.rows[0]![2]).toBe('number');
    }
  });

  it('applies Databricks filters_json', async () => {
    const ids = async (filters: unknown) =>
      (
        await indexes().query(owner, INDEX, { queryText: 'water', numResults: 50, columns: ['id'], filters })
      ).rows.map((r) => Number(r[0]));
    expect((await ids({ region: 'north' })).every((id) => id > 30)).toBe(true);
    expect(await ids('{"id": [3, 5]}')).toEqual(expect.arrayContaining([3, 5]));
    expect((await ids({ id: [3, 5] })).length).toBe(2);
    expect((await ids({ 'region NOT': 'south' })).length).toBe(10);
    expect((await ids({ 'amount <': 300 })).sort((a, b) => a - b)).toEqual([1, 2]);
    expect((await ids({ 'amount >=': 3900, region: 'north' })).sort((a, b) => a - b)).toEqual([39, 40]);
    expect((await ids({ 'secret LIKE': 'SECRET-1' })).length).toBe(11);
    expect((await ids({ 'id OR region': [1, 'north'] })).length).toBe(11);
    await expect(
      indexes().query(owner, INDEX, { queryText: 'x', filters: { nope: 1 } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(indexes().query(owner, INDEX, { queryText: 'x', filters: '{bad' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('returns only rows the caller reads, masked, and over-fetches to fill num_results', async () => {
    // 30 south rows about floods rank above the 3 north flood rows: nora still gets 3 north rows.
    const result = await indexes().query(nora, INDEX, {
      queryText: 'basement flood water damage',
      numResults: 3,
      columns: ['id', 'region', 'secret'],
    });
    expect(result.rows.map((r) => r[1])).toEqual(['north', 'north', 'north']);
    expect(result.rows.map((r) => Number(r[0])).sort()).toEqual([31, 32, 33]);
    expect(result.rows.every((r) => r[2] === '***')).toBe(true);
    // More asked than readable: all ten north rows, nothing else.
    const all = await indexes().query(nora, INDEX, {
      queryText: 'damage',
      numResults: 100,
      columns: ['region'],
    });
    expect(all.rows).toHaveLength(10);
    expect(new Set(all.rows.map((r) => r[0]))).toEqual(new Set(['north']));
  });

  it('answers repeated queries from earlier re-reads, yet follows a group change at once, both ways', async () => {
    const ask = async () =>
      (
        await indexes().query(nora, INDEX, {
          queryText: 'basement flood water damage',
          numResults: 3,
          columns: ['id', 'region', 'secret'],
        })
      ).rows.map((r) => `${r[0]} ${r[1]} ${r[2]}`);
    const asTeam = await ask();
    expect(await ask()).toEqual(asTeam);
    expect(asTeam.every((row) => row.endsWith('north ***'))).toBe(true);
    await world.base.catalog.identity.addMember('auditors', 'nora', world.admin.principalId);
    try {
      const asAuditor = await ask();
      expect(asAuditor.every((row) => / south SECRET-\d+$/.test(row))).toBe(true);
    } finally {
      await world.base.catalog.identity.removeMember('auditors', 'nora', world.admin.principalId);
    }
    expect(await ask()).toEqual(asTeam);
  });

  it('never lets a filter on a masked column reveal the unmasked value', async () => {
    const probe = (secret: string) =>
      indexes().query(sam, INDEX, { queryText: 'flood', numResults: 5, filters: { secret } });
    expect((await probe('SECRET-1')).rows).toEqual([]);
    expect((await probe('no-such-secret')).rows).toEqual([]);
    // The owner (an auditor) sees the value and matches it.
    expect(
      (await indexes().query(owner, INDEX, { queryText: 'flood', filters: { secret: 'SECRET-1' } })).rows,
    ).toHaveLength(1);
  });

  it('needs QUERY or SELECT on the index and SELECT on the source table, and forgets a revoked SELECT at once', async () => {
    await expect(indexes().query(quinn, INDEX, { queryText: 'flood' })).rejects.toMatchObject({
      code: 'AUTH_PERMISSION_DENIED',
    });
    const stranger = await world.base.user('stranger');
    const hidden = await indexes()
      .query(stranger, INDEX, { queryText: 'flood' })
      .catch((e: Error) => e);
    const missing = await indexes()
      .query(stranger, 'main.claims.nope', { queryText: 'flood' })
      .catch((e: Error) => e);
    expect(hidden).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    expect((hidden as Error).message.replace(INDEX, 'X')).toBe(
      (missing as Error).message.replace('main.claims.nope', 'X'),
    );
    expect((await indexes().query(sam, INDEX, { queryText: 'flood', numResults: 1 })).rows).toHaveLength(1);
    await world.revoke('sam', 'table', TABLE, 'SELECT');
    await expect(indexes().query(sam, INDEX, { queryText: 'flood' })).rejects.toMatchObject({
      code: 'AUTH_PERMISSION_DENIED',
    });
    await world.grant('sam', 'table', TABLE, 'SELECT');
  });

  it('returns nothing it cannot match: a caller who sees the primary key masked gets no rows', async () => {
    const { data, admin, base } = world;
    const table = 'main.claims.masked_keys';
    await data.tables.create(admin, table, {
      columns: [
        { name: 'id', type: 'LONG' },
        { name: 'note', type: 'STRING' },
      ],
    });
    await data.tables.write(admin, table, {
      mode: 'append',
      source: { kind: 'rows', rows: [1, 2, 3].map((id) => ({ id, note: `Storm damage report ${id}` })) },
    });
    await base.catalog.securables.setColumnMask(
      admin,
      table,
      'id',
      `CASE WHEN is_member('auditors') THEN id ELSE NULL END`,
    );
    await world.grant('nora', 'table', table, 'SELECT');
    await indexes().create(owner, {
      name: 'main.claims.masked_keys_idx',
      indexType: 'DELTA_SYNC',
      primaryKey: 'id',
      deltaSync: {
        sourceTable: table,
        embeddingSourceColumns: [{ name: 'note', embeddingModelEndpointName: 'local/embed' }],
      },
    });
    await indexes().idle();
    await world.grant('nora', 'vector_index', 'main.claims.masked_keys_idx', 'QUERY');
    const asOwner = await indexes().query(owner, 'main.claims.masked_keys_idx', { queryText: 'storm' });
    expect(asOwner.rows).toHaveLength(3);
    const asNora = await indexes().query(nora, 'main.claims.masked_keys_idx', { queryText: 'storm' });
    expect(asNora.rows).toEqual([]);
    await indexes().delete(owner, 'main.claims.masked_keys_idx');
  });

  it('finds the index by its engine name with the same checks', async () => {
    const { securable } = await indexes().get(owner, INDEX);
    const result = await indexes().query(nora, securable.id, {
      queryText: 'hail',
      numResults: 2,
      columns: ['region'],
    });
    expect(result.rows.map((r) => r[0])).toEqual(['north', 'north']);
    const stranger = await world.base.user('stranger2');
    await expect(indexes().query(stranger, securable.id, { queryText: 'hail' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.not.stringContaining(INDEX),
    });
  });

  it('audits each query with the keys returned, never the query text or values', async () => {
    await indexes().query(nora, INDEX, { queryText: 'kitchen smoke', numResults: 2, requestId: 'r-1' });
    await world.base.catalog.audit.flush();
    const page = await world.base.catalog.audit.query({
      action: 'vector_index.query',
      principalId: nora.principalId,
    });
    const record = page.records.find((r) => Array.isArray(r.params.ids) && r.params.returned === 2);
    expect(record).toBeDefined();
    expect(record?.params).toMatchObject({ query_type: 'ANN', num_results: 2 });
    expect(JSON.stringify(record)).not.toMatch(/kitchen|smoke|SECRET/i);
  });
});

describe('incremental sync', () => {
  it('re-embeds only changed rows, removes deleted ones, and follows an overwrite', async () => {
    const { data, admin, models } = world;
    const before = models.documentTexts;
    await data.tables.write(admin, TABLE, {
      mode: 'merge',
      keys: ['id'],
      source: { kind: 'rows', rows: [{ ...rowOf(40), note: 'Volcano ash covered the garden shed' }] },
    });
    await indexes().idle();
    expect(models.documentTexts - before).toBe(1);
    const ash = await indexes().query(owner, INDEX, {
      queryText: 'volcano ash',
      numResults: 1,
      columns: ['id'],
    });
    expect(ash.rows[0]![0]).toBe(40);
    await data.tables.write(admin, TABLE, {
      mode: 'append',
      source: { kind: 'rows', rows: [rowOf(41), rowOf(42)] },
    });
    await indexes().idle();
    expect(models.documentTexts - before).toBe(3);
    // An overwrite keeps rows 1..20: 22 rows leave the index.
    await data.tables.write(admin, TABLE, {
      mode: 'overwrite',
      source: { kind: 'rows', rows: Array.from({ length: 20 }, (_, i) => rowOf(i + 1)) },
    });
    await indexes().idle();
    const info = await indexes().get(owner, INDEX);
    expect(info.status).toMatchObject({ state: 'ONLINE', rowsIndexed: 20, lastSyncedVersion: 4 });
    const rest = await indexes().query(owner, INDEX, {
      queryText: 'water',
      numResults: 100,
      columns: ['id'],
    });
    expect(rest.rows.map((r) => Number(r[0])).every((id) => id <= 20)).toBe(true);
  });

  it('surfaces a failed embedding in the status and recovers on the next sync', async () => {
    const { data, admin, models } = world;
    models.failWith = 'embedding service down';
    await data.tables.write(admin, TABLE, { mode: 'append', source: { kind: 'rows', rows: [rowOf(50)] } });
    await indexes().idle();
    const failed = await indexes().get(owner, INDEX);
    expect(failed.status).toMatchObject({
      state: 'FAILED',
      lastError: 'embedding service down',
      lastSyncedVersion: 4,
    });
    models.failWith = undefined;
    const recovered = await indexes().syncNow(owner, INDEX);
    expect(recovered.status).toMatchObject({
      state: 'ONLINE',
      lastError: null,
      lastSyncedVersion: 5,
      rowsIndexed: 21,
    });
    await expect(indexes().syncNow(nora, INDEX)).rejects.toMatchObject({ code: 'AUTH_PERMISSION_DENIED' });
  });

  it('coalesces a burst of writes into few syncs', async () => {
    const { data, admin } = world;
    const writes = [];
    for (let id = 60; id < 70; id++) {
      writes.push(
        data.tables.write(admin, TABLE, { mode: 'append', source: { kind: 'rows', rows: [rowOf(id)] } }),
      );
    }
    await Promise.all(writes);
    await indexes().idle();
    const info = await indexes().get(owner, INDEX);
    expect(info.status).toMatchObject({ state: 'ONLINE', rowsIndexed: 31, lastSyncedVersion: 15 });
  });
});

describe('direct access', () => {
  const DIRECT = 'main.claims.direct_idx';

  it('upserts, queries with vectors and filters, and deletes by key', async () => {
    const created = await indexes().create(owner, {
      name: DIRECT,
      indexType: 'DIRECT_ACCESS',
      primaryKey: 'pk',
      directAccess: {
        embeddingVectorColumns: [{ name: 'vec', embeddingDimension: 3 }],
        schema: { pk: 'string', vec: 'array<float>', colour: 'string', size: 'int' },
      },
    });
    expect(created.status.state).toBe('ONLINE');
    const rows = [
      { pk: 'a', vec: [1, 0, 0], colour: 'red', size: 1 },
      { pk: 'b', vec: [0.9, 0.1, 0], colour: 'blue', size: 2 },
      { pk: 'c', vec: [0, 0, 1], colour: 'red', size: 3 },
    ];
    expect(await indexes().upsert(owner, DIRECT, rows)).toEqual({ successRowCount: 3 });
    const near = await indexes().query(owner, DIRECT, { queryVector: [1, 0, 0], numResults: 2 });
    expect(near.columns).toEqual(['pk', 'colour', 'size', 'score']);
    expect(near.rows.map((r) => r[0])).toEqual(['a', 'b']);
    const red = await indexes().query(owner, DIRECT, {
      queryVector: [1, 0, 0],
      filters: { colour: 'red', 'size >': 1 },
    });
    expect(red.rows.map((r) => r[0])).toEqual(['c']);
    // One bad row: nothing is written.
    await expect(
      indexes().upsert(owner, DIRECT, [
        { pk: 'd', vec: [1, 0, 0] },
        { pk: 'e', vec: [1, 0] },
      ]),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      indexes().upsert(owner, DIRECT, [{ pk: 'f', vec: [1, 0, 0], nope: 1 }]),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await indexes().get(owner, DIRECT)).status.rowsIndexed).toBe(3);
    expect(await indexes().deleteRows(owner, DIRECT, ['a', 'zz'])).toEqual({ successRowCount: 1 });
    await expect(indexes().upsert(nora, DIRECT, rows)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(indexes().upsert(owner, INDEX, rows)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await indexes().delete(owner, DIRECT);
    await expect(indexes().get(owner, DIRECT)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
