export type { AllowedDecision, AuthorizerOptions, SecurableRef } from './authorizer.js';
export { Authorizer } from './authorizer.js';
export type { AuthContext, ChainNode } from './decide.js';
export { decide } from './decide.js';
export type { GroupsOf } from './load-context.js';
export { notFoundError, permissionDeniedError, securableLabel } from './not-found.js';
