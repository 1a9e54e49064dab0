// The `securable_type` path segment: Unity Catalog's names (`registered_model` is our `model`) plus
// Lakegate's own types. Unity Catalog calls views tables, so a `table` that is not found is looked for
// among views too (they share one namespace, so at most one of them exists).

import {
  isSchemaObjectType,
  type SchemaObjectType,
  SECURABLE_TYPES,
  type SecurableType,
} from '../../catalog/index.js';
import { isLakegateError, validationError } from '../../core/index.js';

const WIRE_ALIASES: Record<string, SecurableType> = { registered_model: 'model' };

export function parseSecurableType(value: string): SecurableType {
  const type: string = (Object.hasOwn(WIRE_ALIASES, value) && WIRE_ALIASES[value]) || value;
  if ((SECURABLE_TYPES as readonly string[]).includes(type)) return type as SecurableType;
  throw validationError(
    `"${value.slice(0, 100)}" is not a securable type: use one of metastore, catalog, schema, table, volume, function, registered_model, view, vector_index, knowledge_base, guardrail, prompt, agent, serving_endpoint.`,
  );
}

/** Our type as Unity Catalog spells it on the wire. */
export function wireSecurableType(type: SecurableType): string {
  return type === 'model' ? 'registered_model' : type;
}

export function parseSchemaObjectType(value: string): SchemaObjectType {
  const type = parseSecurableType(value);
  if (!isSchemaObjectType(type)) throw validationError(`A ${value} does not live in a schema.`);
  return type;
}

/**
 * Runs `work` for `type`; for a table that is not found, runs it again as a view, and if that fails too,
 * reports the table's NOT_FOUND (never a view's, which would tell a caller that it exists as a view).
 */
export async function asTableOrView<T>(
  type: SecurableType,
  work: (type: SecurableType) => Promise<T>,
): Promise<T> {
  try {
    return await work(type);
  } catch (error) {
    if (type !== 'table' || !isNotFound(error, 'table')) throw error;
    try {
      return await work('view');
    } catch (viewError) {
      throw isNotFound(viewError, 'view') ? error : viewError;
    }
  }
}

function isNotFound(error: unknown, type: SecurableType): boolean {
  return isLakegateError(error) && error.code === 'NOT_FOUND' && error.details.securable_type === type;
}
