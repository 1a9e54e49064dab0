export { agentRuntimeSurface } from './agent-runtime-error.js';
export { agentRuntimeRoutes } from './agent-runtime-routes.js';
export { KB_PREFIX, knowledgeBaseRoutes } from './knowledge-base-routes.js';
