// The checks every operation starts with: find the securable by name if the actor may see it (one
// NOT_FOUND for missing and invisible alike), and require management rights on it.

import { notFoundError, permissionDeniedError } from '../authorization/index.js';
import type { Actor, Securable, SecurableType } from '../model.js';
import { parseSecurableName } from './securable-name.js';
import { findSecurable, findSecurableRow, toSecurable } from './securable-rows.js';
import type { ServiceContext } from './service-context.js';

/**
 * The securable of that type and name, through the context's generation cache when it has one (the row
 * is cached, not the Securable: each caller gets its own object to keep).
 */
async function lookup(
  ctx: ServiceContext,
  type: SecurableType,
  fullName: string,
): Promise<Securable | undefined> {
  const cache = ctx.securableRows;
  if (cache === undefined) return findSecurable(ctx.db, type, fullName);
  const generation = await ctx.clock.current();
  cache.sync(generation);
  const key = `${type}:${fullName}`;
  let row = cache.get(key);
  if (row === undefined) {
    row = (await findSecurableRow(ctx.db, type, fullName)) ?? null;
    cache.set(generation, key, row);
  }
  return row ? toSecurable(row) : undefined;
}

export async function resolveVisible(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
): Promise<Securable> {
  const parsed = parseSecurableName(type, fullName);
  const securable = await lookup(ctx, type, parsed.fullName);
  if (!securable || !(await ctx.authorizer.canSee(actor, securable))) {
    throw notFoundError(type, parsed.fullName);
  }
  return securable;
}

/** Owner of it or an ancestor, MANAGE on it or an ancestor, or admin; the caller has checked visibility. */
export async function requireManage(ctx: ServiceContext, actor: Actor, securable: Securable): Promise<void> {
  if (!(await ctx.authorizer.canManage(actor, securable))) {
    throw permissionDeniedError(actor.name, 'MANAGE', securable.type, securable.fullName);
  }
}

export async function resolveManageable(
  ctx: ServiceContext,
  actor: Actor,
  type: SecurableType,
  fullName: string,
): Promise<Securable> {
  const securable = await resolveVisible(ctx, actor, type, fullName);
  await requireManage(ctx, actor, securable);
  return securable;
}
