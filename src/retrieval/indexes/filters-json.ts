// Databricks Vector Search's `filters_json` compiled to the engine's MetadataFilter (Bedrock's vocabulary):
//   {"col": v}          equals (a list: IN)          {"col NOT": v}   not equals (a list: NOT IN)
//   {"col <": n} ("<=", ">", ">=")  numeric ranges    {"col LIKE": s}  the value contains s
//   {"a OR b": [x, y]}  a = x OR b = y                several keys     all of them (AND)
// Only columns the index carries can be named. The compiled filter runs twice: in the engine on the
// values the index holds (to find candidates fast), and again on the values the caller's governed read
// returns, so a filter on a masked column can never tell a caller what the unmasked value is.

import { isRecord, validationError } from '../../core/index.js';
import type { MetadataFilter } from '../engine/metadata-filter.js';
import type { IndexColumn } from './index-definition.js';

type Scalar = string | number | boolean;

export interface CompiledFilters {
  filter?: MetadataFilter;
  /** The index columns the filter reads (canonical spelling). */
  columns: string[];
}

const MAX_KEYS = 64;
const MAX_LIST = 1024;

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function parseFilters(filters: unknown): Record<string, unknown> | undefined {
  if (filters === undefined || filters === null || filters === '') return undefined;
  let value = filters;
  if (typeof filters === 'string') {
    try {
      value = JSON.parse(filters);
    } catch {
      throw validationError('filters_json is not valid JSON.');
    }
  }
  if (!isRecord(value))
    throw validationError('filters_json must be a JSON object such as {"region": "north"}.');
  return value;
}

export function compileFiltersJson(filters: unknown, columns: readonly IndexColumn[]): CompiledFilters {
  const parsed = parseFilters(filters);
  if (!parsed) return { columns: [] };
  const entries = Object.entries(parsed);
  if (entries.length > MAX_KEYS) throw validationError(`filters_json has more than ${MAX_KEYS} conditions.`);
  const used = new Set<string>();
  const column = (name: string): string => {
    const found = columns.find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
    if (!found)
      throw validationError(`The filter names "${name.trim()}", which is not a column of the index.`);
    used.add(found.name);
    return found.name;
  };
  const parts: MetadataFilter[] = [];
  for (const [rawKey, value] of entries) {
    const key = rawKey.trim();
    const or = key.split(/\s+OR\s+/i);
    if (or.length > 1) {
      if (!Array.isArray(value) || value.length !== or.length || !value.every(isScalar)) {
        throw validationError(`"${key}" needs a list of ${or.length} values, one per column.`);
      }
      parts.push({
        orAll: or.map((name, i) => ({ equals: { key: column(name), value: value[i] as Scalar } })),
      });
      continue;
    }
    const match = /^(.+?)\s*(NOT|LIKE|<=|>=|<|>)?$/i.exec(key);
    if (!match?.[1]) throw validationError(`"${key}" is not a filter key.`);
    const name = column(match[1]);
    const operator = (match[2] ?? '').toUpperCase();
    parts.push(condition(name, operator, value, key));
  }
  const filter = parts.length === 1 ? parts[0] : parts.length > 1 ? { andAll: parts } : undefined;
  return { ...(filter ? { filter } : {}), columns: [...used] };
}

function condition(name: string, operator: string, value: unknown, key: string): MetadataFilter {
  if (operator === '' || operator === 'NOT') {
    if (Array.isArray(value)) {
      if (value.length === 0 || value.length > MAX_LIST || !value.every(isScalar)) {
        throw validationError(`"${key}" needs a list of 1 to ${MAX_LIST} strings, numbers or booleans.`);
      }
      return operator === 'NOT' ? { notIn: { key: name, value } } : { in: { key: name, value } };
    }
    if (!isScalar(value)) throw validationError(`"${key}" needs a string, a number or a boolean.`);
    return operator === 'NOT' ? { notEquals: { key: name, value } } : { equals: { key: name, value } };
  }
  if (operator === 'LIKE') {
    if (typeof value !== 'string') throw validationError(`"${key}" needs a string.`);
    return { stringContains: { key: name, value } };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw validationError(`"${key}" needs a number.`);
  switch (operator) {
    case '<':
      return { lessThan: { key: name, value } };
    case '<=':
      return { lessThanOrEquals: { key: name, value } };
    case '>':
      return { greaterThan: { key: name, value } };
    default:
      return { greaterThanOrEquals: { key: name, value } };
  }
}
