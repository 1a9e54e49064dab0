// Unity Catalog's privileges, plus QUERY on serving endpoints, vector indexes and knowledge bases, and
// which of them can be granted on which securable type.

import type { SchemaObjectType, SecurableType } from './model.js';

export const PRIVILEGES = [
  'CREATE CATALOG',
  'USE CATALOG',
  'CREATE SCHEMA',
  'USE SCHEMA',
  'CREATE TABLE',
  'CREATE VOLUME',
  'CREATE FUNCTION',
  'CREATE MODEL',
  'CREATE MODEL VERSION',
  'SELECT',
  'MODIFY',
  'READ VOLUME',
  'WRITE VOLUME',
  'EXECUTE',
  'QUERY',
  'APPLY TAG',
  'BROWSE',
  'MANAGE',
  'ALL PRIVILEGES',
] as const;
export type Privilege = (typeof PRIVILEGES)[number];

const OBJECT_COMMON: Privilege[] = ['APPLY TAG', 'BROWSE', 'MANAGE', 'ALL PRIVILEGES'];

/** Privileges that may be granted on a schema or catalog and are inherited by what is inside. */
const CONTAINER: Privilege[] = [
  'USE SCHEMA',
  'CREATE TABLE',
  'CREATE VOLUME',
  'CREATE FUNCTION',
  'CREATE MODEL',
  'CREATE MODEL VERSION',
  'SELECT',
  'MODIFY',
  'READ VOLUME',
  'WRITE VOLUME',
  'EXECUTE',
  'QUERY',
  ...OBJECT_COMMON,
];

export const GRANTABLE: Record<SecurableType, readonly Privilege[]> = {
  // Metastore privileges are not inherited by catalogs.
  metastore: ['CREATE CATALOG', 'MANAGE'],
  catalog: ['USE CATALOG', 'CREATE SCHEMA', ...CONTAINER],
  schema: CONTAINER,
  table: ['SELECT', 'MODIFY', ...OBJECT_COMMON],
  view: ['SELECT', ...OBJECT_COMMON],
  volume: ['READ VOLUME', 'WRITE VOLUME', ...OBJECT_COMMON],
  function: ['EXECUTE', ...OBJECT_COMMON],
  model: ['EXECUTE', 'CREATE MODEL VERSION', ...OBJECT_COMMON],
  vector_index: ['SELECT', 'QUERY', ...OBJECT_COMMON],
  knowledge_base: ['QUERY', ...OBJECT_COMMON],
  guardrail: ['EXECUTE', ...OBJECT_COMMON],
  prompt: ['EXECUTE', ...OBJECT_COMMON],
  agent: ['EXECUTE', ...OBJECT_COMMON],
  serving_endpoint: ['QUERY', 'MANAGE', 'ALL PRIVILEGES'],
};

/**
 * The privilege on the schema that creating an object of a type needs. Vector indexes and knowledge
 * bases are created like tables (as in Databricks); guardrails, prompts and agents, which are run
 * with EXECUTE, like functions.
 */
export const CREATE_PRIVILEGE: Record<SchemaObjectType, Privilege> = {
  table: 'CREATE TABLE',
  view: 'CREATE TABLE',
  volume: 'CREATE VOLUME',
  function: 'CREATE FUNCTION',
  model: 'CREATE MODEL',
  vector_index: 'CREATE TABLE',
  knowledge_base: 'CREATE TABLE',
  guardrail: 'CREATE FUNCTION',
  prompt: 'CREATE FUNCTION',
  agent: 'CREATE FUNCTION',
};

export function isPrivilege(value: string): value is Privilege {
  return (PRIVILEGES as readonly string[]).includes(value);
}

/** UC clients send privileges as `USE_CATALOG`; both spellings are accepted, the spaced one is stored. */
export function normalizePrivilege(value: string): Privilege | undefined {
  const spaced = value.trim().toUpperCase().replace(/_/g, ' ');
  return isPrivilege(spaced) ? spaced : undefined;
}
