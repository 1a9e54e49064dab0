import { describe, expect, it } from 'vitest';
import { classifyStatement } from './classify-statement.js';

describe('classifyStatement', () => {
  it('finds CTAS and INSERT ... SELECT, with their targets', () => {
    expect(classifyStatement('create table a.b.c as select 1 AS x')).toEqual({
      kind: 'create_table_as',
      target: ['a', 'b', 'c'],
      select: ' select 1 AS x',
    });
    expect(
      classifyStatement('/* hi */ INSERT INTO "my ""t""" (a, "B") WITH q AS (SELECT 1) SELECT * FROM q'),
    ).toEqual({
      kind: 'insert',
      target: ['my "t"'],
      columns: ['a', 'B'],
      overwrite: false,
      select: ' WITH q AS (SELECT 1) SELECT * FROM q',
    });
    expect(classifyStatement('INSERT OVERWRITE TABLE s.t SELECT 1')).toMatchObject({
      kind: 'insert',
      overwrite: true,
      target: ['s', 't'],
    });
    expect(classifyStatement('SELECT 1')).toEqual({ kind: 'select', sql: 'SELECT 1' });
    expect(classifyStatement('  -- create table x as\n SELECT 1')).toMatchObject({ kind: 'select' });
  });

  it('refuses other CREATE and INSERT forms with a clear message', () => {
    expect(() => classifyStatement('CREATE VIEW v AS SELECT 1')).toThrow(/Only CREATE TABLE name AS SELECT/);
    expect(() => classifyStatement('CREATE TABLE t (x INT)')).toThrow(/AS SELECT/);
    expect(() => classifyStatement('INSERT INTO t DEFAULT VALUES')).toThrow(/takes a query/);
    expect(() => classifyStatement('INSERT INTO a.b.c.d SELECT 1')).toThrow(/at most/);
    expect(() => classifyStatement('INSERT t SELECT 1')).toThrow(/INSERT INTO/);
  });
});
