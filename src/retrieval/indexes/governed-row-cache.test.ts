// The re-read cache on its own: which rewritten statements may be cached at all, what a write to a table
// drops, that a read overlapping a write is not kept, and the bounds. (That queries never see a row they
// may no longer read is proven end to end by src/api/vector-search/leak.test.ts and vector-indexes.test.ts.)

import { describe, expect, it } from 'vitest';
import type { Securable } from '../../catalog/index.js';
import { GovernedRowCache, isCacheable } from './governed-row-cache.js';
import type { GovernedRow } from './governed-rows.js';

const table = (id: string) => ({ table: { id } as Securable });
// The shape the governor writes (from the bench's claims table, a row filter and a mask).
const GOVERNED = `SELECT CAST(id AS VARCHAR), id, note FROM (SELECT __lg_src.id AS id, __lg_src.note AS note, CASE  WHEN (CAST('t' AS BOOLEAN)) THEN (__lg_src.ssn) ELSE '***' END AS ssn FROM lakegate.tbl_1 AS __lg_src WHERE (CAST('f' AS BOOLEAN) OR ((__lg_src.region = 'north') AND CAST('t' AS BOOLEAN)))) AS notes WHERE (id = ANY(SELECT CAST(lg_key AS BIGINT) FROM unnest($lg_keys) AS lg_keys(lg_key)))`;

function rows(...keys: string[]): Map<string, GovernedRow> {
  return new Map(keys.map((key) => [key, { key, values: [key, `note ${key}`] }]));
}

describe('isCacheable', () => {
  it('accepts a rewrite that only reads rows and compares literals', () => {
    expect(isCacheable({ sql: GOVERNED, tables: [table('t1')] })).toBe(true);
  });

  it('refuses a rewrite whose answer moves with the clock or calls an unknown function', () => {
    for (const policy of [
      'filed >= current_date',
      'filed >= CURRENT_DATE()',
      'ts > now() - INTERVAL 1 DAY',
      'ts > get_current_timestamp()',
      'today() > filed',
      'random() < 0.5',
      'md5(note) = md5(note)',
    ]) {
      const sql = GOVERNED.replace("(__lg_src.region = 'north')", `(${policy})`);
      expect(isCacheable({ sql, tables: [table('t1')] }), policy).toBe(false);
    }
  });

  it('is not fooled by such words inside string literals or quoted names, in the safe direction only', () => {
    const literal = GOVERNED.replace("'north'", "'now() current_date'");
    expect(isCacheable({ sql: literal, tables: [table('t1')] })).toBe(true);
    // A column that happens to be called "today" only costs the cache, never correctness.
    const column = GOVERNED.replace('__lg_src.region', '__lg_src.today');
    expect(isCacheable({ sql: column, tables: [table('t1')] })).toBe(false);
  });

  it('refuses time travel', () => {
    expect(isCacheable({ sql: GOVERNED, tables: [{ ...table('t1'), at: { version: 3 } }] })).toBe(false);
  });
});

describe('GovernedRowCache', () => {
  it('answers keys read before (found and unreadable alike) and asks only for the rest', () => {
    const cache = new GovernedRowCache();
    const epoch = cache.epochOf(['t1']);
    cache.keep('S', ['t1'], epoch, ['1', '2', '3'], rows('1', '3'));
    const { known, missing } = cache.lookup('S', ['1', '2', '3', '4']);
    expect([...known.keys()]).toEqual(['1', '2', '3']);
    expect(known.get('2')).toBeNull();
    expect(known.get('3')?.values).toEqual(['3', 'note 3']);
    expect(missing).toEqual(['4']);
    // Another statement text (another caller, filter or mask) shares nothing.
    expect(cache.lookup('S2', ['1']).missing).toEqual(['1']);
  });

  it('drops what was read from a table when it is written, and keeps no read that overlapped the write', () => {
    const cache = new GovernedRowCache();
    cache.keep('S', ['t1'], cache.epochOf(['t1']), ['1'], rows('1'));
    cache.keep('J', ['t1', 't2'], cache.epochOf(['t1', 't2']), ['1'], rows('1'));
    cache.keep('U', ['t3'], cache.epochOf(['t3']), ['1'], rows('1'));
    const before = cache.epochOf(['t2']);
    cache.tableChanged('t2');
    expect(cache.lookup('S', ['1']).missing).toEqual([]);
    expect(cache.lookup('J', ['1']).missing).toEqual(['1']);
    // A read that started before the write and ends after it.
    cache.keep('J', ['t1', 't2'], before, ['1'], rows('1'));
    expect(cache.lookup('J', ['1']).missing).toEqual(['1']);
    cache.tableChanged('t1');
    expect(cache.lookup('S', ['1']).missing).toEqual(['1']);
    expect(cache.lookup('U', ['1']).missing).toEqual([]);
  });

  it('stays within its row and character bounds, dropping the least recently used statement first', () => {
    const cache = new GovernedRowCache({ maxRows: 5 });
    cache.keep('A', ['t'], cache.epochOf(['t']), ['1', '2'], rows('1', '2'));
    cache.keep('B', ['t'], cache.epochOf(['t']), ['1', '2'], rows('1', '2'));
    cache.lookup('A', ['1']);
    cache.keep('C', ['t'], cache.epochOf(['t']), ['1', '2'], rows('1', '2'));
    expect(cache.lookup('B', ['1']).missing).toEqual(['1']);
    expect(cache.lookup('A', ['1']).missing).toEqual([]);
    expect(cache.lookup('C', ['1']).missing).toEqual([]);
    const small = new GovernedRowCache({ maxChars: 100 });
    small.keep(
      'A',
      ['t'],
      small.epochOf(['t']),
      ['1'],
      new Map([['1', { key: '1', values: ['x'.repeat(500)] }]]),
    );
    expect(small.lookup('A', ['1']).missing).toEqual(['1']);
  });
});
