// The audit event of a principal acting on one securable, as the services that audit their own work
// (volume files, vector indexes, knowledge bases) record it: the actor's id, and its request unless the
// call names another.

import type { Actor } from '../model.js';
import type { AuditDecision, AuditEvent } from './audit-types.js';

export interface AccessEventInput {
  actor: Pick<Actor, 'principalId' | 'requestId'>;
  action: string;
  securableType: string;
  /** The securable, or its name as asked when it could not be resolved. */
  securable: { fullName: string } | string;
  decision: AuditDecision;
  params: Record<string, unknown>;
  /** The request to join the record with; the actor's by default. */
  requestId?: string | undefined;
}

export function accessEvent(input: AccessEventInput): AuditEvent {
  const event: AuditEvent = {
    principalId: input.actor.principalId,
    action: input.action,
    securableType: input.securableType,
    securableName: typeof input.securable === 'string' ? input.securable : input.securable.fullName,
    params: input.params,
    decision: input.decision,
  };
  const requestId = input.requestId ?? input.actor.requestId;
  if (requestId) event.requestId = requestId;
  return event;
}
