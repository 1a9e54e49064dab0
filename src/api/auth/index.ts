export type { Credentials, KeyVerifier } from './authenticate.js';
export { authenticateBearer, authenticateSigV4, credentialsOf } from './authenticate.js';
export { parseSigV4Authorization, verifySigV4 } from './sigv4-verify.js';
