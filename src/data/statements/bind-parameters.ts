// Named parameters as Databricks takes them: `:name` markers in the statement and `[{name, value, type}]`
// beside it. Each marker becomes `CAST($name AS <type>)`, a DuckDB prepared parameter, and the value is
// bound as a string at execution: values never become SQL text. The marker scan skips string literals,
// quoted identifiers, dollar-quoted strings and comments, and `::` casts; a `:word` that is not a declared
// parameter is left alone (DuckDB then reports the syntax).

import { validationError } from '../../core/index.js';

export interface StatementParameter {
  name: string;
  /** null binds SQL NULL. */
  value: string | null;
  /** A Databricks type name (STRING when absent). */
  type?: string;
}

export interface BoundParameters {
  sql: string;
  /** Declared names, for the rewrite (which refuses any other marker). */
  names: Set<string>;
  values: Record<string, string | null>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_PARAMETERS = 256;
const MAX_VALUE = 1024 * 1024;

const SIMPLE_TYPES: Record<string, string> = {
  STRING: 'VARCHAR',
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  BYTE: 'TINYINT',
  TINYINT: 'TINYINT',
  SHORT: 'SMALLINT',
  SMALLINT: 'SMALLINT',
  INT: 'INTEGER',
  INTEGER: 'INTEGER',
  LONG: 'BIGINT',
  BIGINT: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMPTZ',
  TIMESTAMP_NTZ: 'TIMESTAMP',
  DECIMAL: 'DECIMAL(10,0)',
  INTERVAL: 'INTERVAL',
};

/** The DuckDB type for a Databricks parameter type; DECIMAL(p,s) is checked, anything else refused. */
export function parameterType(type: string | undefined): string {
  const upper = (type ?? 'STRING').trim().toUpperCase();
  const simple = SIMPLE_TYPES[upper];
  if (simple) return simple;
  const decimal = /^DECIMAL\s*\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)$/.exec(upper);
  if (
    decimal &&
    Number(decimal[1]) >= 1 &&
    Number(decimal[1]) <= 38 &&
    Number(decimal[2]) <= Number(decimal[1])
  ) {
    return `DECIMAL(${decimal[1]},${decimal[2]})`;
  }
  throw validationError(
    `Parameter type "${type}" is not supported: use STRING, BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DECIMAL(p,s), DATE, TIMESTAMP, TIMESTAMP_NTZ or INTERVAL.`,
  );
}

export function bindParameters(sql: string, parameters: readonly StatementParameter[] = []): BoundParameters {
  if (parameters.length > MAX_PARAMETERS) throw validationError(`At most ${MAX_PARAMETERS} parameters.`);
  const types = new Map<string, string>();
  const values: Record<string, string | null> = {};
  for (const p of parameters) {
    if (typeof p?.name !== 'string' || !NAME.test(p.name)) {
      throw validationError(
        `Parameter name "${String(p?.name)}" is not valid: letters, digits and underscores.`,
      );
    }
    if (types.has(p.name)) throw validationError(`Parameter "${p.name}" is given twice.`);
    if (p.value !== null && typeof p.value !== 'string') {
      throw validationError(`The value of parameter "${p.name}" must be a string or null.`);
    }
    if (p.value !== null && p.value.length > MAX_VALUE)
      throw validationError(`Parameter "${p.name}" is too long.`);
    types.set(p.name, parameterType(p.type));
    values[p.name] = p.value;
  }
  if (types.size === 0) return { sql, names: new Set(), values };
  let out = '';
  let i = 0;
  const used = new Set<string>();
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    let end = i + 1;
    if (ch === "'" || ch === '"') {
      end = closing(sql, i + 1, ch);
    } else if (ch === '-' && next === '-') {
      const line = sql.indexOf('\n', i);
      end = line === -1 ? sql.length : line;
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close === -1 ? sql.length : close + 2;
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        end = close === -1 ? sql.length : close + tag[0].length;
      }
    } else if (ch === ':' && next === ':') {
      end = i + 2;
    } else if (ch === ':') {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))?.[0];
      const type = word ? types.get(word) : undefined;
      if (word && type) {
        out += `CAST($${word} AS ${type})`;
        used.add(word);
        i += 1 + word.length;
        continue;
      }
    }
    out += sql.slice(i, end);
    i = end;
  }
  const unused = [...types.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw validationError(
      `Parameter${unused.length > 1 ? 's' : ''} ${unused.map((n) => `"${n}"`).join(', ')} not used in the statement (markers are :name).`,
    );
  }
  return { sql: out, names: used, values };
}

/** The index after the quote that closes a literal opened before `from` (doubled quotes escape). */
function closing(sql: string, from: number, quote: string): number {
  let i = from;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
