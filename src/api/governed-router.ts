// The model router as a request may use it: every call first asks whether the caller may QUERY what
// governs the model id (and audits the answer), and carries the request's cancellation and id.

import { LakegateError } from '../core/index.js';
import type { ConverseInput, EmbedInput } from '../gateway/index.js';
import type { NativeInvokeRequest } from '../models/index.js';
import type { RequestContext } from './http/context.js';
import type { ApiServices } from './services.js';

export function governedRouter(services: ApiServices, ctx: RequestContext) {
  const { router, access } = services;
  const actor = ctx.principal;
  const options = { signal: ctx.signal, requestId: ctx.requestId };
  const check = (modelId: string, operation: string) => {
    // Routes are authenticated before they run; a missing actor here is a wiring bug, not a caller's.
    if (!actor) throw new LakegateError('INTERNAL', 'A model call reached the router without a principal.');
    return access.check(actor, modelId, operation, ctx.requestId);
  };
  return {
    async converse(modelId: string, input: ConverseInput) {
      await check(modelId, 'converse');
      return router.converse(modelId, input, options);
    },
    async converseStream(modelId: string, input: ConverseInput) {
      await check(modelId, 'converseStream');
      return router.converseStream(modelId, input, options);
    },
    async embed(modelId: string, input: EmbedInput) {
      await check(modelId, 'embed');
      return router.embed(modelId, input, options);
    },
    async countTokens(modelId: string, input: ConverseInput) {
      await check(modelId, 'countTokens');
      return router.countTokens(modelId, input, options);
    },
    async invokeNative(modelId: string, request: Omit<NativeInvokeRequest, 'modelId'>) {
      await check(modelId, 'invoke');
      return router.invokeNative(modelId, request, options);
    },
    async invokeNativeStream(modelId: string, request: Omit<NativeInvokeRequest, 'modelId'>) {
      await check(modelId, 'invokeStream');
      return router.invokeNativeStream(modelId, request, options);
    },
    /** The endpoints and models the caller may QUERY. */
    async listModels() {
      if (!actor) return [];
      const all = router.listModels();
      const allowed = await Promise.all(all.map((m) => access.canQuery(actor, m.id)));
      return all.filter((_, i) => allowed[i]);
    },
  };
}
