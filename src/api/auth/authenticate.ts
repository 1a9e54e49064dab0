// Every request resolves to a principal before anything else. A key arrives whole as a bearer token
// (`Authorization: Bearer`, `x-api-key`, the AWS SDK's Bedrock API-key auth), or as SigV4 credentials.
// The keys themselves live in the catalog's identity store; this file only reads credentials off the wire.

import type { Actor } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import { header, type RequestContext } from '../http/context.js';
import { parseSigV4Authorization, verifySigV4 } from './sigv4-verify.js';

/** What authentication needs from the identity store (IdentityService), so tests can stand in for it. */
export interface KeyVerifier {
  verifyBearer(token: string): Promise<Actor | undefined>;
  sigV4Secret(keyId: string): Promise<{ secret: string; actor: Actor } | undefined>;
}

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

export async function authenticateBearer(keys: KeyVerifier, token: string): Promise<Actor> {
  const actor = await keys.verifyBearer(token);
  if (!actor) throw unauthenticated('The API key is not valid, has expired or was revoked.');
  return actor;
}

/** Needs the body: the signature covers its hash. */
export async function authenticateSigV4(
  keys: KeyVerifier,
  ctx: RequestContext,
  authorization: string,
  body: Buffer,
): Promise<Actor> {
  const auth = parseSigV4Authorization(authorization);
  if (!auth) throw unauthenticated('The Authorization header is not a well-formed AWS Signature Version 4.');
  const key = await keys.sigV4Secret(auth.accessKeyId);
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
  return key.actor;
}
