// Every route of Lakegate's catalog additions, under /api/2.1/lakegate.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { AdminGuard } from './admin-guard.js';
import { auditRoutes } from './audit-routes.js';
import { groupRoutes } from './group-routes.js';
import { keyRoutes } from './key-routes.js';
import { lineageRoutes } from './lineage-routes.js';
import { ownershipRoutes } from './ownership-routes.js';
import { policyRoutes } from './policy-routes.js';
import { principalRoutes } from './principal-routes.js';
import { tagRoutes } from './tag-routes.js';

export function lakegateAdminRoutes(services: ApiServices): Route[] {
  const guard = new AdminGuard(services);
  return [
    ...principalRoutes(services, guard),
    ...groupRoutes(services, guard),
    ...keyRoutes(services, guard),
    ...policyRoutes(services),
    ...tagRoutes(services),
    ...ownershipRoutes(services),
    ...lineageRoutes(services),
    ...auditRoutes(services, guard),
  ];
}
