// Minimal checks on what callers attach to securables. Details stay opaque JSON except for declared
// columns, which masks and column tags refer to; expressions are only screened here, and the SQL layer
// parses and enforces them.

import { isRecord, validationError } from '../../core/index.js';
import type { SecurableType } from '../model.js';

const MAX_DETAILS_BYTES = 256 * 1024;
const MAX_COMMENT = 4096;
const MAX_EXPRESSION = 4096;
const MAX_TAG_KEY = 255;
const MAX_TAG_VALUE = 1000;
const MAX_TAGS_PER_CALL = 50;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
// Control characters other than tab and newlines.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Types whose details may declare `columns`, and that columns of masks and tags belong to. */
export const COLUMNED_TYPES: readonly SecurableType[] = ['table', 'view', 'vector_index'];

export function validateComment(comment: unknown): string | null {
  if (comment === undefined || comment === null) return null;
  if (typeof comment !== 'string') throw validationError('comment must be a string.');
  if (comment.length > MAX_COMMENT)
    throw validationError(`comment is longer than ${MAX_COMMENT} characters.`);
  return comment;
}

export function validateDetails(type: SecurableType, details: unknown): Record<string, unknown> {
  if (details === undefined || details === null) return {};
  if (!isRecord(details)) throw validationError('details must be a JSON object.');
  let text: string;
  try {
    text = JSON.stringify(details);
  } catch {
    throw validationError('details must be plain JSON.');
  }
  if (Buffer.byteLength(text) > MAX_DETAILS_BYTES) {
    throw validationError(`details are larger than ${MAX_DETAILS_BYTES} bytes.`);
  }
  if ('columns' in details) {
    if (!COLUMNED_TYPES.includes(type)) throw validationError(`A ${type} has no columns.`);
    columnsOf(details);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The declared column names, lower-case (DuckDB compares them case-insensitively), or undefined when
 * the securable declares none. Throws when `columns` is malformed or names a column twice.
 */
export function columnsOf(details: Record<string, unknown>): string[] | undefined {
  const columns = details.columns;
  if (columns === undefined) return undefined;
  if (!Array.isArray(columns)) throw validationError('details.columns must be an array of {name, type}.');
  const seen = new Set<string>();
  for (const column of columns) {
    if (!isRecord(column) || typeof column.name !== 'string' || !COLUMN.test(column.name)) {
      throw validationError(
        'Each of details.columns needs a name of letters, digits and underscores, starting with a letter.',
      );
    }
    if (column.type !== undefined && typeof column.type !== 'string') {
      throw validationError(`The type of column "${column.name}" must be a string.`);
    }
    const name = column.name.toLowerCase();
    if (seen.has(name)) throw validationError(`Column "${column.name}" is declared twice.`);
    seen.add(name);
  }
  return [...seen];
}

/** A column a mask or tag refers to: a valid name, declared when the securable declares columns. */
export function validateColumn(column: unknown, details: Record<string, unknown>, fullName: string): string {
  if (typeof column !== 'string' || !COLUMN.test(column)) {
    throw validationError(`"${String(column)}" is not a valid column name.`);
  }
  const name = column.toLowerCase();
  const declared = columnsOf(details);
  if (declared && !declared.includes(name)) {
    throw validationError(`'${fullName}' has no column "${column}".`, { column });
  }
  return name;
}

/** Row filter and mask expressions: one non-empty expression, no statement separator. */
export function validateExpression(expression: unknown): string {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw validationError('The expression must be a non-empty string.');
  }
  if (expression.length > MAX_EXPRESSION) {
    throw validationError(`The expression is longer than ${MAX_EXPRESSION} characters.`);
  }
  if (expression.includes(';')) throw validationError('The expression must not contain ";".');
  if (CONTROL.test(expression)) throw validationError('The expression contains control characters.');
  return expression.trim();
}

export function validateTags(tags: unknown): Array<[string, string]> {
  if (!isRecord(tags)) throw validationError('tags must be an object of key to value.');
  const entries = Object.entries(tags);
  if (entries.length === 0) throw validationError('tags must not be empty.');
  if (entries.length > MAX_TAGS_PER_CALL) throw validationError(`At most ${MAX_TAGS_PER_CALL} tags at once.`);
  return entries.map(([key, value]) => [validateTagKey(key), validateTagValue(key, value)]);
}

export function validateTagKey(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '' || key.length > MAX_TAG_KEY || CONTROL.test(key)) {
    throw validationError(
      `"${String(key)}" is not a valid tag key: 1 to ${MAX_TAG_KEY} printable characters.`,
    );
  }
  return key.trim();
}

function validateTagValue(key: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_TAG_VALUE || CONTROL.test(value)) {
    throw validationError(
      `The value of tag "${key}" must be a string of at most ${MAX_TAG_VALUE} characters.`,
    );
  }
  return value;
}
