// Principals and API keys on the wire: snake_case, epoch-millisecond times, never a secret or a hash.

import type { ApiKeyInfo, CatalogPrincipal } from '../../catalog/index.js';
import { epochMs } from '../unity-catalog/index.js';

export function toPrincipalInfo(principal: CatalogPrincipal) {
  return {
    id: principal.id,
    name: principal.name,
    kind: principal.kind,
    display_name: principal.displayName,
    is_admin: principal.isAdmin,
    created_at: epochMs(principal.createdAt),
  };
}

export function toKeyInfo(key: ApiKeyInfo) {
  return {
    key_id: key.keyId,
    description: key.description,
    created_at: epochMs(key.createdAt),
    expires_at: epochMs(key.expiresAt),
    revoked_at: epochMs(key.revokedAt),
  };
}
