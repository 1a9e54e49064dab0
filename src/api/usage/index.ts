export type { UsageRouteDeps } from './usage-routes.js';
export { METRICS_PATH, USAGE_PATHS, usageRoutes } from './usage-routes.js';
