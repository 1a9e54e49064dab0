// Full names by securable type: how many dotted parts each has, and which securable is its parent.

import { validationError } from '../../core/index.js';
import { SCHEMA_OBJECT_TYPES, type SchemaObjectType, type SecurableType } from '../model.js';
import { normalizeEndpointName, parseFullName } from '../names.js';

export interface ParsedName {
  type: SecurableType;
  /** Normalized: lower-case parts (endpoint names keep their case). */
  fullName: string;
  /** The last part. */
  name: string;
  /** The parent's type and full name; the metastore for catalogs and serving endpoints. */
  parentType: SecurableType | null;
  parentFullName: string | null;
}

export const METASTORE_NAME = 'metastore';

export function isSchemaObjectType(type: string): type is SchemaObjectType {
  return (SCHEMA_OBJECT_TYPES as readonly string[]).includes(type);
}

const WHAT: Record<SecurableType, string> = {
  metastore: 'metastore',
  catalog: 'catalog',
  schema: 'schema',
  table: 'table',
  view: 'view',
  volume: 'volume',
  function: 'function',
  model: 'model',
  vector_index: 'vector index',
  knowledge_base: 'knowledge base',
  guardrail: 'guardrail',
  prompt: 'prompt',
  agent: 'agent',
  serving_endpoint: 'serving endpoint',
};

/** Validates and normalizes a full name for its type; throws VALIDATION_FAILED when it is malformed. */
export function parseSecurableName(type: SecurableType, fullName: string): ParsedName {
  if (typeof fullName !== 'string') throw validationError('A securable name must be a string.');
  if (type === 'metastore') {
    return { type, fullName: METASTORE_NAME, name: METASTORE_NAME, parentType: null, parentFullName: null };
  }
  if (type === 'serving_endpoint') {
    const name = normalizeEndpointName(fullName);
    return { type, fullName: name, name, parentType: 'metastore', parentFullName: METASTORE_NAME };
  }
  if (type === 'catalog') {
    const [name] = parseFullName(fullName, 1, WHAT[type]) as [string];
    return { type, fullName: name, name, parentType: 'metastore', parentFullName: METASTORE_NAME };
  }
  if (type === 'schema') {
    const [catalog, name] = parseFullName(fullName, 2, WHAT[type]) as [string, string];
    return { type, fullName: `${catalog}.${name}`, name, parentType: 'catalog', parentFullName: catalog };
  }
  const [catalog, schema, name] = parseFullName(fullName, 3, WHAT[type]) as [string, string, string];
  return {
    type,
    fullName: `${catalog}.${schema}.${name}`,
    name,
    parentType: 'schema',
    parentFullName: `${catalog}.${schema}`,
  };
}

/**
 * Types whose names collide within a schema: tables, views and vector indexes are all queried by name
 * in SQL, so `c.s.x` names one of them at most. Every other type has its own namespace.
 */
export function namespaceOf(type: SecurableType): readonly SecurableType[] {
  const relations: readonly SecurableType[] = ['table', 'view', 'vector_index'];
  return relations.includes(type) ? relations : [type];
}
