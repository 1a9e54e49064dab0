// /principals and /me: anyone may list and read principals (a grant needs a name to grant to); only a
// metastore admin creates or deletes them.

import type { PrincipalKind } from '../../catalog/index.js';
import { LakegateError, validationError } from '../../core/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import {
  jsonRoute,
  pagedList,
  pageRequest,
  param,
  principalByName,
  readJson,
} from '../unity-catalog/index.js';
import type { AdminGuard } from './admin-guard.js';
import { toPrincipalInfo } from './identity-wire.js';
import { LG_PREFIX } from './paths.js';
import { createPrincipalBody } from './request-bodies.js';

const KINDS: readonly string[] = ['user', 'service', 'group'];

export function principalRoutes(services: ApiServices, guard: AdminGuard): Route[] {
  const { identity } = services.catalog;
  return [
    jsonRoute('POST', `${LG_PREFIX}/principals`, async (ctx, actor) => {
      const body = readJson(ctx, createPrincipalBody);
      guard.requireAdmin(actor, 'identity.createPrincipal', { principal: body.name, kind: body.kind });
      const created = await identity.createPrincipal(
        { name: body.name, kind: body.kind, displayName: body.display_name ?? null },
        actor.principalId,
      );
      return toPrincipalInfo(created);
    }),
    jsonRoute('GET', `${LG_PREFIX}/principals`, async (ctx) => {
      const kind = ctx.query.get('kind');
      if (kind !== null && !KINDS.includes(kind))
        throw validationError('kind must be user, service or group.');
      const page = pageRequest(ctx.query);
      const principals = await identity.listPrincipals(kind ? { kind: kind as PrincipalKind } : {});
      return pagedList('principals', principals, (p) => p.name, page, toPrincipalInfo);
    }),
    jsonRoute('GET', `${LG_PREFIX}/principals/:name`, async (ctx) =>
      toPrincipalInfo(await principalByName(identity, param(ctx, 'name'))),
    ),
    jsonRoute('DELETE', `${LG_PREFIX}/principals/:name`, async (ctx, actor) => {
      const name = param(ctx, 'name');
      guard.requireAdmin(actor, 'identity.deletePrincipal', { principal: name.slice(0, 300) });
      const principal = await principalByName(identity, name);
      await identity.deletePrincipal(principal.id, actor.principalId);
      return {};
    }),
    jsonRoute('GET', `${LG_PREFIX}/me`, async (_ctx, actor) => {
      const me = await identity.getPrincipal(actor.principalId);
      // The key just verified belongs to this principal: it can only be gone if deleted a moment ago.
      if (!me) throw new LakegateError('AUTH_UNAUTHENTICATED', 'The principal of this key no longer exists.');
      const groupIds = new Set(await identity.groupsOf(me.id));
      const groups = (await identity.listPrincipals({ kind: 'group' }))
        .filter((g) => groupIds.has(g.id))
        .map((g) => g.name);
      return { ...toPrincipalInfo(me), groups };
    }),
  ];
}
