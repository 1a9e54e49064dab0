// Identity administration (principals, memberships, keys, the audit log) is not a securable, and the
// identity service does not check its caller: who may do what is decided here, in one place. A refusal
// is itself audited, so escalation attempts show up in the log.

import type { Actor } from '../../catalog/index.js';
import { LakegateError } from '../../core/index.js';
import type { ApiServices } from '../services.js';

export class AdminGuard {
  constructor(private readonly services: ApiServices) {}

  /** Only a metastore admin. */
  requireAdmin(actor: Actor, action: string, params: Record<string, unknown> = {}): void {
    if (actor.isAdmin) return;
    this.deny(actor, action, params);
    throw new LakegateError(
      'AUTH_PERMISSION_DENIED',
      `User '${actor.name}' may not ${describe(action)}: only a metastore admin may.`,
      { details: { action } },
    );
  }

  /** A metastore admin, or the principal named (acting on itself). */
  requireAdminOrSelf(actor: Actor, principalName: string, action: string): void {
    if (actor.isAdmin || actor.name === principalName.toLowerCase()) return;
    this.deny(actor, action, { principal: principalName.slice(0, 300) });
    throw new LakegateError(
      'AUTH_PERMISSION_DENIED',
      `User '${actor.name}' may not ${describe(action)} for another principal: only that principal or a metastore admin may.`,
      { details: { action } },
    );
  }

  /** Records a refusal the caller decided itself (e.g. a key that is not the actor's). */
  deny(actor: Actor, action: string, params: Record<string, unknown>): void {
    this.services.catalog.audit.record({
      principalId: actor.principalId,
      action,
      params,
      decision: 'deny',
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    });
  }

  allow(actor: Actor, action: string, params: Record<string, unknown> = {}): void {
    this.services.catalog.audit.record({
      principalId: actor.principalId,
      action,
      params,
      decision: 'allow',
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    });
  }
}

/** `identity.createKey` -> `createKey`, for messages. */
function describe(action: string): string {
  return action.slice(action.indexOf('.') + 1);
}
