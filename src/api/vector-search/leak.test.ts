// The leak suite for vector indexes, over HTTP on a real server: callers in different groups query one
// index synced from a table with a row filter (each team its region) and a mask (ssn), every way there is
// (ANN, HYBRID, FULL_TEXT; with and without filters; num_results beyond what they may read; a query vector
// equal to a forbidden row's; by full name and by engine index name). Nobody may ever receive a row
// outside its filter or an unmasked value; "not found or no permission" must not reveal existence; QUERY
// on the index without SELECT on the table reads nothing; a revoked SELECT takes effect at once; and a
// sync that failed (the owner lost access to the embedding model) surfaces and recovers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, userWithKey } from '../../../test/support/catalog-rest.js';
import { TEST_KEY } from '../../../test/support/lakegate-harness.js';
import { TABLES_PREFIX } from '../tables/table-data-routes.js';
import {
  type ClaimRow,
  claimRows,
  createClaimsIndex,
  INDEX,
  ok,
  startVectorWorld,
  TABLE,
  type VectorWorld,
  VS,
} from './test-support.js';

let world: VectorWorld;
let indexId: string;
let ed: Call;
/** The table's rows as they are now, by id (the truth every answer is checked against). */
const truth = new Map<number, ClaimRow>(claimRows().map((row) => [row.id, row]));

interface QueryReply {
  manifest: { columns: Array<{ name: string }> };
  result: { row_count: number; data_array: unknown[][] };
}

beforeAll(async () => {
  world = await startVectorWorld();
  const created = await createClaimsIndex(world);
  indexId = String(created.index_id);
  // ed has SELECT on the table and QUERY on the index, but is in no group: the row filter leaves him nothing.
  const user = await userWithKey(world.admin, 'ed');
  ed = client(world.lakegate.url, user.token);
  await world.grant('ed', 'serving_endpoint', 'local', 'QUERY');
  await world.grant('ed', 'catalog', 'ins', 'USE_CATALOG');
  await world.grant('ed', 'schema', 'ins.claims', 'USE_SCHEMA');
  await world.grant('ed', 'table', TABLE, 'SELECT');
  await world.grant('ed', 'vector_index', INDEX, 'QUERY');
}, 60_000);
afterAll(() => world?.close());

const ALL_COLUMNS = ['id', 'region', 'note', 'ssn', 'amount'];

/** Checks one answer row by row against the truth for a caller who may see `regions`, masked unless auditor. */
function checkRows(reply: QueryReply, regions: ReadonlySet<string>, auditor: boolean): number[] {
  const names = reply.manifest.columns.map((c) => c.name);
  const ids: number[] = [];
  for (const row of reply.result.data_array) {
    const value = (name: string) => row[names.indexOf(name)];
    const id = Number(value('id'));
    const real = truth.get(id);
    expect(real, `row ${id} is not in the table`).toBeDefined();
    expect(regions.has(real!.region), `row ${id} (${real!.region}) is outside the filter`).toBe(true);
    if (names.includes('region')) expect(value('region')).toBe(real!.region);
    if (names.includes('note')) expect(value('note')).toBe(real!.note);
    if (names.includes('ssn')) expect(value('ssn')).toBe(auditor ? real!.ssn : '***');
    // An unmasked value never appears anywhere in a non-auditor's answer.
    if (!auditor) expect(JSON.stringify(row)).not.toMatch(/SSN-\d+/);
    ids.push(id);
  }
  return ids;
}

async function query(caller: Call, body: Record<string, unknown>, index = INDEX): Promise<QueryReply> {
  return ok<QueryReply>(caller('POST', `${VS}/indexes/${index}/query`, { columns: ALL_COLUMNS, ...body }));
}

const QUERY_SHAPES: Array<Record<string, unknown>> = [
  { query_text: 'basement flood river water', query_type: 'ANN' },
  { query_text: 'basement flood river water', query_type: 'HYBRID' },
  { query_text: 'basement flood river water', query_type: 'FULL_TEXT' },
  { query_text: 'kitchen fire smoke', query_type: 'ANN', filters_json: '{"region": "south"}' },
  { query_text: 'flood', query_type: 'HYBRID', filters_json: '{"region NOT": "north"}' },
  { query_text: 'flood', query_type: 'FULL_TEXT', filters_json: '{"amount >=": 0}' },
  { query_text: 'flood', query_type: 'ANN', filters_json: '{"ssn LIKE": "SSN-10"}' },
  { query_text: 'flood', query_type: 'ANN', filters_json: '{"ssn": "SSN-1001"}' },
  { query_text: 'flood', query_type: 'HYBRID', filters_json: '{"id": [1, 2, 3, 25, 26]}' },
];

describe('rows outside the row filter and unmasked values never come back', () => {
  it('for every caller, query type and filter, by full name and by engine index name', async () => {
    const callers: Array<[string, Call, Set<string>, boolean]> = [
      ['nora', world.as.nora, new Set(['north']), false],
      ['sam', world.as.sam, new Set(['south']), false],
      ['ed', ed, new Set<string>(), false],
      ['owner', world.as.owner, new Set(['north', 'south']), true],
    ];
    for (const [who, caller, regions, auditor] of callers) {
      for (const shape of QUERY_SHAPES) {
        for (const index of [INDEX, indexId]) {
          for (const num_results of [1, 5, 100]) {
            const reply = await query(caller, { ...shape, num_results }, index);
            const ids = checkRows(reply, regions, auditor);
            expect(ids.length, `${who} ${JSON.stringify(shape)}`).toBeLessThanOrEqual(num_results);
            // A filter on the masked column is checked on what the caller sees ('***'): it can never tell
            // a caller which rows hold a value.
            if (!auditor && String(shape.filters_json).includes('ssn')) expect(ids).toEqual([]);
          }
        }
      }
    }
  });

  it('fills num_results from readable rows, and gives no more than exist', async () => {
    // 24 south flood rows outrank the 3 north flood rows: nora still gets 3 north rows.
    const three = await query(world.as.nora, { query_text: 'basement flood river water', num_results: 3 });
    expect(checkRows(three, new Set(['north']), false).sort((a, b) => a - b)).toEqual([25, 26, 27]);
    for (const query_type of ['ANN', 'HYBRID', 'FULL_TEXT']) {
      const all = await query(world.as.nora, {
        query_text: 'damage flood fire basement',
        query_type,
        num_results: 1000,
      });
      const ids = checkRows(all, new Set(['north']), false);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id) => truth.get(id)!.region === 'north')).toBe(true);
    }
    expect((await query(ed, { query_text: 'flood', num_results: 1000 })).result.row_count).toBe(0);
  });

  it('a query vector equal to a forbidden row’s vector finds only readable rows', async () => {
    const forbidden = truth.get(3)!;
    const embedding = await ok<{ data: Array<{ embedding: number[] }> }>(
      client(world.lakegate.url, TEST_KEY)('POST', '/v1/embeddings', {
        model: 'local/embed',
        input: forbidden.note,
      }),
    );
    const vector = embedding.data[0]!.embedding;
    // The attack is real: for someone who may read it, that row is the top hit.
    const owner = await query(world.as.owner, { query_vector: vector, num_results: 1 });
    expect(owner.result.data_array[0]![0]).toBe(3);
    for (const filters of [undefined, '{"id": 3}', '{"region": "south"}']) {
      const reply = await query(world.as.nora, {
        query_vector: vector,
        num_results: 10,
        ...(filters ? { filters_json: filters } : {}),
      });
      const ids = checkRows(reply, new Set(['north']), false);
      expect(ids).not.toContain(3);
      if (filters) expect(ids).toEqual([]);
    }
  });
});

describe('authorisation', () => {
  it('says the same NOT_FOUND for an index that exists but is invisible and one that does not exist', async () => {
    const stranger = world.as.stranger;
    for (const [present, absent] of [
      [INDEX, 'ins.claims.no_such_index'],
      [indexId, 'vix_000000000000000000000000'],
    ] as const) {
      for (const [method, suffix, body] of [
        ['POST', '/query', { query_text: 'flood' }],
        ['GET', '', undefined],
        ['POST', '/sync', {}],
        ['DELETE', '', undefined],
      ] as const) {
        const a = await stranger(method, `${VS}/indexes/${present}${suffix}`, body);
        const b = await stranger(method, `${VS}/indexes/${absent}${suffix}`, body);
        expect(a.status).toBe(404);
        expect(b.status).toBe(404);
        expect(a.body.error_code).toBe(b.body.error_code);
        expect(String(a.body.message).replace(present, 'X')).toBe(
          String(b.body.message).replace(absent, 'X'),
        );
      }
    }
    expect(await ok(stranger('GET', `${VS}/indexes`))).toEqual({ vector_indexes: [] });
  });

  it('QUERY on the index without SELECT on the table reads nothing, by either name', async () => {
    for (const index of [INDEX, indexId]) {
      const reply = await world.as.quinn('POST', `${VS}/indexes/${index}/query`, { query_text: 'flood' });
      expect(reply).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
      expect(JSON.stringify(reply.body)).not.toMatch(/flood|SSN/i);
    }
  });

  it('takes a revoked SELECT on the table into account at once, and a new grant too', async () => {
    const before = await query(world.as.sam, { query_text: 'flood', num_results: 2 });
    expect(before.result.row_count).toBe(2);
    await world.revoke('sam', 'table', TABLE, 'SELECT');
    expect((await world.as.sam('POST', `${VS}/indexes/${INDEX}/query`, { query_text: 'flood' })).status).toBe(
      403,
    );
    await world.grant('sam', 'table', TABLE, 'SELECT');
    expect((await query(world.as.sam, { query_text: 'flood', num_results: 2 })).result.row_count).toBe(2);
    // Revoking QUERY on the index: the index disappears for sam.
    await world.revoke('sam', 'vector_index', INDEX, 'QUERY');
    expect((await world.as.sam('POST', `${VS}/indexes/${INDEX}/query`, { query_text: 'flood' })).status).toBe(
      404,
    );
    await world.grant('sam', 'vector_index', INDEX, 'QUERY');
  });
});

describe('syncs under governance', () => {
  it('follows updates, deletes and overwrites, and never shows a row after it left the table', async () => {
    const write = (body: unknown) => ok(world.admin('POST', `${TABLES_PREFIX}/${TABLE}/rows`, body));
    // Row 26 moves north → south: nora must stop seeing it, sam must start.
    const moved = {
      ...truth.get(26)!,
      region: 'south' as const,
      note: 'Moved claim about a collapsed garage roof',
    };
    await write({ mode: 'merge', keys: ['id'], rows: [moved] });
    truth.set(26, moved);
    await world.settled();
    const garage = { query_text: 'collapsed garage roof', num_results: 1 };
    expect(checkRows(await query(world.as.sam, garage), new Set(['south']), false)).toEqual([26]);
    expect(checkRows(await query(world.as.nora, garage), new Set(['north']), false)).not.toContain(26);
    // An overwrite without the south rows 1..10: they leave the index for everyone.
    const kept = [...truth.values()].filter((row) => row.id > 10);
    await write({ mode: 'overwrite', rows: kept });
    for (let id = 1; id <= 10; id++) truth.delete(id);
    const info = await world.settled();
    expect(info).toMatchObject({
      status: { indexed_row_count: kept.length },
      sync_status: { state: 'ONLINE' },
    });
    const owner = await query(world.as.owner, { query_text: 'basement flood', num_results: 1000 });
    expect(checkRows(owner, new Set(['north', 'south']), true).every((id) => id > 10)).toBe(true);
  });

  it('reports a sync that failed because the owner lost the embedding model, and recovers', async () => {
    await world.revoke('olga', 'serving_endpoint', 'local', 'QUERY');
    await ok(
      world.admin('POST', `${TABLES_PREFIX}/${TABLE}/rows`, {
        mode: 'append',
        rows: [{ id: 200, region: 'north', note: 'Lightning split the oak tree', ssn: 'SSN-200', amount: 5 }],
      }),
    );
    truth.set(200, {
      id: 200,
      region: 'north',
      note: 'Lightning split the oak tree',
      ssn: 'SSN-200',
      amount: 5,
    });
    const failed = await world.settled();
    expect(failed).toMatchObject({
      status: { detailed_state: 'ONLINE_PIPELINE_FAILED' },
      sync_status: { state: 'FAILED', last_error: expect.any(String) },
    });
    expect(JSON.stringify(failed)).not.toMatch(/Lightning/);
    await world.grant('olga', 'serving_endpoint', 'local', 'QUERY');
    await ok(world.as.owner('POST', `${VS}/indexes/${INDEX}/sync`, {}));
    const recovered = await world.settled();
    expect(recovered).toMatchObject({ sync_status: { state: 'ONLINE', last_error: null } });
    const oak = await query(world.as.nora, { query_text: 'lightning oak tree', num_results: 1 });
    expect(checkRows(oak, new Set(['north']), false)).toEqual([200]);
  });
});
