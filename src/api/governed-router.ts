// The model router as a request may use it: every call first asks whether the caller may QUERY what
// governs the model id (and audits the answer), and carries the request's cancellation and id.
// A class rather than an object of closures: one is made per request, and its methods are shared.

import { LakegateError } from '../core/index.js';
import type { ConverseInput, EmbedInput, RouterCallOptions } from '../gateway/index.js';
import type { NativeInvokeRequest } from '../models/index.js';
import type { RequestContext } from './http/context.js';
import type { ApiServices } from './services.js';

class GovernedRouter {
  private readonly options: RouterCallOptions;

  constructor(
    private readonly services: ApiServices,
    private readonly ctx: RequestContext,
  ) {
    // The pipeline's cancellation when there is one: following it needs no AbortSignal.
    this.options = ctx.cancellation
      ? { client: ctx.cancellation, requestId: ctx.requestId }
      : { signal: ctx.signal, requestId: ctx.requestId };
  }

  private check(modelId: string, operation: string): Promise<void> {
    const actor = this.ctx.principal;
    // Routes are authenticated before they run; a missing actor here is a wiring bug, not a caller's.
    if (!actor) throw new LakegateError('INTERNAL', 'A model call reached the router without a principal.');
    return this.services.access.check(actor, modelId, operation, this.ctx.requestId);
  }

  async converse(modelId: string, input: ConverseInput) {
    await this.check(modelId, 'converse');
    return this.services.router.converse(modelId, input, this.options);
  }

  async converseStream(modelId: string, input: ConverseInput) {
    await this.check(modelId, 'converseStream');
    return this.services.router.converseStream(modelId, input, this.options);
  }

  async embed(modelId: string, input: EmbedInput) {
    await this.check(modelId, 'embed');
    return this.services.router.embed(modelId, input, this.options);
  }

  async countTokens(modelId: string, input: ConverseInput) {
    await this.check(modelId, 'countTokens');
    return this.services.router.countTokens(modelId, input, this.options);
  }

  async invokeNative(modelId: string, request: Omit<NativeInvokeRequest, 'modelId'>) {
    await this.check(modelId, 'invoke');
    return this.services.router.invokeNative(modelId, request, this.options);
  }

  async invokeNativeStream(modelId: string, request: Omit<NativeInvokeRequest, 'modelId'>) {
    await this.check(modelId, 'invokeStream');
    return this.services.router.invokeNativeStream(modelId, request, this.options);
  }

  /** The endpoints and models the caller may QUERY. */
  async listModels() {
    const actor = this.ctx.principal;
    if (!actor) return [];
    const { router, access } = this.services;
    const all = router.listModels();
    const allowed = await Promise.all(all.map((m) => access.canQuery(actor, m.id)));
    return all.filter((_, i) => allowed[i]);
  }
}

export function governedRouter(services: ApiServices, ctx: RequestContext): GovernedRouter {
  return new GovernedRouter(services, ctx);
}
