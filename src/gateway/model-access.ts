// Who may call which model: QUERY on the serving endpoint that governs the model id (the endpoint, or
// the provider for a direct call), asked of the catalog's one authorisation function. Every decision,
// allowed or denied, goes to the audit log, which batches it off the request path.

import type { Actor, AuditEvent, AuditLog, Authorizer, Securable } from '../catalog/index.js';
import { LakegateError, toLakegateError } from '../core/index.js';
import type { ModelRouter } from './router.js';

export interface ModelAccessOptions {
  router: ModelRouter;
  authorizer: Authorizer;
  audit: AuditLog;
  /** Serving-endpoint securables by name: every configured endpoint and provider. */
  endpoints: ReadonlyMap<string, Securable>;
}

/** `model.<operation>`, made once per operation rather than once per call. */
const actions = new Map<string, string>();
function actionOf(operation: string): string {
  let action = actions.get(operation);
  if (action === undefined) {
    action = `model.${operation}`;
    actions.set(operation, action);
  }
  return action;
}

export class ModelAccess {
  constructor(private readonly options: ModelAccessOptions) {}

  private securableFor(modelId: string): Securable {
    const name = this.options.router.accessName(modelId);
    const securable = this.options.endpoints.get(name);
    if (!securable) {
      throw new LakegateError('MODEL_NOT_FOUND', `No endpoint or provider serves the model "${modelId}".`);
    }
    return securable;
  }

  /** Throws unless the actor may QUERY the model; NOT_FOUND when it may not even see it. */
  async check(actor: Actor, modelId: string, operation: string, requestId?: string): Promise<void> {
    const securable = this.securableFor(modelId);
    let decision: AuditEvent['decision'] = 'allow';
    let failure: unknown;
    try {
      await this.options.authorizer.require(actor, 'QUERY', securable);
    } catch (error) {
      decision = 'deny';
      failure = error;
    }
    // One event, built once: this runs on every model call.
    const event: AuditEvent = {
      principalId: actor.principalId,
      action: actionOf(operation),
      securableType: 'serving_endpoint',
      securableName: securable.fullName,
      params: { modelId },
      decision,
    };
    if (requestId) event.requestId = requestId;
    this.options.audit.record(event);
    if (decision === 'deny') throw toLakegateError(failure);
  }

  /** Whether the actor may QUERY what governs this id, for listings (no audit: nothing is accessed). */
  async canQuery(actor: Actor, modelId: string): Promise<boolean> {
    try {
      const decision = await this.options.authorizer.authorize(actor, 'QUERY', this.securableFor(modelId));
      return decision.allowed;
    } catch {
      return false;
    }
  }
}
