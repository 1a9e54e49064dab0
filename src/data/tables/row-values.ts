// Checks rows given as JSON objects against the declared columns before anything is written, so a bad
// value fails with the row and column it is in (DuckDB's own cast errors name neither), and turns each
// value into the JSON that DuckDB's JSON reader converts exactly (big integers and decimals as strings).

import { isRecord, validationError } from '../../core/index.js';
import { parseUcType, type UcType } from './column-types.js';
import type { StoredColumn } from './types.js';

const INT_RANGES: Record<string, [bigint, bigint]> = {
  BYTE: [-128n, 127n],
  SHORT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  LONG: [-9223372036854775808n, 9223372036854775807n],
};
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const FLOAT_WORDS = new Set(['nan', 'infinity', '-infinity', 'inf', '-inf']);
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_TEXT =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class BadValue extends Error {}

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function checkDate(text: string): void {
  const match = DATE_TEXT.exec(text);
  if (!match || !validDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new BadValue('expected a date as YYYY-MM-DD');
  }
}

function integer(value: unknown, type: string): string | number {
  const [min, max] = INT_RANGES[type]!;
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new BadValue(`expected a whole number (${type})`);
    if (!Number.isSafeInteger(value)) {
      throw new BadValue('the number is too large to be exact in JSON; send it as a string');
    }
    big = BigInt(value);
  } else if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
    big = BigInt(value);
  } else {
    throw new BadValue(`expected a whole number (${type})`);
  }
  if (big < min || big > max) throw new BadValue(`${String(value)} is out of range for ${type}`);
  return typeof value === 'number' ? value : big.toString();
}

/** One value checked against its type; returns what goes into the staged JSON. */
function convert(value: unknown, type: UcType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'decimal': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL_TEXT.test(text)) {
        throw new BadValue(`expected a decimal number (DECIMAL(${type.precision},${type.scale}))`);
      }
      const digits = Number(text);
      if (Math.abs(digits) >= 10 ** (type.precision - type.scale)) {
        throw new BadValue(`${text} does not fit DECIMAL(${type.precision},${type.scale})`);
      }
      return text;
    }
    case 'array': {
      if (!Array.isArray(value)) throw new BadValue('expected an array');
      return value.map((element, i) => nested(`[${i}]`, () => convert(element, type.element)));
    }
    case 'map': {
      if (!isRecord(value)) throw new BadValue('expected an object (a map)');
      return Object.fromEntries(
        Object.entries(value).map(([key, v]) => {
          nested(`[${JSON.stringify(key)}]`, () => convertKey(key, type.key));
          return [key, nested(`[${JSON.stringify(key)}]`, () => convert(v, type.value))];
        }),
      );
    }
    case 'struct': {
      if (!isRecord(value)) throw new BadValue('expected an object (a struct)');
      const byName = new Map(type.fields.map((f) => [f.name.toLowerCase(), f]));
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const field = byName.get(key.toLowerCase());
        if (!field) throw new BadValue(`the struct has no field "${key}"`);
        out[field.name] = nested(`.${field.name}`, () => convert(v, field.type));
      }
      return out;
    }
    case 'primitive':
      break;
  }
  switch (type.name) {
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw new BadValue('expected true or false');
      return value;
    case 'BYTE':
    case 'SHORT':
    case 'INT':
    case 'LONG':
      return integer(value, type.name);
    case 'FLOAT':
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && (DECIMAL_TEXT.test(value) || FLOAT_WORDS.has(value.toLowerCase()))) {
        return value;
      }
      throw new BadValue(`expected a number (${type.name})`);
    case 'STRING':
      if (typeof value !== 'string') throw new BadValue('expected a string');
      return value;
    case 'DATE':
      if (typeof value !== 'string') throw new BadValue('expected a date as YYYY-MM-DD');
      checkDate(value);
      return value;
    case 'TIMESTAMP':
    case 'TIMESTAMP_NTZ': {
      const match = typeof value === 'string' ? TIMESTAMP_TEXT.exec(value) : null;
      if (!match) throw new BadValue('expected an ISO 8601 timestamp, e.g. 2024-05-01T12:30:00Z');
      checkDate(match[1]!);
      if (Number(match[2] ?? 0) > 23 || Number(match[3] ?? 0) > 59 || Number(match[4] ?? 0) > 59) {
        throw new BadValue('the time of day is out of range');
      }
      if (type.name === 'TIMESTAMP_NTZ') {
        if (match[5]) throw new BadValue('a TIMESTAMP_NTZ has no time zone; leave the offset out');
        return value;
      }
      // Without an offset an instant is read as UTC, whatever the server's time zone.
      return match[5] ? value : `${value}Z`;
    }
    case 'BINARY':
      if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
        throw new BadValue('expected base64 text');
      }
      return value;
    case 'INTERVAL':
      if (typeof value !== 'string') throw new BadValue("expected an interval as text, e.g. '2 days'");
      return value;
  }
}

function nested<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof BadValue) throw new BadValue(`${path}: ${error.message}`);
    throw error;
  }
}

/** A map key is always text in JSON: integers and the like arrive quoted. */
function convertKey(key: string, type: UcType): void {
  if (type.kind === 'primitive' && ['BYTE', 'SHORT', 'INT', 'LONG'].includes(type.name)) {
    integer(key, type.name);
    return;
  }
  if (type.kind === 'primitive' && type.name === 'STRING') return;
  convert(key, type);
}

export interface PreparedColumn extends StoredColumn {
  parsed: UcType;
}

export function prepareColumns(columns: readonly StoredColumn[]): PreparedColumn[] {
  return columns.map((c) => ({ ...c, parsed: parseUcType(c.ucType) }));
}

/**
 * The rows as JSON lines for DuckDB's reader, keyed by the declared names. Throws VALIDATION_FAILED
 * naming the first bad row (1-based) and column.
 */
export function rowsToJsonLines(rows: unknown, columns: readonly PreparedColumn[]): string {
  if (!Array.isArray(rows)) throw validationError('rows must be an array of objects.');
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const lines: string[] = [];
  rows.forEach((row, index) => {
    const at = `Row ${index + 1}`;
    if (!isRecord(row)) throw validationError(`${at} is not a JSON object.`);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      const column = byName.get(key.toLowerCase());
      if (!column) throw validationError(`${at}: "${key}" is not a column of the table.`);
      try {
        out[column.name] = convert(value, column.parsed);
      } catch (error) {
        if (error instanceof BadValue) {
          throw validationError(`${at}, column "${column.name}" (${column.ucType}): ${error.message}.`);
        }
        throw error;
      }
    }
    for (const column of columns) {
      if (!column.nullable && (out[column.name] === null || out[column.name] === undefined)) {
        throw validationError(`${at}, column "${column.name}": the column is NOT NULL and has no value.`);
      }
    }
    lines.push(JSON.stringify(out));
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
