// API keys: a principal's own keys, or any with admin rights. The token is shown once, in the answer to
// its creation; listings never carry a secret. A key that is not the caller's is, to the caller, a key
// that does not exist.

import { LakegateError, validationError } from '../../core/index.js';
import type { Route } from '../http/route.js';
import type { ApiServices } from '../services.js';
import {
  epochMs,
  jsonRoute,
  pagedList,
  pageRequest,
  param,
  principalByName,
  readJson,
} from '../unity-catalog/index.js';
import type { AdminGuard } from './admin-guard.js';
import { toKeyInfo } from './identity-wire.js';
import { LG_PREFIX } from './paths.js';
import { createKeyBody } from './request-bodies.js';

function expiryOf(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw validationError('expires_at is not a valid time.');
  return date.toISOString();
}

export function keyRoutes(services: ApiServices, guard: AdminGuard): Route[] {
  const { identity } = services.catalog;
  const keysOf = `${LG_PREFIX}/principals/:name/keys`;
  return [
    jsonRoute('POST', keysOf, async (ctx, actor) => {
      const name = param(ctx, 'name');
      guard.requireAdminOrSelf(actor, name, 'identity.createKey');
      const body = readJson(ctx, createKeyBody);
      const principal = await principalByName(identity, name);
      const options: Parameters<typeof identity.createKey>[1] = {};
      const expiresAt = expiryOf(body.expires_at);
      if (expiresAt !== undefined) options.expiresAt = expiresAt;
      if (body.description !== undefined) options.description = body.description;
      if (body.sigv4 !== undefined) options.sigv4 = body.sigv4;
      const created = await identity.createKey(principal.id, options, actor.principalId);
      return { key_id: created.keyId, token: created.token, expires_at: epochMs(created.expiresAt) };
    }),
    jsonRoute('GET', keysOf, async (ctx, actor) => {
      const name = param(ctx, 'name');
      guard.requireAdminOrSelf(actor, name, 'identity.listKeys');
      const page = pageRequest(ctx.query);
      const principal = await principalByName(identity, name);
      const keys = await identity.listKeys(principal.id);
      return pagedList('keys', keys, (k) => `${k.createdAt}|${k.keyId}`, page, toKeyInfo);
    }),
    jsonRoute('DELETE', `${LG_PREFIX}/keys/:key_id`, async (ctx, actor) => {
      const keyId = param(ctx, 'key_id');
      const key = await identity.getKey(keyId);
      if (!key || (!actor.isAdmin && key.principalId !== actor.principalId)) {
        if (key) guard.deny(actor, 'identity.revokeKey', { keyId });
        throw new LakegateError(
          'NOT_FOUND',
          `API key ${JSON.stringify(keyId.slice(0, 100))} does not exist or you do not have permission.`,
        );
      }
      await identity.revokeKey(keyId, actor.principalId);
      return {};
    }),
  ];
}
