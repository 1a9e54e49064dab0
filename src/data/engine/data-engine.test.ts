import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataEngine } from './data-engine.js';

describe('DataEngine', () => {
  let home: string;
  let engine: DataEngine;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'lakegate-engine-'));
    engine = await DataEngine.open({ path: join(home, 'data.duckdb'), stagingDir: join(home, 'staging') });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(home, { recursive: true, force: true });
  });

  const run = (sql: string) =>
    engine.withConnection((c) => c.runAndReadAll(sql).then((r) => r.getRowObjectsJson()));

  it('reads files in the staging folder, and no others', async () => {
    writeFileSync(join(engine.stagingDir, 'in.csv'), 'a,b\n1,x\n');
    expect(await run(`SELECT * FROM read_csv('${engine.stagingDir}in.csv')`)).toEqual([{ a: '1', b: 'x' }]);
    writeFileSync(join(home, 'outside.csv'), 'secret\n1\n');
    await expect(run(`SELECT * FROM read_csv('${join(home, 'outside.csv')}')`)).rejects.toThrow(/disabled/);
    await expect(run(`SELECT * FROM '${engine.stagingDir}../outside.csv'`)).rejects.toThrow();
  });

  it('keeps its configuration locked and installs or loads no extension', async () => {
    await expect(run('SET enable_external_access=true')).rejects.toThrow(/locked/);
    await expect(run(`SET allowed_directories=['/']`)).rejects.toThrow(/locked/);
    await expect(run('INSTALL httpfs')).rejects.toThrow();
    await expect(run('LOAD httpfs')).rejects.toThrow();
  });

  it('rolls a failed transaction back', async () => {
    await run('CREATE TABLE t (x INTEGER)');
    await expect(
      engine.transaction(async (c) => {
        await c.run('INSERT INTO t VALUES (1)');
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect(await run('SELECT count(*)::INTEGER AS n FROM t')).toEqual([{ n: 0 }]);
  });

  it('stops a query that runs past its timeout', async () => {
    const slow = engine.withConnection((c) => c.run('SELECT count(*) FROM range(10000000000) a'), {
      timeoutMs: 100,
    });
    await expect(slow).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
  });

  it('stops a query when its caller goes away', async () => {
    const controller = new AbortController();
    const running = engine.withConnection((c) => c.run('SELECT count(*) FROM range(10000000000) a'), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
  });
});

describe('DataEngine leases stopped between statements', () => {
  it('refuses the next statement of work whose caller went away while it was idle', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lakegate-engine-'));
    const engine = await DataEngine.open({ path: ':memory:', stagingDir: join(home, 'staging') });
    const controller = new AbortController();
    let secondRan = false;
    const work = engine.withConnection(
      async (c) => {
        await c.run('SELECT 1');
        // The caller leaves while no statement is running: an interrupt alone would be forgotten.
        controller.abort();
        await c.run('SELECT 2');
        secondRan = true;
      },
      { signal: controller.signal },
    );
    await expect(work).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
    expect(secondRan).toBe(false);
    await engine.close();
    rmSync(home, { recursive: true, force: true });
  });
});
