// The incremental consumer's view of a table (vector index sync): which keys changed or went away after
// a version, found through the version column and the history table, and a commit listener per write.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableCommit } from './governed-tables.js';
import { type TablesFixture, tablesFixture } from './test-support.js';

let fx: TablesFixture;

beforeAll(async () => {
  fx = await tablesFixture({ retainVersions: 3 });
});
afterAll(async () => {
  await fx.close();
});

const rows = (...ids: Array<[number, string]>) => ({
  kind: 'rows' as const,
  rows: ids.map(([id, note]) => ({ id, note })),
});

describe('changesSince and onCommitted', () => {
  it('lists keys written and displaced after a version, and tells listeners of each commit', async () => {
    const commits: TableCommit[] = [];
    const stop = fx.tables.onCommitted((commit) => commits.push(commit));
    const table = await fx.tables.create(fx.admin, 'main.sales.changes', {
      columns: [
        { name: 'id', type: 'LONG' },
        { name: 'note', type: 'STRING' },
      ],
    });
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: rows([1, 'a'], [2, 'b'], [3, 'c']),
    });
    expect(await fx.tables.changesSince(table, 'id', 0)).toEqual({
      version: 1,
      changedKeys: expect.arrayContaining(['1', '2', '3']),
      removedKeys: [],
    });
    // v2 updates 2 and adds 4 (merge); both keys changed, 2 also displaced.
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'merge',
      keys: ['id'],
      source: rows([2, 'b2'], [4, 'd']),
    });
    const sinceOne = await fx.tables.changesSince(table, 'ID', 1);
    expect(sinceOne?.version).toBe(2);
    expect([...(sinceOne?.changedKeys ?? [])].sort()).toEqual(['2', '4']);
    expect(sinceOne?.removedKeys).toEqual(['2']);
    expect(await fx.tables.changesSince(table, 'id', 2)).toEqual({
      version: 2,
      changedKeys: [],
      removedKeys: [],
    });
    // v3 overwrites with only 4: everything old is displaced.
    await fx.tables.write(fx.admin, table.fullName, { mode: 'overwrite', source: rows([4, 'd']) });
    const sinceTwo = await fx.tables.changesSince(table, 'id', 2);
    expect(sinceTwo?.changedKeys).toEqual(['4']);
    expect([...(sinceTwo?.removedKeys ?? [])].sort()).toEqual(['1', '2', '3', '4']);
    expect(commits.map((c) => [c.tableId, c.fullName, c.version])).toEqual([
      [table.id, 'main.sales.changes', 1],
      [table.id, 'main.sales.changes', 2],
      [table.id, 'main.sales.changes', 3],
    ]);
    stop();
    await fx.tables.write(fx.admin, table.fullName, { mode: 'append', source: rows([5, 'e']) });
    expect(commits).toHaveLength(3);
  });

  it('says undefined once the kept history no longer reaches back, and refuses an unknown column', async () => {
    const table = await fx.tables.create(fx.admin, 'main.sales.pruned', {
      columns: [
        { name: 'id', type: 'LONG' },
        { name: 'note', type: 'STRING' },
      ],
    });
    for (let i = 1; i <= 5; i++) {
      await fx.tables.write(fx.admin, table.fullName, { mode: 'overwrite', source: rows([i, 'x']) });
    }
    // retainVersions 3: versions 3..5 readable, so history is complete only after version 3.
    expect(await fx.tables.changesSince(table, 'id', 1)).toBeUndefined();
    // Version 4 displaced row 3 and version 5 row 4.
    expect([...((await fx.tables.changesSince(table, 'id', 3))?.removedKeys ?? [])].sort()).toEqual([
      '3',
      '4',
    ]);
    await expect(fx.tables.changesSince(table, 'nope', 3)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
