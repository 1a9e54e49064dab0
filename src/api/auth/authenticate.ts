// Every request resolves to a principal before anything else. A key arrives whole as a bearer token
// (`Authorization: Bearer`, `x-api-key`, the AWS SDK's Bedrock API-key auth), or as SigV4 credentials.

import { LakegateError } from '../../core/index.js';
import { header, type Principal, type RequestContext } from '../http/context.js';
import { parseApiKey } from './api-key.js';
import type { KeyRing } from './key-ring.js';
import { parseSigV4Authorization, verifySigV4 } from './sigv4-verify.js';

export type Credentials =
  | { kind: 'bearer'; token: string }
  | { kind: 'sigv4'; authorization: string }
  | { kind: 'none' };

export function credentialsOf(ctx: RequestContext): Credentials {
  const authorization = header(ctx, 'authorization');
  if (authorization) {
    if (/^Bearer\s/i.test(authorization)) return { kind: 'bearer', token: authorization.slice(7).trim() };
    if (authorization.startsWith('AWS4-HMAC-SHA256')) return { kind: 'sigv4', authorization };
  }
  const apiKey = header(ctx, 'x-api-key');
  if (apiKey) return { kind: 'bearer', token: apiKey.trim() };
  return { kind: 'none' };
}

function unauthenticated(message: string, details: Record<string, unknown> = {}): LakegateError {
  return new LakegateError('AUTH_UNAUTHENTICATED', message, { details });
}

export function authenticateBearer(keys: KeyRing, token: string): Principal {
  const parsed = parseApiKey(token);
  const principal = parsed ? keys.verifyBearer(parsed) : undefined;
  if (!principal) throw unauthenticated('The API key is not valid, has expired or was revoked.');
  return principal;
}

/** Needs the body: the signature covers its hash. */
export function authenticateSigV4(
  keys: KeyRing,
  ctx: RequestContext,
  authorization: string,
  body: Buffer,
): Principal {
  const auth = parseSigV4Authorization(authorization);
  if (!auth) throw unauthenticated('The Authorization header is not a well-formed AWS Signature Version 4.');
  const key = keys.sigV4Secret(auth.accessKeyId);
  if (!key)
    throw unauthenticated('The access key id is not a valid Lakegate key.', { reason: 'unknown key' });
  const question = ctx.req.url?.indexOf('?') ?? -1;
  const result = verifySigV4(
    {
      method: ctx.method,
      rawPath: ctx.rawPath,
      rawQuery: question === -1 ? '' : (ctx.req.url ?? '').slice(question + 1),
      headers: ctx.req.headers,
      body,
    },
    auth,
    key.secret,
  );
  if (!result.ok)
    throw unauthenticated(`The request signature is not valid: ${result.reason}.`, { signature: true });
  return key.principal;
}
