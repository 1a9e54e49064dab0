// Guardrails attached to serving endpoints in the config (`endpoints.<name>.guardrail`): the model router
// applies them around every call of the endpoint, so every surface that calls it (Bedrock, OpenAI, ...)
// is guarded alike and none can go around it. Input is checked before the model is called, output after,
// a stream incrementally (converse-guardrail.ts). The endpoint's callers need QUERY on the endpoint, not
// EXECUTE on its guardrail; interventions are audited with the endpoint and the request id.

import type { ConverseResponse, EndpointConfig, StreamEvent } from '../../core/index.js';
import {
  type ConverseInput,
  ModelRouter,
  type RouterCallOptions,
  type ServedBy,
} from '../../gateway/index.js';
import type { GuardrailService } from '../../guardrails/index.js';
import { ConverseGuard } from '../bedrock/converse-guardrail.js';

export type AttachedGuardrail = NonNullable<EndpointConfig['guardrail']>;

export class EndpointGuardedRouter extends ModelRouter {
  constructor(
    options: ConstructorParameters<typeof ModelRouter>[0],
    private readonly attached: ReadonlyMap<string, AttachedGuardrail>,
    /** Late-bound: the guardrail service embeds through this router. */
    private readonly guardrails: () => GuardrailService,
  ) {
    super(options);
  }

  private blockedServedBy(endpoint: string): ServedBy {
    return { endpoint, model: 'guardrail', attempts: 0 };
  }

  // Not async where no guardrail is attached: the router's own promise is handed on, where an async
  // method would wrap it in another (and more microtask turns) on every model call.
  override converse(
    modelId: string,
    input: ConverseInput,
    options: RouterCallOptions = {},
  ): Promise<{ response: ConverseResponse; servedBy: ServedBy }> {
    const attached = this.attached.get(modelId);
    if (!attached) return super.converse(modelId, input, options);
    return this.guardedConverse(modelId, input, options, attached);
  }

  private async guardedConverse(
    modelId: string,
    input: ConverseInput,
    options: RouterCallOptions,
    attached: AttachedGuardrail,
  ): Promise<{ response: ConverseResponse; servedBy: ServedBy }> {
    const guard = await ConverseGuard.forEndpoint(
      this.guardrails(),
      modelId,
      attached,
      options.requestId,
      'Converse',
    );
    if (attached.input && (await guard.checkInput(input))) {
      return { response: guard.blockedInputResponse(), servedBy: this.blockedServedBy(modelId) };
    }
    const called = await super.converse(modelId, input, options);
    return attached.output ? { ...called, response: await guard.checkOutput(called.response) } : called;
  }

  override converseStream(
    modelId: string,
    input: ConverseInput,
    options: RouterCallOptions = {},
  ): Promise<{ stream: AsyncIterable<StreamEvent>; servedBy: ServedBy }> {
    const attached = this.attached.get(modelId);
    if (!attached) return super.converseStream(modelId, input, options);
    return this.guardedConverseStream(modelId, input, options, attached);
  }

  private async guardedConverseStream(
    modelId: string,
    input: ConverseInput,
    options: RouterCallOptions,
    attached: AttachedGuardrail,
  ): Promise<{ stream: AsyncIterable<StreamEvent>; servedBy: ServedBy }> {
    const guard = await ConverseGuard.forEndpoint(
      this.guardrails(),
      modelId,
      attached,
      options.requestId,
      'ConverseStream',
    );
    if (attached.input && (await guard.checkInput(input))) {
      return { stream: guard.blockedInputStream(), servedBy: this.blockedServedBy(modelId) };
    }
    const called = await super.converseStream(modelId, input, options);
    return attached.output ? { ...called, stream: guard.guardStream(called.stream) } : called;
  }
}

/** The endpoints of a config that attach a guardrail. */
export function attachedGuardrails(
  endpoints: Record<string, EndpointConfig>,
): Map<string, AttachedGuardrail> {
  const out = new Map<string, AttachedGuardrail>();
  for (const [name, endpoint] of Object.entries(endpoints))
    if (endpoint.guardrail) out.set(name, endpoint.guardrail);
  return out;
}
