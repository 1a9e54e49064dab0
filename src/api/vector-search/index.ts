export { vectorSearchSurface } from './vector-search-error.js';
export { VECTOR_SEARCH_PREFIX, vectorSearchRoutes } from './vector-search-routes.js';
