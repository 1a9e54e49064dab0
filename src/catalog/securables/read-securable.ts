// Reading securables: one by name, or the children of one parent, showing only what the actor may see.

import { validationError } from '../../core/index.js';
import { notFoundError } from '../authorization/index.js';
import type { Actor, Securable, SecurableType } from '../model.js';
import { resolveVisible } from './access.js';
import { METASTORE_NAME, parseSecurableName } from './securable-name.js';
import { findSecurable, toSecurable } from './securable-rows.js';
import type { ServiceContext } from './service-context.js';

/** Needs BROWSE, any privilege that applies to it, ownership or management; NOT_FOUND otherwise. */
export function getSecurable(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
): Promise<Securable> {
  return resolveVisible(ctx, actor, type, fullName);
}

const PARENT_TYPE: Record<SecurableType, SecurableType | null> = {
  metastore: null,
  catalog: 'metastore',
  serving_endpoint: 'metastore',
  schema: 'catalog',
  table: 'schema',
  view: 'schema',
  volume: 'schema',
  function: 'schema',
  model: 'schema',
  vector_index: 'schema',
  knowledge_base: 'schema',
  guardrail: 'schema',
  prompt: 'schema',
  agent: 'schema',
};

/**
 * The securables of `type` directly under `parentFullName` (ignored for catalogs and serving endpoints,
 * whose parent is the metastore), by name. A parent the actor cannot see, with nothing visible in it,
 * is NOT_FOUND, the same as a parent that does not exist.
 */
export async function listSecurables(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  parentFullName?: string,
): Promise<Securable[]> {
  const parentType = PARENT_TYPE[type];
  if (!parentType) throw validationError(`Securables of type ${type} cannot be listed.`);
  const parentName =
    parentType === 'metastore'
      ? METASTORE_NAME
      : parseSecurableName(parentType, parentFullName ?? '').fullName;
  const parent = await findSecurable(ctx.db, parentType, parentName);
  if (!parent) throw notFoundError(parentType, parentName);
  const rows = await ctx.db
    .selectFrom('securables')
    .selectAll()
    .where('parent_id', '=', parent.id)
    .where('type', '=', type)
    .orderBy('full_name')
    .execute();
  const children = rows.map(toSecurable);
  const visible = await ctx.authorizer.visibleChildren(actor, parent.id, children);
  const shown = children.filter((c) => visible.has(c.id));
  if (shown.length === 0 && parentType !== 'metastore' && !(await ctx.authorizer.canSee(actor, parent))) {
    throw notFoundError(parentType, parentName);
  }
  return shown;
}
