// /permissions/{securable_type}/{full_name}: the direct grants on a securable, and changes to them, all or
// none. Privileges go out as Unity Catalog spells them (USE_CATALOG) and come in either way.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { jsonRoute, param, readJson } from './json-route.js';
import { UC_PREFIX } from './paths.js';
import { updatePermissionsBody } from './request-bodies.js';
import { asTableOrView, parseSecurableType } from './securable-types.js';

export function permissionRoutes(services: ApiServices): Route[] {
  const { securables } = services.catalog;
  const path = `${UC_PREFIX}/permissions/:securable_type/:full_name`;
  return [
    jsonRoute('GET', path, async (ctx, actor) => {
      const type = parseSecurableType(param(ctx, 'securable_type'));
      const principal = ctx.query.get('principal');
      const options = principal ? { principal: principal.toLowerCase() } : {};
      return asTableOrView(type, (t) =>
        securables.getPermissions(actor, t, param(ctx, 'full_name'), options),
      );
    }),
    jsonRoute('PATCH', path, async (ctx, actor) => {
      const type = parseSecurableType(param(ctx, 'securable_type'));
      const { changes } = readJson(ctx, updatePermissionsBody);
      const normalized = changes.map((c) => ({ ...c, principal: c.principal.toLowerCase() }));
      return asTableOrView(type, (t) =>
        securables.updatePermissions(actor, t, param(ctx, 'full_name'), normalized),
      );
    }),
  ];
}
