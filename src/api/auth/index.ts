export type { ParsedApiKey } from './api-key.js';
export { generateApiKey, hashSecret, parseApiKey } from './api-key.js';
export type { Credentials } from './authenticate.js';
export { authenticateBearer, authenticateSigV4, credentialsOf } from './authenticate.js';
export type { AdminKey } from './key-files.js';
export { ensureAdminKey, loadMasterKey } from './key-files.js';
export type { StoredApiKey } from './key-ring.js';
export { KeyRing } from './key-ring.js';
export { parseSigV4Authorization, verifySigV4 } from './sigv4-verify.js';
