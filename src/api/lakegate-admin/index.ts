export { lakegateAdminRoutes } from './lakegate-admin-routes.js';
export { LG_PREFIX } from './paths.js';
