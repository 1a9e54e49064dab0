// GovernedTables against a real catalog and DuckDB on disk: creation with storage, the three write
// modes from rows, files and queries, each write one transaction with its version, time travel, and
// privileges and audit on every call.

import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Securable } from '../../catalog/index.js';
import { DataEngine } from '../engine/index.js';
import { GovernedTables } from './governed-tables.js';
import { rejection, type TablesFixture, tablesFixture } from './test-support.js';
import type { WriteRequest } from './types.js';

let fx: TablesFixture;
let counter = 0;

beforeAll(async () => {
  fx = await tablesFixture({ retainVersions: 5 });
});
afterAll(async () => {
  await fx.close();
});

const CLAIMS = [
  { name: 'id', type: 'LONG', nullable: false },
  { name: 'region', type: 'STRING' },
  { name: 'amount', type: 'DECIMAL(10,2)' },
  { name: 'filed', type: 'DATE' },
];

async function newTable(columns = CLAIMS): Promise<Securable> {
  return fx.tables.create(fx.admin, `main.sales.t${++counter}`, { columns });
}

async function read(table: Securable, at?: { version?: number; timestamp?: string }, order = 'id') {
  const relation = await fx.tables.relationFor(table, at);
  const columns = (await fx.tables.storedColumns(table)).map((c) => `"${c.name}"`).join(', ');
  return fx.query(`SELECT ${columns} FROM ${relation} ORDER BY ${order}`);
}

function file(name: string, content: string): string {
  const path = join(fx.home, name);
  writeFileSync(path, content);
  return path;
}

function stagingIsEmpty(): boolean {
  return readdirSync(fx.engine.stagingDir).length === 0;
}

describe('create', () => {
  it('registers the securable with its columns and creates storage named by id, at version 0', async () => {
    const table = await fx.tables.create(fx.admin, 'main.sales.claims', {
      columns: [...CLAIMS, { name: 'tags', type: 'array<string>', comment: 'labels' }],
      comment: 'claims',
      properties: { owner_team: 'claims' },
    });
    expect(table.details).toMatchObject({
      table_type: 'MANAGED',
      data_source_format: 'DELTA',
      properties: { owner_team: 'claims' },
      columns: [
        { name: 'id', type: 'LONG', type_text: 'LONG', type_name: 'LONG', position: 0, nullable: false },
        { name: 'region', type_text: 'STRING', type_name: 'STRING', position: 1, nullable: true },
        { name: 'amount', type_text: 'DECIMAL(10,2)', type_name: 'DECIMAL' },
        { name: 'filed', type_text: 'DATE' },
        {
          name: 'tags',
          type: 'ARRAY<STRING>',
          type_text: 'array<string>',
          type_name: 'ARRAY',
          comment: 'labels',
        },
      ],
    });
    expect(await fx.tables.relationFor(table)).toBe(`lakegate."${table.id}"`);
    const described = await fx.query(`DESCRIBE lakegate."${table.id}"`);
    expect(described.map((c) => [c.column_name, c.column_type, c.null])).toEqual([
      ['id', 'BIGINT', 'NO'],
      ['region', 'VARCHAR', 'YES'],
      ['amount', 'DECIMAL(10,2)', 'YES'],
      ['filed', 'DATE', 'YES'],
      ['tags', 'VARCHAR[]', 'YES'],
      ['_lg_version', 'BIGINT', 'NO'],
    ]);
    expect((await fx.tables.storedColumns(table)).map((c) => c.name)).toEqual([
      'id',
      'region',
      'amount',
      'filed',
      'tags',
    ]);
    const history = await fx.tables.history(fx.admin, 'main.sales.claims');
    expect(history).toMatchObject([{ version: 0, operation: 'CREATE TABLE', rowsTotal: 0, readable: true }]);
  });

  it('refuses bad columns before registering anything', async () => {
    const bad = async (columns: { name: string; type: string }[]) =>
      rejection(fx.tables.create(fx.admin, 'main.sales.bad', { columns }));
    expect(await bad([])).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await bad([{ name: 'x', type: 'VARCHAR2' }])).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('unknown type "varchar2"'),
    });
    expect(await bad([{ name: '_lg_version', type: 'INT' }])).toMatchObject({
      message: expect.stringContaining('reserved'),
    });
    expect(
      await bad([
        { name: 'a', type: 'INT' },
        { name: 'A', type: 'INT' },
      ]),
    ).toMatchObject({
      message: expect.stringContaining('twice'),
    });
    expect(await bad([{ name: 'a', type: 'DECIMAL(40,2)' }])).toMatchObject({
      message: expect.stringContaining('precision'),
    });
    expect(await rejection(fx.catalog.securables.get(fx.admin, 'table', 'main.sales.bad'))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('removes the securable again when the storage cannot be created', async () => {
    const closed = await DataEngine.open({ path: ':memory:', stagingDir: join(fx.home, 'other-staging') });
    await closed.close();
    const broken = new GovernedTables({ catalog: fx.catalog, engine: closed });
    await expect(broken.create(fx.admin, 'main.sales.orphan', { columns: CLAIMS })).rejects.toThrow();
    expect(await rejection(fx.catalog.securables.get(fx.admin, 'table', 'main.sales.orphan'))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('drops the securable and its storage', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'rows', rows: [{ id: 1 }] },
    });
    await fx.tables.drop(fx.admin, table.fullName);
    expect(
      await fx.query(`SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name LIKE '${table.id}%'`),
    ).toEqual([{ n: 0 }]);
    expect(
      await fx.query(`SELECT count(*)::INT AS n FROM lakegate.table_versions WHERE table_id = '${table.id}'`),
    ).toEqual([{ n: 0 }]);
    expect(await rejection(fx.tables.history(fx.admin, table.fullName))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('orphaned storage', () => {
  it('is reclaimed after its schema was deleted with force, and nothing else is', async () => {
    await fx.catalog.securables.createSchema(fx.admin, 'main.doomed');
    const doomed = await fx.tables.create(fx.admin, 'main.doomed.t', { columns: CLAIMS });
    const kept = await newTable();
    await fx.catalog.securables.delete(fx.admin, 'schema', 'main.doomed', { force: true });
    expect(await fx.tables.reclaimOrphans()).toEqual([doomed.id]);
    expect(
      await fx.query(`SELECT count(*)::INT AS n FROM duckdb_tables() WHERE table_name LIKE '${doomed.id}%'`),
    ).toEqual([{ n: 0 }]);
    expect(await fx.tables.hasStorage(kept)).toBe(true);
    expect(await fx.tables.reclaimOrphans()).toEqual([]);
  });
});

describe('writing rows', () => {
  it('appends typed rows as a new version with who, when and how many', async () => {
    const table = await newTable();
    const result = await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'rows',
        rows: [
          { id: 1, region: 'north', amount: 10.5, filed: '2024-01-02' },
          { id: '9007199254740993', region: 'south', amount: '99999999.99' },
        ],
      },
    });
    expect(result).toEqual({ version: 1, rowsAdded: 2, rowsRemoved: 0, rowsUpdated: 0, rowsTotal: 2 });
    expect(await read(table)).toEqual([
      { id: '1', region: 'north', amount: '10.50', filed: '2024-01-02' },
      { id: '9007199254740993', region: 'south', amount: '99999999.99', filed: null },
    ]);
    const [latest] = await fx.tables.history(fx.admin, table.fullName);
    expect(latest).toMatchObject({ version: 1, operation: 'WRITE', principal: fx.admin.name, rowsAdded: 2 });
    expect(Date.now() - Date.parse(latest!.timestamp)).toBeLessThan(60_000);
    expect(
      await fx.tables.write(fx.admin, table.fullName, { mode: 'append', source: { kind: 'rows', rows: [] } }),
    ).toEqual({ version: 2, rowsAdded: 0, rowsRemoved: 0, rowsUpdated: 0, rowsTotal: 2 });
    expect(stagingIsEmpty()).toBe(true);
  });

  it('refuses a bad value naming its row and column, and writes nothing', async () => {
    const table = await newTable();
    const write = (rows: Record<string, unknown>[]) =>
      rejection(
        fx.tables.write(fx.admin, table.fullName, { mode: 'append', source: { kind: 'rows', rows } }),
      );
    expect(await write([{ id: 1 }, { id: 2, amount: 'lots' }])).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'Row 2, column "amount" (DECIMAL(10,2)): expected a decimal number (DECIMAL(10,2)).',
    });
    expect((await write([{ id: 1, filed: '2024-02-30' }])).message).toContain('Row 1, column "filed"');
    expect((await write([{ id: 1.5 }])).message).toContain('whole number');
    expect((await write([{ id: 2 ** 60 }])).message).toContain('send it as a string');
    expect((await write([{ region: 'x' }])).message).toContain('NOT NULL');
    expect((await write([{ id: 1, regoin: 'x' }])).message).toContain('"regoin" is not a column');
    expect((await write([{ id: 1, amount: 123456789 }])).message).toContain('does not fit');
    expect((await write([{ id: 1, region: 5 }])).message).toContain('expected a string');
    expect(
      await rejection(
        fx.tables.write(fx.admin, table.fullName, { mode: 'append' } as unknown as WriteRequest),
      ),
    ).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('needs a source') });
    expect(
      await rejection(
        fx.tables.write(fx.admin, table.fullName, {
          mode: 'upsert',
          source: { kind: 'rows', rows: [] },
        } as unknown as WriteRequest),
      ),
    ).toMatchObject({ code: 'VALIDATION_FAILED', message: 'mode must be append, overwrite or merge.' });
    expect(await fx.tables.history(fx.admin, table.fullName)).toHaveLength(1);
    expect(await read(table)).toEqual([]);
    expect(stagingIsEmpty()).toBe(true);
  });

  it('stores every type, nested ones included, and reads instants without an offset as UTC', async () => {
    const table = await newTable([
      { name: 'id', type: 'INT' },
      { name: 'b', type: 'BOOLEAN' },
      { name: 'y', type: 'BYTE' },
      { name: 's', type: 'SHORT' },
      { name: 'f', type: 'FLOAT' },
      { name: 'd', type: 'DOUBLE' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'ntz', type: 'TIMESTAMP_NTZ' },
      { name: 'bin', type: 'BINARY' },
      { name: 'tags', type: 'ARRAY<STRING>' },
      { name: 'attrs', type: 'MAP<STRING,INT>' },
      { name: 'who', type: 'STRUCT<name:STRING,age:INT>' },
      { name: 'iv', type: 'INTERVAL' },
    ]);
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'rows',
        rows: [
          {
            id: 1,
            b: true,
            y: -5,
            s: 300,
            f: 1.5,
            d: 2.25,
            ts: '2024-05-01T12:30:00',
            ntz: '2024-05-01 12:30:00',
            bin: Buffer.from('hello').toString('base64'),
            tags: ['a', 'b'],
            attrs: { x: 1 },
            who: { name: 'Ann', age: 40 },
            iv: '2 days',
          },
        ],
      },
    });
    const relation = await fx.tables.relationFor(table);
    expect(
      await fx.query(
        `SELECT b, y, s, f, d, epoch(ts)::BIGINT AS ts, ntz::VARCHAR AS ntz, decode(bin) AS bin, tags, attrs['x'] AS x, who.name AS who, iv::VARCHAR AS iv FROM ${relation}`,
      ),
    ).toEqual([
      {
        b: true,
        y: -5,
        s: 300,
        f: 1.5,
        d: 2.25,
        ts: String(Date.parse('2024-05-01T12:30:00Z') / 1000),
        ntz: '2024-05-01 12:30:00',
        bin: 'hello',
        tags: ['a', 'b'],
        x: 1,
        who: 'Ann',
        iv: '2 days',
      },
    ]);
    const bad = await rejection(
      fx.tables.write(fx.admin, table.fullName, {
        mode: 'append',
        source: { kind: 'rows', rows: [{ id: 2, who: { name: 'Bo', height: 2 } }] },
      }),
    );
    expect(bad.message).toContain('Row 1, column "who"');
    expect(bad.message).toContain('no field "height"');
    const badNested = await rejection(
      fx.tables.write(fx.admin, table.fullName, {
        mode: 'append',
        source: { kind: 'rows', rows: [{ id: 2, attrs: { x: 'one' } }] },
      }),
    );
    expect(badNested.message).toContain('["x"]: expected a whole number');
  });
});

describe('overwrite, merge and time travel', () => {
  it('overwrites, keeping the previous versions readable by number and by time', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'rows',
        rows: [
          { id: 1, region: 'a' },
          { id: 2, region: 'b' },
        ],
      },
    });
    const afterFirst = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const result = await fx.tables.write(fx.admin, table.fullName, {
      mode: 'overwrite',
      source: { kind: 'rows', rows: [{ id: 3, region: 'c' }] },
    });
    expect(result).toEqual({ version: 2, rowsAdded: 1, rowsRemoved: 2, rowsUpdated: 0, rowsTotal: 1 });
    expect((await read(table)).map((r) => r.id)).toEqual(['3']);
    expect((await read(table, { version: 1 })).map((r) => r.id)).toEqual(['1', '2']);
    expect((await read(table, { version: 0 })).map((r) => r.id)).toEqual([]);
    expect((await read(table, { timestamp: afterFirst })).map((r) => r.id)).toEqual(['1', '2']);
    expect((await read(table, { version: 2 })).map((r) => r.id)).toEqual(['3']);
    expect(await rejection(fx.tables.relationFor(table, { version: 3 }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('the latest is 2'),
    });
    expect(
      await rejection(fx.tables.relationFor(table, { timestamp: '2000-01-01T00:00:00Z' })),
    ).toMatchObject({
      message: expect.stringContaining('did not exist yet'),
    });
  });

  it('merges: updates rows whose key matches and inserts the others', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'rows',
        rows: [
          { id: 1, region: 'a', amount: 1 },
          { id: 2, region: 'b', amount: 2 },
          { id: 3, region: 'c', amount: 3 },
        ],
      },
    });
    const result = await fx.tables.write(fx.admin, table.fullName, {
      mode: 'merge',
      keys: ['ID'],
      source: {
        kind: 'rows',
        rows: [
          { id: 2, region: 'B', amount: 20 },
          { id: 4, region: 'd', amount: 4 },
        ],
      },
    });
    expect(result).toEqual({ version: 2, rowsAdded: 1, rowsRemoved: 0, rowsUpdated: 1, rowsTotal: 4 });
    expect((await read(table)).map((r) => [r.id, r.region, r.amount])).toEqual([
      ['1', 'a', '1.00'],
      ['2', 'B', '20.00'],
      ['3', 'c', '3.00'],
      ['4', 'd', '4.00'],
    ]);
    expect((await read(table, { version: 1 })).map((r) => [r.id, r.region])).toEqual([
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ]);
    // Composite keys.
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'merge',
      keys: ['id', 'region'],
      source: {
        kind: 'rows',
        rows: [
          { id: 1, region: 'a', amount: 100 },
          { id: 1, region: 'z', amount: 7 },
        ],
      },
    });
    expect((await read(table, undefined, 'id, region')).map((r) => [r.id, r.region, r.amount])).toEqual([
      ['1', 'a', '100.00'],
      ['1', 'z', '7.00'],
      ['2', 'B', '20.00'],
      ['3', 'c', '3.00'],
      ['4', 'd', '4.00'],
    ]);
  });

  it('collapses rows the table holds twice under a merged key into the source row', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'rows',
        rows: [
          { id: 1, region: 'a' },
          { id: 1, region: 'b' },
          { id: 2, region: 'c' },
        ],
      },
    });
    const result = await fx.tables.write(fx.admin, table.fullName, {
      mode: 'merge',
      keys: ['id'],
      source: { kind: 'rows', rows: [{ id: 1, region: 'z' }] },
    });
    expect(result).toEqual({ version: 2, rowsAdded: 0, rowsRemoved: 1, rowsUpdated: 1, rowsTotal: 2 });
    expect((await read(table)).map((r) => [r.id, r.region])).toEqual([
      ['1', 'z'],
      ['2', 'c'],
    ]);
    expect((await read(table, { version: 1 }, 'id, region')).map((r) => r.region)).toEqual(['a', 'b', 'c']);
  });

  it('rejects duplicate or missing keys in the source, and bad key lists, writing nothing', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'rows', rows: [{ id: 1, region: 'a' }] },
    });
    const merge = (keys: string[] | undefined, rows: Record<string, unknown>[]) =>
      rejection(
        fx.tables.write(fx.admin, table.fullName, {
          mode: 'merge',
          ...(keys ? { keys } : {}),
          source: { kind: 'rows', rows },
        }),
      );
    expect(
      await merge(
        ['id'],
        [
          { id: 1, region: 'x' },
          { id: 1, region: 'y' },
        ],
      ),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The source has 2 rows with the same key (id="1"); a merge needs each key at most once.',
    });
    expect((await merge(['region'], [{ id: 5 }])).message).toContain('no value in a merge key');
    expect((await merge(undefined, [{ id: 5 }])).message).toContain('A merge needs keys');
    expect((await merge(['nope'], [{ id: 5 }])).message).toContain('"nope" is not a column');
    expect(await fx.tables.history(fx.admin, table.fullName)).toHaveLength(2);
    expect((await read(table)).map((r) => r.region)).toEqual(['a']);
  });

  it('leaves the table as it was when a merge fails half-way', async () => {
    const table = await newTable([
      { name: 'id', type: 'LONG', nullable: false },
      { name: 'amount', type: 'DOUBLE', nullable: false },
    ]);
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'rows',
        rows: [
          { id: 1, amount: 1 },
          { id: 2, amount: 2 },
        ],
      },
    });
    // Row 2 matches and is moved to history and deleted before its replacement fails NOT NULL.
    const path = file('half.csv', 'id,amount\n3,3\n2,\n');
    const error = await rejection(
      fx.tables.write(fx.admin, table.fullName, {
        mode: 'merge',
        keys: ['id'],
        source: { kind: 'file', path },
      }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('NOT NULL') });
    expect(error.message).toContain(table.fullName);
    expect(error.message).not.toContain(table.id);
    expect((await read(table)).map((r) => [r.id, r.amount])).toEqual([
      ['1', 1],
      ['2', 2],
    ]);
    expect(await fx.query(`SELECT count(*)::INT AS n FROM lakegate."${table.id}$history"`)).toEqual([
      { n: 0 },
    ]);
    expect(await fx.tables.history(fx.admin, table.fullName)).toHaveLength(2);
    expect(stagingIsEmpty()).toBe(true);
  });

  it('keeps the configured number of versions readable and prunes older history', async () => {
    const table = await newTable();
    for (let i = 1; i <= 7; i++) {
      await fx.tables.write(fx.admin, table.fullName, {
        mode: 'overwrite',
        source: { kind: 'rows', rows: [{ id: i }] },
      });
    }
    const history = await fx.tables.history(fx.admin, table.fullName);
    expect(history.map((v) => [v.version, v.readable])).toEqual([
      [7, true],
      [6, true],
      [5, true],
      [4, true],
      [3, true],
      [2, false],
      [1, false],
      [0, false],
    ]);
    expect((await read(table, { version: 3 })).map((r) => r.id)).toEqual(['3']);
    expect(await rejection(fx.tables.relationFor(table, { version: 2 }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('no longer kept; versions 3 to 7'),
    });
    // Only rows some kept version can see remain in the history table.
    expect(await fx.query(`SELECT count(*)::INT AS n FROM lakegate."${table.id}$history"`)).toEqual([
      { n: 4 },
    ]);
  });
});

describe('writing files and queries', () => {
  it('loads CSV by header names in any order, without a header by position, with another delimiter', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'file', path: file('a.csv', 'region,id,amount\nnorth,1,1.25\n"so,uth",2,\n') },
    });
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'file',
        path: file('b.data', '3;east;7.5;2024-03-04\n'),
        format: 'csv',
        options: { header: false, delimiter: ';' },
      },
    });
    const headerOnly = await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'file', path: file('empty.csv', 'id,region\n') },
    });
    expect(headerOnly).toMatchObject({ rowsAdded: 0, rowsTotal: 3 });
    expect((await read(table)).map((r) => [r.id, r.region, r.amount, r.filed])).toEqual([
      ['1', 'north', '1.25', null],
      ['2', 'so,uth', null, null],
      ['3', 'east', '7.50', '2024-03-04'],
    ]);
    expect(stagingIsEmpty()).toBe(true);
  });

  it('leaves no rows and no version when a CSV has a bad value at line N, and says which line', async () => {
    const table = await newTable();
    const lines = ['id,amount'];
    for (let i = 1; i <= 5000; i++) lines.push(i === 3210 ? `${i},not-a-number` : `${i},${i}.5`);
    const error = await rejection(
      fx.tables.write(fx.admin, table.fullName, {
        mode: 'append',
        source: { kind: 'file', path: file('claims.csv', `${lines.join('\n')}\n`) },
      }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('Line: 3211');
    expect(error.message).toContain('claims.csv');
    expect(error.message).not.toContain(fx.engine.stagingDir);
    expect(await read(table)).toEqual([]);
    expect(await fx.tables.history(fx.admin, table.fullName)).toHaveLength(1);
    expect(stagingIsEmpty()).toBe(true);
  });

  it('refuses a file column the table does not declare, an unknown format, and a missing file', async () => {
    const table = await newTable();
    const load = (path: string, format?: 'csv') =>
      rejection(
        fx.tables.write(fx.admin, table.fullName, {
          mode: 'append',
          source: { kind: 'file', path, ...(format ? { format } : {}) },
        }),
      );
    expect((await load(file('x.csv', 'id,colour\n1,red\n'))).message).toContain(
      '"colour" that the table does not declare',
    );
    expect((await load(file('x.xlsx', 'id\n1\n'))).message).toContain('Cannot tell the format');
    expect((await load(join(fx.home, 'missing.csv'))).message).toContain('cannot be read');
    expect(stagingIsEmpty()).toBe(true);
  });

  it('loads JSON, JSON lines and Parquet', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: {
        kind: 'file',
        path: file(
          'r.json',
          JSON.stringify([
            { id: 1, region: 'a' },
            { id: 2, amount: 2.5 },
          ]),
        ),
      },
    });
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'file', path: file('r.jsonl', '{"id": 3, "filed": "2024-01-01"}\n{"id": 4}\n') },
    });
    // A Parquet file written by a separate, unrestricted DuckDB.
    const parquet = join(fx.home, 'r.parquet');
    const writer = await DuckDBInstance.create(':memory:');
    const connection = await writer.connect();
    await connection.run(
      `COPY (SELECT 5::BIGINT AS id, 'p' AS region, 5.5::DOUBLE AS amount) TO '${parquet}' (FORMAT parquet)`,
    );
    connection.closeSync();
    writer.closeSync();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'file', path: parquet },
    });
    expect((await read(table)).map((r) => [r.id, r.region, r.amount, r.filed])).toEqual([
      ['1', 'a', null, null],
      ['2', null, '2.50', null],
      ['3', null, null, '2024-01-01'],
      ['4', null, null, null],
      ['5', 'p', '5.50', null],
    ]);
    expect(
      (
        await rejection(
          fx.tables.write(fx.admin, table.fullName, {
            mode: 'append',
            source: { kind: 'file', path: file('k.jsonl', '{"id": 3, "colour": "red"}\n') },
          }),
        )
      ).message,
    ).toContain('"colour"');
  });

  it('writes the result of server-generated SQL by position, also over the table itself', async () => {
    const source = await newTable();
    await fx.tables.write(fx.admin, source.fullName, {
      mode: 'append',
      source: {
        kind: 'rows',
        rows: [
          { id: 1, region: 'a', amount: 1 },
          { id: 2, region: 'b', amount: 2 },
        ],
      },
    });
    const target = await newTable([
      { name: 'region', type: 'STRING' },
      { name: 'total', type: 'DOUBLE' },
    ]);
    const from = await fx.tables.relationFor(source);
    const result = await fx.tables.write(fx.admin, target.fullName, {
      mode: 'append',
      source: { kind: 'query', sql: `SELECT region, sum(amount) * 2 FROM ${from} GROUP BY region` },
    });
    expect(result.rowsAdded).toBe(2);
    expect(await read(target, undefined, 'region')).toEqual([
      { region: 'a', total: 2 },
      { region: 'b', total: 4 },
    ]);
    const self = await fx.tables.relationFor(target);
    await fx.tables.write(fx.admin, target.fullName, {
      mode: 'overwrite',
      source: { kind: 'query', sql: `SELECT upper(region), total + 1 FROM ${self}` },
    });
    expect(await read(target, undefined, 'region')).toEqual([
      { region: 'A', total: 3 },
      { region: 'B', total: 5 },
    ]);
    expect(
      (
        await rejection(
          fx.tables.write(fx.admin, target.fullName, {
            mode: 'append',
            source: { kind: 'query', sql: 'SELECT 1' },
          }),
        )
      ).message,
    ).toContain('yields 1 columns and the table has 2');
  });
});

describe('governance', () => {
  let owner: Actor;
  let reader: Actor;
  let stranger: Actor;
  let table: Securable;

  beforeAll(async () => {
    [owner, reader, stranger] = await Promise.all([
      fx.user('tbl_owner'),
      fx.user('tbl_reader'),
      fx.user('tbl_stranger'),
    ]);
    const grant = (principal: Actor, privileges: string[], type: 'catalog' | 'schema', name: string) =>
      fx.catalog.securables.updatePermissions(fx.admin, type, name, [
        { principal: principal.name, add: privileges },
      ]);
    await grant(owner, ['USE CATALOG'], 'catalog', 'main');
    await grant(owner, ['USE SCHEMA', 'CREATE TABLE'], 'schema', 'main.sales');
    await grant(reader, ['USE CATALOG'], 'catalog', 'main');
    await grant(reader, ['USE SCHEMA'], 'schema', 'main.sales');
    table = await fx.tables.create(owner, 'main.sales.governed', { columns: CLAIMS });
    await fx.catalog.securables.updatePermissions(owner, 'table', table.fullName, [
      { principal: reader.name, add: ['SELECT'] },
    ]);
  });

  it('lets the owner write, a SELECT holder read the history but not write, and hides it from others', async () => {
    const rows = { mode: 'append' as const, source: { kind: 'rows' as const, rows: [{ id: 1 }] } };
    expect((await fx.tables.write(owner, table.fullName, rows)).version).toBe(1);
    expect(await fx.tables.history(reader, table.fullName)).toHaveLength(2);
    expect(await rejection(fx.tables.write(reader, table.fullName, rows))).toMatchObject({
      code: 'AUTH_PERMISSION_DENIED',
    });
    expect(await rejection(fx.tables.write(stranger, table.fullName, rows))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await rejection(fx.tables.history(stranger, table.fullName))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejection(fx.tables.drop(reader, table.fullName))).toMatchObject({
      code: 'AUTH_PERMISSION_DENIED',
    });
    expect(await rejection(fx.tables.create(reader, 'main.sales.nope', { columns: CLAIMS }))).toMatchObject({
      code: 'AUTH_PERMISSION_DENIED',
    });
  });

  it('audits every write with mode, version and counts, and never the rows', async () => {
    await fx.tables.write(owner, table.fullName, {
      mode: 'append',
      source: { kind: 'rows', rows: [{ id: 77, region: 'secret-region' }] },
    });
    await rejection(
      fx.tables.write(owner, table.fullName, {
        mode: 'append',
        source: { kind: 'rows', rows: [{ id: 'x' }] },
      }),
    );
    await fx.catalog.audit.flush();
    const page = await fx.catalog.audit.query({ action: 'table.write', securableName: table.fullName });
    const [failed, succeeded] = page.records;
    expect(succeeded).toMatchObject({
      principalId: owner.principalId,
      decision: 'allow',
      params: { mode: 'append', source: 'rows', rows_in: 1, version: 2, rows_added: 1, rows_total: 2 },
    });
    expect(failed).toMatchObject({ params: { mode: 'append', failed: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(page.records)).not.toContain('secret-region');
  });
});

describe('durability', () => {
  it('keeps tables, versions and history across a restart', async () => {
    const table = await newTable();
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'append',
      source: { kind: 'rows', rows: [{ id: 1 }] },
    });
    await fx.tables.write(fx.admin, table.fullName, {
      mode: 'overwrite',
      source: { kind: 'rows', rows: [{ id: 2 }] },
    });
    await fx.reopen();
    expect((await read(table)).map((r) => r.id)).toEqual(['2']);
    expect((await read(table, { version: 1 })).map((r) => r.id)).toEqual(['1']);
    expect((await fx.tables.history(fx.admin, table.fullName)).map((v) => v.operation)).toEqual([
      'OVERWRITE',
      'WRITE',
      'CREATE TABLE',
    ]);
  });

  it('runs concurrent writes to one table one after another', async () => {
    const table = await newTable();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        fx.tables.write(fx.admin, table.fullName, {
          mode: 'append',
          source: { kind: 'rows', rows: [{ id: i }] },
        }),
      ),
    );
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Math.max(...results.map((r) => r.rowsTotal))).toBe(6);
  });
});
