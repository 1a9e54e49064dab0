// Every Unity-Catalog-compatible route, under /api/2.1/unity-catalog.

import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import { catalogRoutes } from './catalog-routes.js';
import { functionRoutes } from './function-routes.js';
import { modelRoutes } from './model-routes.js';
import { permissionRoutes } from './permission-routes.js';
import { schemaRoutes } from './schema-routes.js';
import { tableRoutes } from './table-routes.js';
import { volumeRoutes } from './volume-routes.js';

export function unityCatalogRoutes(services: ApiServices): Route[] {
  return [
    ...catalogRoutes(services),
    ...schemaRoutes(services),
    ...tableRoutes(services),
    ...volumeRoutes(services),
    ...functionRoutes(services),
    ...modelRoutes(services),
    ...permissionRoutes(services),
  ];
}
