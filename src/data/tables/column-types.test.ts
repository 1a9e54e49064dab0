import { describe, expect, it } from 'vitest';
import { duckdbToUc, duckdbTypeOf, parseUcType, ucTypeName, ucTypeText } from './column-types.js';

const roundTrip = (text: string) => {
  const type = parseUcType(text);
  return [ucTypeText(type), duckdbTypeOf(type), ucTypeName(type)];
};

describe('column types', () => {
  it('maps UC names and SQL spellings to DuckDB', () => {
    expect(roundTrip('LONG')).toEqual(['LONG', 'BIGINT', 'LONG']);
    expect(roundTrip('bigint')).toEqual(['LONG', 'BIGINT', 'LONG']);
    expect(roundTrip('byte')).toEqual(['BYTE', 'TINYINT', 'BYTE']);
    expect(roundTrip('smallint')).toEqual(['SHORT', 'SMALLINT', 'SHORT']);
    expect(roundTrip('int')).toEqual(['INT', 'INTEGER', 'INT']);
    expect(roundTrip('decimal(10, 2)')).toEqual(['DECIMAL(10,2)', 'DECIMAL(10,2)', 'DECIMAL']);
    expect(roundTrip('decimal')).toEqual(['DECIMAL(10,0)', 'DECIMAL(10,0)', 'DECIMAL']);
    expect(roundTrip('varchar(20)')).toEqual(['STRING', 'VARCHAR', 'STRING']);
    expect(roundTrip('timestamp')).toEqual(['TIMESTAMP', 'TIMESTAMPTZ', 'TIMESTAMP']);
    expect(roundTrip('timestamp_ntz')).toEqual(['TIMESTAMP_NTZ', 'TIMESTAMP', 'TIMESTAMP_NTZ']);
    expect(roundTrip('binary')).toEqual(['BINARY', 'BLOB', 'BINARY']);
    expect(roundTrip('interval day to second')).toEqual(['INTERVAL', 'INTERVAL', 'INTERVAL']);
    expect(roundTrip('array<map<string, array<int>>>')).toEqual([
      'ARRAY<MAP<STRING,ARRAY<INT>>>',
      'MAP(VARCHAR, INTEGER[])[]',
      'ARRAY',
    ]);
    expect(roundTrip('struct<name: string, tags array<string>>')).toEqual([
      'STRUCT<name:STRING,tags:ARRAY<STRING>>',
      'STRUCT("name" VARCHAR, "tags" VARCHAR[])',
      'STRUCT',
    ]);
  });

  it('refuses what it does not know, with the reason', () => {
    expect(() => parseUcType('varchar2')).toThrow(/unknown type "varchar2"/);
    expect(() => parseUcType('decimal(39,2)')).toThrow(/precision/);
    expect(() => parseUcType('decimal(5,6)')).toThrow(/scale/);
    expect(() => parseUcType('array<int')).toThrow(/expected ">"/);
    expect(() => parseUcType('int extra')).toThrow(/unexpected text/);
    expect(() => parseUcType('struct<a:int, A:int>')).toThrow(/twice/);
    expect(() => parseUcType('')).toThrow(/non-empty/);
  });

  it('maps DuckDB result types back to UC names for manifests', () => {
    const uc = (duck: string) => {
      const { typeText, typeName } = duckdbToUc(duck);
      return [typeText, typeName];
    };
    expect(uc('BIGINT')).toEqual(['LONG', 'LONG']);
    expect(uc('HUGEINT')).toEqual(['DECIMAL(38,0)', 'DECIMAL']);
    expect(uc('DECIMAL(18,3)')).toEqual(['DECIMAL(18,3)', 'DECIMAL']);
    expect(uc('TIMESTAMP WITH TIME ZONE')).toEqual(['TIMESTAMP', 'TIMESTAMP']);
    expect(uc('TIMESTAMP')).toEqual(['TIMESTAMP_NTZ', 'TIMESTAMP_NTZ']);
    expect(uc('VARCHAR[]')).toEqual(['ARRAY<STRING>', 'ARRAY']);
    expect(uc('INTEGER[3][]')).toEqual(['ARRAY<ARRAY<INT>>', 'ARRAY']);
    expect(uc('MAP(VARCHAR, INTEGER[])')).toEqual(['MAP<STRING,ARRAY<INT>>', 'MAP']);
    expect(uc('STRUCT("a b" INTEGER, c VARCHAR)')).toEqual(['STRUCT<a b:INT,c:STRING>', 'STRUCT']);
    expect(uc("ENUM('x', 'y')")).toEqual(['STRING', 'STRING']);
    expect(uc('UUID')).toEqual(['STRING', 'STRING']);
    expect(uc('BLOB')).toEqual(['BINARY', 'BINARY']);
    expect(uc('UINTEGER')).toEqual(['LONG', 'LONG']);
  });

  it('round-trips every declared type through DuckDB and back', () => {
    for (const text of [
      'BOOLEAN',
      'BYTE',
      'SHORT',
      'INT',
      'LONG',
      'FLOAT',
      'DOUBLE',
      'DECIMAL(12,4)',
      'STRING',
      'DATE',
      'TIMESTAMP',
      'TIMESTAMP_NTZ',
      'BINARY',
      'ARRAY<STRUCT<a:INT,b:MAP<STRING,DOUBLE>>>',
    ]) {
      expect(duckdbToUc(duckdbTypeOf(parseUcType(text))).typeText).toBe(text);
    }
  });
});
