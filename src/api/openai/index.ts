export { openaiSurface } from './openai-error.js';
export { openaiRoutes } from './openai-routes.js';
