// The catalog's vocabulary, shared by every service in catalog/ and by the surfaces above it.

export type PrincipalKind = 'user' | 'service' | 'group';

export interface CatalogPrincipal {
  id: string;
  name: string;
  kind: PrincipalKind;
  displayName: string | null;
  /** The metastore admin: every privilege on everything. */
  isAdmin: boolean;
  createdAt: string;
}

/** Who a request acts as, resolved once per request from its credentials. */
export interface Actor {
  principalId: string;
  name: string;
  kind: Exclude<PrincipalKind, 'group'>;
  isAdmin: boolean;
  /** The API key the request authenticated with. */
  keyId?: string;
  requestId?: string;
}

export const SECURABLE_TYPES = [
  'metastore',
  'catalog',
  'schema',
  'table',
  'view',
  'volume',
  'function',
  'model',
  'vector_index',
  'knowledge_base',
  'guardrail',
  'prompt',
  'agent',
  'serving_endpoint',
] as const;
export type SecurableType = (typeof SECURABLE_TYPES)[number];

/** Types that live in a schema and are named `catalog.schema.object`. */
export const SCHEMA_OBJECT_TYPES = [
  'table',
  'view',
  'volume',
  'function',
  'model',
  'vector_index',
  'knowledge_base',
  'guardrail',
  'prompt',
  'agent',
] as const satisfies readonly SecurableType[];
export type SchemaObjectType = (typeof SCHEMA_OBJECT_TYPES)[number];

export interface Securable {
  id: string;
  type: SecurableType;
  /** `catalog`, `catalog.schema`, `catalog.schema.object`; a serving endpoint's bare name; `metastore`. */
  fullName: string;
  name: string;
  parentId: string | null;
  ownerId: string;
  comment: string | null;
  details: Record<string, unknown>;
  createdAt: string;
  createdBy: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

export type Decision =
  | { allowed: true; reason: 'admin' | 'owner' | 'grant' | 'manage' }
  | { allowed: false; reason: 'no-privilege' | 'no-use-catalog' | 'no-use-schema' | 'not-found' };
