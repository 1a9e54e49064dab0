// Retrieval's model calls (src/retrieval/model-calls.ts) made through the governed model API: the same
// access check, limits, usage record and endpoint guardrail as a call a client sends itself.

import { randomUUID } from 'node:crypto';
import type { RetrievalModels } from '../retrieval/index.js';
import { governedRouter, type ModelCallContext } from './governed-router.js';
import type { ApiServices } from './services.js';

/** `services` is read at call time: retrieval is built before the services object that holds it. */
export function retrievalModelsOf(services: () => ApiServices): RetrievalModels {
  // A call without a signal of its own gets a fresh one that never aborts: sharing one would let
  // listeners pile up on it for the life of the process.
  const router = (principal: ModelCallContext['principal'], requestId?: string, signal?: AbortSignal) =>
    governedRouter(services(), {
      principal,
      requestId: requestId ?? randomUUID(),
      signal: signal ?? new AbortController().signal,
    });
  return {
    async embed(actor, modelId, texts, inputType, options = {}) {
      const result = await router(actor, options.requestId, options.signal).embed(modelId, {
        inputs: [...texts],
        inputType,
      });
      return result.response.embeddings;
    },
    async converse(actor, modelId, input, options = {}) {
      const result = await router(actor, options.requestId, options.signal).converse(modelId, input);
      return result.response;
    },
  };
}
