// The re-read pool on a real DuckDB: connections and prepared statements are reused, concurrent reads get
// connections of their own, a connection whose work failed is never handed out again, and after close every
// read still works on a connection of its own.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataEngine } from '../../data/index.js';
import { type ReadConnection, ReadConnections } from './read-connections.js';

let home: string;
let engine: DataEngine;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lakegate-reads-'));
  engine = await DataEngine.open({ path: ':memory:', stagingDir: join(home, 'staging') });
  await engine.withConnection((c) => c.run('CREATE TABLE t AS SELECT range AS id FROM range(100)'));
});
afterAll(async () => {
  await engine.close();
  rmSync(home, { recursive: true, force: true });
});

const SQL = 'SELECT id FROM t WHERE id IN (SELECT unnest($keys)) ORDER BY id';

async function readIds(read: ReadConnection, keys: number[], sql = SQL): Promise<number[]> {
  const statement = await read.prepared(sql);
  statement.bind({ keys: listValue(keys) });
  return (await statement.runAndReadAll()).getRowsJson().map(([id]) => Number(id));
}

describe('ReadConnections', () => {
  it('reuses one connection and its prepared statement for reads one after another', async () => {
    const pool = new ReadConnections(engine);
    const seen = new Set<ReadConnection>();
    const statements = new Set<unknown>();
    for (const keys of [[1, 2], [3], [99, 7, 1000]]) {
      const ids = await pool.use(async (read) => {
        seen.add(read);
        statements.add(await read.prepared(SQL));
        return readIds(read, keys);
      });
      expect(ids).toEqual(keys.filter((k) => k < 100).sort((a, b) => a - b));
    }
    expect(seen.size).toBe(1);
    expect(statements.size).toBe(1);
    pool.close();
  });

  it('gives concurrent reads connections of their own and keeps at most maxIdle of them', async () => {
    const pool = new ReadConnections(engine, { maxIdle: 2 });
    const used: ReadConnection[] = [];
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        pool.use(async (read) => {
          used.push(read);
          await new Promise((resolve) => setTimeout(resolve, 20));
          return readIds(read, [i]);
        }),
      ),
    );
    expect(new Set(used).size).toBe(4);
    const after = new Set<ReadConnection>();
    await Promise.all([0, 1, 2].map(() => pool.use(async (read) => after.add(read))));
    // Two came back from the pool; the third is new.
    expect([...after].filter((read) => used.includes(read))).toHaveLength(2);
    pool.close();
  });

  it('never hands out a connection whose work failed', async () => {
    const pool = new ReadConnections(engine);
    let failed: ReadConnection | undefined;
    await expect(
      pool.use(async (read) => {
        failed = read;
        await read.prepared('SELECT * FROM no_such_table');
      }),
    ).rejects.toThrow(/no_such_table/);
    const next = await pool.use(async (read) => read);
    expect(next).not.toBe(failed);
    pool.close();
  });

  it('drops the least recently used statement beyond maxStatements', async () => {
    const pool = new ReadConnections(engine, { maxStatements: 2 });
    await pool.use(async (read) => {
      const a = await read.prepared('SELECT 1');
      const b = await read.prepared('SELECT 2');
      expect(await read.prepared('SELECT 1')).toBe(a);
      await read.prepared('SELECT 3');
      // "SELECT 2" was the least recently used: prepared again, as a new statement.
      expect(await read.prepared('SELECT 2')).not.toBe(b);
      expect(await read.prepared('SELECT 3')).toBeDefined();
    });
    pool.close();
  });

  it('after close, still reads, each time on a connection of its own', async () => {
    const pool = new ReadConnections(engine);
    const before = await pool.use(async (read) => read);
    pool.close();
    const first = await pool.use(async (read) => ({ read, ids: await readIds(read, [5, 6]) }));
    const second = await pool.use(async (read) => read);
    expect(first.ids).toEqual([5, 6]);
    expect(first.read).not.toBe(before);
    expect(second).not.toBe(first.read);
  });
});
