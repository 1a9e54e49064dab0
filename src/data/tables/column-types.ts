// Column types: Unity Catalog's names (what users declare and see) and DuckDB's (what stores them), both
// ways. Declared types parse into a small tree so that nested ARRAY/MAP/STRUCT types map element by
// element; DuckDB's type text (e.g. of a query result) maps back for result manifests.

import { validationError } from '../../core/index.js';

export type UcPrimitive =
  | 'BOOLEAN'
  | 'BYTE'
  | 'SHORT'
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'STRING'
  | 'DATE'
  | 'TIMESTAMP'
  | 'TIMESTAMP_NTZ'
  | 'BINARY'
  | 'INTERVAL';

export type UcType =
  | { kind: 'primitive'; name: UcPrimitive }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'array'; element: UcType }
  | { kind: 'map'; key: UcType; value: UcType }
  | { kind: 'struct'; fields: { name: string; type: UcType }[] };

/** Every spelling we accept (UC's names and the usual SQL ones), lower-case, to its UC name. */
const PRIMITIVES: Record<string, UcPrimitive> = {
  boolean: 'BOOLEAN',
  bool: 'BOOLEAN',
  byte: 'BYTE',
  tinyint: 'BYTE',
  short: 'SHORT',
  smallint: 'SHORT',
  int: 'INT',
  integer: 'INT',
  long: 'LONG',
  bigint: 'LONG',
  float: 'FLOAT',
  real: 'FLOAT',
  double: 'DOUBLE',
  string: 'STRING',
  varchar: 'STRING',
  char: 'STRING',
  text: 'STRING',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamp_ltz: 'TIMESTAMP',
  timestamp_ntz: 'TIMESTAMP_NTZ',
  binary: 'BINARY',
  interval: 'INTERVAL',
};

// UC's TIMESTAMP is an instant (Spark's local-time-zone timestamp), TIMESTAMP_NTZ a wall-clock time.
const DUCKDB_OF: Record<UcPrimitive, string> = {
  BOOLEAN: 'BOOLEAN',
  BYTE: 'TINYINT',
  SHORT: 'SMALLINT',
  INT: 'INTEGER',
  LONG: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  STRING: 'VARCHAR',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMPTZ',
  TIMESTAMP_NTZ: 'TIMESTAMP',
  BINARY: 'BLOB',
  INTERVAL: 'INTERVAL',
};

/** A tiny recursive-descent reader over a type's text. */
class TypeReader {
  private at = 0;
  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw validationError(`"${this.text}" is not a valid column type: ${what}.`);
  }
  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }
  peek(): string {
    this.skipSpace();
    return this.text[this.at] ?? '';
  }
  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}" at position ${this.at + 1}`);
    this.at++;
  }
  word(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (!match) this.fail(`expected a name at position ${this.at + 1}`);
    this.at += match[0].length;
    return match[0];
  }
  integer(): number {
    this.skipSpace();
    const match = /^\d{1,3}/.exec(this.text.slice(this.at));
    if (!match) this.fail(`expected a number at position ${this.at + 1}`);
    this.at += match[0].length;
    return Number(match[0]);
  }
  done(): boolean {
    this.skipSpace();
    return this.at >= this.text.length;
  }

  type(): UcType {
    const name = this.word().toLowerCase();
    if (name === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return { kind: 'array', element };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return { kind: 'map', key, value };
    }
    if (name === 'struct') {
      this.expect('<');
      const fields: { name: string; type: UcType }[] = [];
      const seen = new Set<string>();
      while (this.peek() !== '>') {
        if (fields.length > 0) this.expect(',');
        const field = this.word();
        if (seen.has(field.toLowerCase())) this.fail(`field "${field}" appears twice`);
        seen.add(field.toLowerCase());
        if (this.peek() === ':') this.expect(':');
        fields.push({ name: field, type: this.type() });
      }
      this.expect('>');
      if (fields.length === 0) this.fail('a STRUCT needs at least one field');
      return { kind: 'struct', fields };
    }
    if (name === 'decimal' || name === 'numeric' || name === 'dec') {
      let precision = 10;
      let scale = 0;
      if (this.peek() === '(') {
        this.expect('(');
        precision = this.integer();
        if (this.peek() === ',') {
          this.expect(',');
          scale = this.integer();
        }
        this.expect(')');
      }
      if (precision < 1 || precision > 38) this.fail('DECIMAL precision must be 1 to 38');
      if (scale > precision) this.fail('DECIMAL scale must not exceed its precision');
      return { kind: 'decimal', precision, scale };
    }
    const primitive = PRIMITIVES[name];
    if (!primitive) this.fail(`unknown type "${name}"`);
    // CHAR(n) and VARCHAR(n) are strings; the length is not enforced (neither does Databricks on read).
    if ((name === 'char' || name === 'varchar') && this.peek() === '(') {
      this.expect('(');
      this.integer();
      this.expect(')');
    }
    // Spark spells interval kinds out (`interval day to second`); DuckDB has one INTERVAL for all.
    if (primitive === 'INTERVAL') this.skip(INTERVAL_QUALIFIER);
    return { kind: 'primitive', name: primitive };
  }

  private skip(pattern: RegExp): void {
    const match = pattern.exec(this.text.slice(this.at));
    if (match) this.at += match[0].length;
  }
}

const INTERVAL_QUALIFIER =
  /^\s+(year|month|day|hour|minute|second)(\s+to\s+(year|month|day|hour|minute|second))?(?![A-Za-z0-9_])/i;

/** Parses a declared column type (UC or SQL spelling, any case). Throws VALIDATION_FAILED. */
export function parseUcType(text: string): UcType {
  if (typeof text !== 'string' || text.trim() === '' || text.length > 4096) {
    throw validationError('A column type must be a non-empty string.');
  }
  const reader = new TypeReader(text);
  const type = reader.type();
  if (!reader.done()) reader.fail('unexpected text after the type');
  return type;
}

/** UC's canonical type text, e.g. `DECIMAL(10,2)`, `ARRAY<STRING>`, `STRUCT<a:INT,b:STRING>`. */
export function ucTypeText(type: UcType): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'array':
      return `ARRAY<${ucTypeText(type.element)}>`;
    case 'map':
      return `MAP<${ucTypeText(type.key)},${ucTypeText(type.value)}>`;
    case 'struct':
      return `STRUCT<${type.fields.map((f) => `${f.name}:${ucTypeText(f.type)}`).join(',')}>`;
  }
}

/** UC's ColumnTypeName (the `type_name` of a column): the outer kind, e.g. DECIMAL, ARRAY. */
export function ucTypeName(type: UcType): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'decimal':
      return 'DECIMAL';
    case 'array':
      return 'ARRAY';
    case 'map':
      return 'MAP';
    case 'struct':
      return 'STRUCT';
  }
}

/** The DuckDB type that stores a UC type. */
export function duckdbTypeOf(type: UcType): string {
  switch (type.kind) {
    case 'primitive':
      return DUCKDB_OF[type.name];
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'array':
      return `${duckdbTypeOf(type.element)}[]`;
    case 'map':
      return `MAP(${duckdbTypeOf(type.key)}, ${duckdbTypeOf(type.value)})`;
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `"${f.name}" ${duckdbTypeOf(f.type)}`).join(', ')})`;
  }
}

/** DuckDB's name for each of its scalar types (as `typeof()` and result columns spell them) in UC terms. */
const UC_OF_DUCKDB: Record<string, UcType> = {
  BOOLEAN: { kind: 'primitive', name: 'BOOLEAN' },
  TINYINT: { kind: 'primitive', name: 'BYTE' },
  SMALLINT: { kind: 'primitive', name: 'SHORT' },
  INTEGER: { kind: 'primitive', name: 'INT' },
  BIGINT: { kind: 'primitive', name: 'LONG' },
  // Unsigned types widen to the next signed one that holds every value.
  UTINYINT: { kind: 'primitive', name: 'SHORT' },
  USMALLINT: { kind: 'primitive', name: 'INT' },
  UINTEGER: { kind: 'primitive', name: 'LONG' },
  UBIGINT: { kind: 'decimal', precision: 20, scale: 0 },
  HUGEINT: { kind: 'decimal', precision: 38, scale: 0 },
  UHUGEINT: { kind: 'decimal', precision: 38, scale: 0 },
  FLOAT: { kind: 'primitive', name: 'FLOAT' },
  DOUBLE: { kind: 'primitive', name: 'DOUBLE' },
  VARCHAR: { kind: 'primitive', name: 'STRING' },
  DATE: { kind: 'primitive', name: 'DATE' },
  'TIMESTAMP WITH TIME ZONE': { kind: 'primitive', name: 'TIMESTAMP' },
  TIMESTAMPTZ: { kind: 'primitive', name: 'TIMESTAMP' },
  TIMESTAMP: { kind: 'primitive', name: 'TIMESTAMP_NTZ' },
  TIMESTAMP_S: { kind: 'primitive', name: 'TIMESTAMP_NTZ' },
  TIMESTAMP_MS: { kind: 'primitive', name: 'TIMESTAMP_NTZ' },
  TIMESTAMP_NS: { kind: 'primitive', name: 'TIMESTAMP_NTZ' },
  BLOB: { kind: 'primitive', name: 'BINARY' },
  INTERVAL: { kind: 'primitive', name: 'INTERVAL' },
};

/** Reads DuckDB's type text (`DECIMAL(10,2)`, `VARCHAR[]`, `STRUCT("a" INTEGER)`, `MAP(K, V)`). */
class DuckTypeReader {
  private at = 0;
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }
  private peek(): string {
    this.skipSpace();
    return this.text[this.at] ?? '';
  }
  private take(char: string): boolean {
    if (this.peek() !== char) return false;
    this.at++;
    return true;
  }
  private name(): string {
    this.skipSpace();
    if (this.text[this.at] === '"') {
      let out = '';
      this.at++;
      while (this.at < this.text.length) {
        const c = this.text[this.at++]!;
        if (c === '"') {
          if (this.text[this.at] === '"') {
            out += '"';
            this.at++;
          } else break;
        } else out += c;
      }
      return out;
    }
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (!match) return '';
    this.at += match[0].length;
    return match[0];
  }
  /** Skips a parenthesised argument list it does not need (ENUM's values, UNION's members). */
  private skipArguments(): void {
    let depth = 0;
    let quote = '';
    while (this.at < this.text.length) {
      const c = this.text[this.at++]!;
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return;
    }
  }

  type(): UcType {
    let base = this.name().toUpperCase();
    let type: UcType;
    if (base === 'STRUCT' && this.take('(')) {
      const fields: { name: string; type: UcType }[] = [];
      while (!this.take(')')) {
        if (fields.length > 0) this.take(',');
        const field = this.name();
        fields.push({ name: field, type: this.type() });
        if (this.at >= this.text.length) break;
      }
      type = { kind: 'struct', fields };
    } else if (base === 'MAP' && this.take('(')) {
      const key = this.type();
      this.take(',');
      const value = this.type();
      this.take(')');
      type = { kind: 'map', key, value };
    } else if ((base === 'DECIMAL' || base === 'NUMERIC') && this.peek() === '(') {
      this.take('(');
      const numbers = /^\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(this.text.slice(this.at));
      this.at += numbers?.[0].length ?? 0;
      type = { kind: 'decimal', precision: Number(numbers?.[1] ?? 18), scale: Number(numbers?.[2] ?? 0) };
    } else {
      if (base === 'TIMESTAMP' && /^\s+WITH\s+TIME\s+ZONE/i.test(this.text.slice(this.at))) {
        this.at += /^\s+WITH\s+TIME\s+ZONE/i.exec(this.text.slice(this.at))![0].length;
        base = 'TIMESTAMP WITH TIME ZONE';
      }
      if (this.peek() === '(') this.skipArguments();
      // Anything without a UC counterpart (UUID, TIME, ENUM, JSON, BIT, UNION, ...) reads as text.
      type = UC_OF_DUCKDB[base] ?? { kind: 'primitive', name: 'STRING' };
    }
    // Lists `T[]` and fixed-size arrays `T[3]`, possibly nested.
    while (this.peek() === '[') {
      while (this.at < this.text.length && this.text[this.at++] !== ']');
      type = { kind: 'array', element: type };
    }
    return type;
  }
}

/** A DuckDB type (its text, e.g. from a result's column types) as UC's type text and type name. */
export function duckdbToUc(duckdbType: string): { typeText: string; typeName: string; type: UcType } {
  const type = new DuckTypeReader(String(duckdbType)).type();
  return { typeText: ucTypeText(type), typeName: ucTypeName(type), type };
}
