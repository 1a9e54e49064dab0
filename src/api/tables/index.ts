export type { TableRoutesOptions } from './table-data-routes.js';
export { DEFAULT_MAX_UPLOAD_BYTES, TABLES_PREFIX, tableDataRoutes } from './table-data-routes.js';
