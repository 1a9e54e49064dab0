import { beforeAll, describe, expect, it } from 'vitest';
import { client, LG, UC, userWithKey } from '../../test/support/catalog-rest.js';
import { TEST_KEY } from '../../test/support/lakegate-harness.js';
import { type Cli, cliAt, useLakegate } from './test-support.js';

describe('lakegate vs', () => {
  const lakegate = useLakegate();
  let admin: Cli;
  let ana: Cli;

  async function settled(): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const got = await admin('vs', 'get', 'ins.claims.notes_idx', '-o', 'json');
      const info = JSON.parse(got.stdout) as { sync_status: { state: string } };
      if (info.sync_status.state !== 'SYNCING') return info;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the index did not settle');
  }

  beforeAll(async () => {
    const { url } = lakegate.harness;
    const rest = client(url);
    admin = cliAt(url, TEST_KEY);
    await rest('POST', `${UC}/catalogs`, { name: 'ins' });
    await rest('POST', `${UC}/schemas`, { name: 'claims', catalog_name: 'ins' });
    const created = await admin(
      'sql',
      `CREATE TABLE ins.claims.notes AS SELECT * FROM (VALUES (1, 'EU', 'hail broke the roof tiles'), (2, 'US', 'hail dented the car roof'), (3, 'EU', 'a pipe burst in the kitchen')) v(id, region, note)`,
    );
    expect(created.code, created.stderr).toBe(0);
    await rest('PUT', `${LG}/tables/ins.claims.notes/row-filter`, { expression: `region = 'EU'` });
    ana = cliAt(url, (await userWithKey(rest, 'ana')).token);
    for (const [type, name, privileges] of [
      ['catalog', 'ins', ['USE_CATALOG']],
      ['schema', 'ins.claims', ['USE_SCHEMA', 'SELECT']],
      ['serving_endpoint', 'local', ['QUERY']],
    ] as const) {
      await rest('PATCH', `${UC}/permissions/${type}/${name}`, {
        changes: [{ principal: 'ana', add: [...privileges] }],
      });
    }
  }, 60_000);

  it('creates an index from a table, shows its status, and lists it', async () => {
    const made = await admin(
      'vs',
      'create',
      'ins.claims.notes_idx',
      '--source',
      'ins.claims.notes',
      '--primary-key',
      'id',
      '--text-column',
      'note',
    );
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout).toContain('Created vector index ins.claims.notes_idx');
    // The admin is in no group, so the row filter (region = 'EU') bounds what the owner indexes: 2 rows.
    expect(await settled()).toMatchObject({
      status: { indexed_row_count: 2 },
      sync_status: { state: 'ONLINE' },
    });
    const got = await admin('vs', 'get', 'ins.claims.notes_idx');
    expect(got.stdout).toMatch(/rows indexed:\s+2/);
    expect(got.stdout).toMatch(/source table:\s+ins\.claims\.notes/);
    const list = await admin('vs', 'list');
    expect(list.stdout).toMatch(/ins\.claims\.notes_idx\s+DELTA_SYNC\s+id/);
  });

  it('queries as the caller and prints a table with the score last', async () => {
    await client(lakegate.harness.url)('PATCH', `${UC}/permissions/vector_index/ins.claims.notes_idx`, {
      changes: [{ principal: 'ana', add: ['QUERY'] }],
    });
    const result = await ana(
      'vs',
      'query',
      'ins.claims.notes_idx',
      'hail roof',
      '-n',
      '5',
      '--columns',
      'id,region,note',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+REGION\s+NOTE\s+SCORE$/);
    expect(result.stdout).toContain('hail broke the roof tiles');
    expect(result.stdout).not.toContain('US');
    const filtered = await ana(
      'vs',
      'query',
      'ins.claims.notes_idx',
      'kitchen',
      '--filter',
      '{"id": 3}',
      '-o',
      'json',
    );
    expect(JSON.parse(filtered.stdout).result.data_array.map((r: unknown[]) => r[0])).toEqual([3]);
    const reranked = await ana(
      'vs',
      'query',
      'ins.claims.notes_idx',
      'hail roof',
      '--columns',
      'id,note',
      '--rerank',
      'local/rerank',
      '--rerank-columns',
      'note',
      '-o',
      'json',
    );
    const rows = JSON.parse(reranked.stdout).result.data_array as unknown[][];
    expect(String(rows[0]![1])).toContain('hail broke the roof tiles');
    expect(rows[0]![2] as number).toBeLessThan(1);
    expect((await ana('vs', 'query', 'ins.claims.notes_idx', 'x', '--rerank', 'local/rerank')).code).toBe(2);
  });

  it('syncs on demand, refuses bad usage (exit 2) and reports server errors (exit 1)', async () => {
    const synced = await admin('vs', 'sync', 'ins.claims.notes_idx');
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(/state:\s+ONLINE/);
    expect((await admin('vs', 'create', 'ins.claims.x', '--source', 'ins.claims.notes')).code).toBe(2);
    expect((await admin('vs', 'query', 'ins.claims.notes_idx', 'x', '--type', 'FUZZY')).code).toBe(2);
    expect((await admin('vs', 'query', 'ins.claims.notes_idx', 'x', '--filter', '{bad')).code).toBe(2);
    const missing = await ana('vs', 'get', 'ins.claims.nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    expect(await ana('vs', 'delete', 'ins.claims.notes_idx')).toMatchObject({ code: 1 });
    expect(await admin('vs', 'delete', 'ins.claims.notes_idx')).toMatchObject({ code: 0 });
    expect((await admin('vs', 'list')).stdout).not.toContain('notes_idx');
  });
});
