export { filesError, filesSurface } from './files-error.js';
export { DIRECTORIES_PREFIX, FILES_PREFIX, filesRoutes } from './files-routes.js';
