export type { BootstrapOptions, BootstrapResult } from './admin-bootstrap.js';
export { ADMIN_NAME } from './admin-bootstrap.js';
export type { ParsedApiKey } from './api-key.js';
export { generateApiKey, hashSecret, isValidKeyId, parseApiKey, secretMatches } from './api-key.js';
export type { IdentityChange, IdentityChangeListener } from './commit-change.js';
export type {
  ApiKeyInfo,
  CreatedKey,
  CreateKeyOptions,
  CreatePrincipalInput,
  IdentityServiceOptions,
} from './identity-service.js';
export { IdentityService } from './identity-service.js';
export { loadMasterKey } from './master-key.js';
export { seal, unseal } from './sealed-secret.js';
