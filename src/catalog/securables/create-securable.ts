// Creating securables. The creator owns what it creates. A catalog needs CREATE CATALOG on the metastore;
// a schema USE CATALOG and CREATE SCHEMA on its catalog; an object USE CATALOG, USE SCHEMA and the
// type's CREATE privilege on its schema (or inherited from the catalog); a serving endpoint, management
// of the metastore. The `ensure*` forms are for start-up and act as the given admin without checks.

import type { Transaction } from 'kysely';
import { LakegateError, newId, nowIso, validationError } from '../../core/index.js';
import type { Database } from '../../store/index.js';
import { permissionDeniedError } from '../authorization/index.js';
import type { Actor, SchemaObjectType, Securable, SecurableType } from '../model.js';
import { CREATE_PRIVILEGE } from '../privileges.js';
import { requireManage, resolveVisible } from './access.js';
import {
  isSchemaObjectType,
  METASTORE_NAME,
  namespaceOf,
  type ParsedName,
  parseSecurableName,
} from './securable-name.js';
import { findSecurable, nameTaken, requireMetastore, toSecurable } from './securable-rows.js';
import { changeEvent, commitChange, type ServiceContext } from './service-context.js';
import { validateComment, validateDetails } from './validate-input.js';

export interface CreateOptions {
  comment?: string | null;
  details?: Record<string, unknown>;
}

const ID_PREFIX: Record<SecurableType, string> = {
  metastore: 'ms',
  catalog: 'cat',
  schema: 'sch',
  table: 'tbl',
  view: 'viw',
  volume: 'vol',
  function: 'fn',
  model: 'mdl',
  vector_index: 'vix',
  knowledge_base: 'kb',
  guardrail: 'grd',
  prompt: 'prm',
  agent: 'agt',
  serving_endpoint: 'ep',
};

export function actionName(verb: string, type: SecurableType): string {
  return verb + type.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

function alreadyExists(type: SecurableType, fullName: string, takenBy: SecurableType): LakegateError {
  const what = takenBy === type ? type.replace('_', ' ') : `${takenBy.replace('_', ' ')} (same namespace)`;
  return new LakegateError('ALREADY_EXISTS', `A ${what} named '${fullName}' already exists.`, {
    details: { securable_type: type, full_name: fullName },
  });
}

async function insert(
  trx: Transaction<Database>,
  parsed: ParsedName,
  parentId: string | null,
  ownerId: string,
  options: CreateOptions,
): Promise<Securable> {
  const taken = await nameTaken(trx, namespaceOf(parsed.type), parsed.fullName);
  if (taken) throw alreadyExists(parsed.type, parsed.fullName, taken);
  const now = nowIso();
  const row = {
    id: newId(ID_PREFIX[parsed.type]),
    type: parsed.type,
    full_name: parsed.fullName,
    name: parsed.name,
    parent_id: parentId,
    owner_id: ownerId,
    comment: validateComment(options.comment),
    details: JSON.stringify(validateDetails(parsed.type, options.details)),
    created_at: now,
    created_by: ownerId,
    updated_at: now,
    updated_by: ownerId,
  };
  await trx.insertInto('securables').values(row).execute();
  return toSecurable(row);
}

async function create(
  ctx: ServiceContext,
  actor: Actor,
  parsed: ParsedName,
  parent: Securable,
  options: CreateOptions,
): Promise<Securable> {
  // Validate before the transaction so bad input never opens one.
  validateComment(options.comment);
  validateDetails(parsed.type, options.details);
  return commitChange(
    ctx,
    (trx) => insert(trx, parsed, parent.id, actor.principalId, options),
    (created) => changeEvent(actionName('create', parsed.type), actor, created, { comment: created.comment }),
  );
}

/** Creates the root securable on first start; returns it as it is on later starts. */
export async function ensureMetastore(ctx: ServiceContext, adminId: string): Promise<Securable> {
  const existing = await findSecurable(ctx.db, 'metastore', METASTORE_NAME);
  if (existing) return existing;
  const parsed = parseSecurableName('metastore', METASTORE_NAME);
  return commitChange(
    ctx,
    async (trx) =>
      (await findSecurable(trx, 'metastore', METASTORE_NAME)) ?? insert(trx, parsed, null, adminId, {}),
    (metastore) => changeEvent('createMetastore', adminId, metastore),
  );
}

export async function createCatalog(
  ctx: ServiceContext,
  actor: Actor,
  name: string,
  options: CreateOptions = {},
): Promise<Securable> {
  const parsed = parseSecurableName('catalog', name);
  const metastore = await requireMetastore(ctx.db);
  // Everyone knows the metastore exists: a refusal here is a 403, never a NOT_FOUND.
  if (!(await ctx.authorizer.authorize(actor, 'CREATE CATALOG', metastore)).allowed) {
    throw permissionDeniedError(actor.name, 'CREATE CATALOG', 'metastore', metastore.fullName);
  }
  return create(ctx, actor, parsed, metastore, options);
}

export async function createSchema(
  ctx: ServiceContext,
  actor: Actor,
  fullName: string,
  options: CreateOptions = {},
): Promise<Securable> {
  const parsed = parseSecurableName('schema', fullName);
  const catalog = await resolveVisible(ctx, actor, 'catalog', parsed.parentFullName!);
  await ctx.authorizer.require(actor, 'USE CATALOG', catalog);
  await ctx.authorizer.require(actor, 'CREATE SCHEMA', catalog);
  return create(ctx, actor, parsed, catalog, options);
}

export async function createObject(
  ctx: ServiceContext,
  actor: Actor,
  type: SchemaObjectType,
  fullName: string,
  options: CreateOptions = {},
): Promise<Securable> {
  if (!isSchemaObjectType(type)) throw validationError(`"${String(type)}" is not a type of schema object.`);
  const parsed = parseSecurableName(type, fullName);
  const schema = await resolveVisible(ctx, actor, 'schema', parsed.parentFullName!);
  // USE SCHEMA on the schema checks USE CATALOG on its catalog first.
  await ctx.authorizer.require(actor, 'USE SCHEMA', schema);
  await ctx.authorizer.require(actor, CREATE_PRIVILEGE[type], schema);
  return create(ctx, actor, parsed, schema, options);
}

export async function createServingEndpoint(
  ctx: ServiceContext,
  actor: Actor,
  name: string,
  options: CreateOptions = {},
): Promise<Securable> {
  const parsed = parseSecurableName('serving_endpoint', name);
  const metastore = await requireMetastore(ctx.db);
  await requireManage(ctx, actor, metastore);
  return create(ctx, actor, parsed, metastore, options);
}

/** For endpoints declared in lakegate.yaml: created on start, owned by the admin, left alone if present. */
export async function ensureServingEndpoint(
  ctx: ServiceContext,
  adminId: string,
  name: string,
): Promise<Securable> {
  const parsed = parseSecurableName('serving_endpoint', name);
  const existing = await findSecurable(ctx.db, 'serving_endpoint', parsed.fullName);
  if (existing) return existing;
  const metastore = await ensureMetastore(ctx, adminId);
  return commitChange(
    ctx,
    async (trx) =>
      (await findSecurable(trx, 'serving_endpoint', parsed.fullName)) ??
      insert(trx, parsed, metastore.id, adminId, {}),
    (endpoint) => changeEvent('createServingEndpoint', adminId, endpoint),
  );
}
