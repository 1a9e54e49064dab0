export { attachedGuardrails, EndpointGuardedRouter } from './endpoint-guarded-router.js';
export { guardrailRoutes } from './guardrail-routes.js';
