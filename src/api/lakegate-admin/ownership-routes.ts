// PATCH /ownership/{securable_type}/{full_name}: hand a securable to another principal (user, service
// or group). Those who manage it may; the metastore only by an admin (the catalog checks both).

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import {
  asTableOrView,
  jsonRoute,
  param,
  parseSecurableType,
  principalByName,
  readJson,
} from '../unity-catalog/index.js';
import { LG_PREFIX } from './paths.js';
import { ownershipBody } from './request-bodies.js';

export function ownershipRoutes(services: ApiServices): Route[] {
  const { securables, identity } = services.catalog;
  return [
    jsonRoute('PATCH', `${LG_PREFIX}/ownership/:securable_type/:full_name`, async (ctx, actor) => {
      const type = parseSecurableType(param(ctx, 'securable_type'));
      const { owner } = readJson(ctx, ownershipBody);
      const fullName = param(ctx, 'full_name');
      // Sight first: someone who cannot see the securable learns nothing, not even whether the owner exists.
      await asTableOrView(type, (t) => securables.get(actor, t, fullName));
      const principal = await principalByName(identity, owner);
      await asTableOrView(type, (t) => securables.transferOwnership(actor, t, fullName, principal.id));
      return {};
    }),
  ];
}
