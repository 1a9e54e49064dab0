// Metadata filters in Bedrock's RetrievalFilter vocabulary, compiled once per query into a predicate.
// Validation happens at compile time so that a malformed filter is a clear VALIDATION_FAILED error before any
// search runs. A key a record lacks never matches a positive operator; the negative ones (notEquals, notIn)
// match it, as "this record's value is not X" is true when there is no value. Callers that need "must be
// present and differ" combine with andAll.

import { validationError } from '../../core/index.js';
import type { Metadata, MetadataValue } from './vector-engine.js';

type Scalar = string | number | boolean;

interface KeyValue<V> {
  key: string;
  value: V;
}

export type MetadataFilter =
  | { equals: KeyValue<Scalar> }
  | { notEquals: KeyValue<Scalar> }
  | { greaterThan: KeyValue<number> }
  | { greaterThanOrEquals: KeyValue<number> }
  | { lessThan: KeyValue<number> }
  | { lessThanOrEquals: KeyValue<number> }
  | { in: KeyValue<readonly Scalar[]> }
  | { notIn: KeyValue<readonly Scalar[]> }
  | { startsWith: KeyValue<string> }
  | { stringContains: KeyValue<string> }
  | { listContains: KeyValue<Scalar> }
  | { andAll: readonly MetadataFilter[] }
  | { orAll: readonly MetadataFilter[] };

export type MetadataPredicate = (metadata: Metadata) => boolean;

const MAX_DEPTH = 16;

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function keyValue(operand: unknown, path: string): { key: string; value: unknown } {
  if (typeof operand !== 'object' || operand === null || Array.isArray(operand))
    throw validationError(`Filter ${path} must be an object with "key" and "value".`, { path });
  const { key, value } = operand as { key?: unknown; value?: unknown };
  if (typeof key !== 'string' || key.length === 0)
    throw validationError(`Filter ${path}.key must be a non-empty string.`, { path });
  if (value === undefined) throw validationError(`Filter ${path}.value is required.`, { path });
  return { key, value };
}

function scalarOperand(operand: unknown, path: string): { key: string; value: Scalar } {
  const { key, value } = keyValue(operand, path);
  if (!isScalar(value))
    throw validationError(`Filter ${path}.value must be a string, a finite number or a boolean.`, { path });
  return { key, value };
}

function numberOperand(operand: unknown, path: string): { key: string; value: number } {
  const { key, value } = keyValue(operand, path);
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw validationError(`Filter ${path}.value must be a finite number.`, { path });
  return { key, value };
}

function stringOperand(operand: unknown, path: string): { key: string; value: string } {
  const { key, value } = keyValue(operand, path);
  if (typeof value !== 'string') throw validationError(`Filter ${path}.value must be a string.`, { path });
  return { key, value };
}

function listOperand(operand: unknown, path: string): { key: string; value: ReadonlySet<Scalar> } {
  const { key, value } = keyValue(operand, path);
  if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar))
    throw validationError(`Filter ${path}.value must be a non-empty list of strings, numbers or booleans.`, {
      path,
    });
  return { key, value: new Set(value) };
}

function scalarIn(value: MetadataValue | undefined, set: ReadonlySet<Scalar>): boolean {
  return value !== undefined && !Array.isArray(value) && set.has(value as Scalar);
}

function compileNode(filter: unknown, path: string, depth: number): MetadataPredicate {
  if (depth > MAX_DEPTH) throw validationError(`Filter is nested deeper than ${MAX_DEPTH} levels.`, { path });
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
    throw validationError(`Filter ${path} must be an object with exactly one operator.`, { path });
  const entries = Object.entries(filter);
  if (entries.length !== 1)
    throw validationError(`Filter ${path} must have exactly one operator, found ${entries.length}.`, {
      path,
    });
  const [operator, operand] = entries[0]!;
  const at = `${path}.${operator}`;
  switch (operator) {
    case 'equals': {
      const { key, value } = scalarOperand(operand, at);
      return (m) => m[key] === value;
    }
    case 'notEquals': {
      const { key, value } = scalarOperand(operand, at);
      return (m) => m[key] !== value;
    }
    case 'greaterThan': {
      const { key, value } = numberOperand(operand, at);
      return (m) => {
        const v = m[key];
        return typeof v === 'number' && v > value;
      };
    }
    case 'greaterThanOrEquals': {
      const { key, value } = numberOperand(operand, at);
      return (m) => {
        const v = m[key];
        return typeof v === 'number' && v >= value;
      };
    }
    case 'lessThan': {
      const { key, value } = numberOperand(operand, at);
      return (m) => {
        const v = m[key];
        return typeof v === 'number' && v < value;
      };
    }
    case 'lessThanOrEquals': {
      const { key, value } = numberOperand(operand, at);
      return (m) => {
        const v = m[key];
        return typeof v === 'number' && v <= value;
      };
    }
    case 'in': {
      const { key, value } = listOperand(operand, at);
      return (m) => scalarIn(m[key], value);
    }
    case 'notIn': {
      const { key, value } = listOperand(operand, at);
      return (m) => !scalarIn(m[key], value);
    }
    case 'startsWith': {
      const { key, value } = stringOperand(operand, at);
      return (m) => {
        const v = m[key];
        return typeof v === 'string' && v.startsWith(value);
      };
    }
    case 'stringContains': {
      // Bedrock: a string attribute containing the value, or a list attribute with a member containing it.
      const { key, value } = stringOperand(operand, at);
      return (m) => {
        const v = m[key];
        if (typeof v === 'string') return v.includes(value);
        return Array.isArray(v) && v.some((member) => member.includes(value));
      };
    }
    case 'listContains': {
      const { key, value } = scalarOperand(operand, at);
      return (m) => {
        const v = m[key];
        return Array.isArray(v) && v.includes(value as string);
      };
    }
    case 'andAll':
    case 'orAll': {
      if (!Array.isArray(operand) || operand.length === 0)
        throw validationError(`Filter ${at} must be a non-empty list of filters.`, { path: at });
      const parts = operand.map((child, i) => compileNode(child, `${at}[${i}]`, depth + 1));
      return operator === 'andAll'
        ? (m) => parts.every((part) => part(m))
        : (m) => parts.some((part) => part(m));
    }
    default:
      throw validationError(`Filter ${path} has an unknown operator "${operator}".`, { path, operator });
  }
}

/** Validates `filter` and returns a predicate over a record's metadata. */
export function compileMetadataFilter(filter: MetadataFilter | unknown): MetadataPredicate {
  return compileNode(filter, 'filter', 0);
}
