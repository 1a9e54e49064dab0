export { sqlSurface, sqlWireError } from './sql-error.js';
export { sqlRoutes } from './sql-routes.js';
export { SQL_PREFIX } from './statement-wire.js';
