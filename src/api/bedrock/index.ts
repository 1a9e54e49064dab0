export { bedrockSurface } from './bedrock-error.js';
export { bedrockRoutes } from './bedrock-routes.js';
