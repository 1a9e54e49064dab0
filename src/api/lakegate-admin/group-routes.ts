// /groups/{name}/members: anyone may read a group's direct members; only an admin changes them.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, pagedList, pageRequest, param, principalByName } from '../unity-catalog/index.js';
import type { AdminGuard } from './admin-guard.js';
import { toPrincipalInfo } from './identity-wire.js';
import { LG_PREFIX } from './paths.js';

export function groupRoutes(services: ApiServices, guard: AdminGuard): Route[] {
  const { identity } = services.catalog;
  const members = `${LG_PREFIX}/groups/:name/members`;
  return [
    jsonRoute('GET', members, async (ctx) => {
      const page = pageRequest(ctx.query);
      const group = await principalByName(identity, param(ctx, 'name'));
      const list = await identity.listMembers(group.id);
      return pagedList('members', list, (p) => p.name, page, toPrincipalInfo);
    }),
    jsonRoute('PUT', `${members}/:member`, async (ctx, actor) => {
      const [group, member] = [param(ctx, 'name'), param(ctx, 'member')];
      guard.requireAdmin(actor, 'identity.addMember', {
        group: group.slice(0, 300),
        member: member.slice(0, 300),
      });
      const [g, m] = [await principalByName(identity, group), await principalByName(identity, member)];
      await identity.addMember(g.id, m.id, actor.principalId);
      return {};
    }),
    jsonRoute('DELETE', `${members}/:member`, async (ctx, actor) => {
      const [group, member] = [param(ctx, 'name'), param(ctx, 'member')];
      guard.requireAdmin(actor, 'identity.removeMember', {
        group: group.slice(0, 300),
        member: member.slice(0, 300),
      });
      const [g, m] = [await principalByName(identity, group), await principalByName(identity, member)];
      await identity.removeMember(g.id, m.id, actor.principalId);
      return {};
    }),
  ];
}
