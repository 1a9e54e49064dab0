// Retrieval's model calls (src/retrieval/model-calls.ts) made through the governed model API: the same
// access check, limits, usage record and endpoint guardrail as a call a client sends itself.

import { randomUUID } from 'node:crypto';
import { relevanceByDocument } from '../core/index.js';
import type { RetrievalModels } from '../retrieval/index.js';
import { governedRouter, type ModelCallContext } from './governed-router.js';
import type { ApiServices } from './services.js';

/** `services` is read at call time: retrieval is built before the services object that holds it. */
export function retrievalModelsOf(services: () => ApiServices): RetrievalModels {
  // Each call gets a signal of its own (following the caller's, if any): the router listens on the
  // signal it is given for every attempt, and a long-lived one (a sync's, shared by all its embedding
  // batches) would collect those listeners until it ends. AbortSignal.any holds its source weakly.
  const router = (principal: ModelCallContext['principal'], requestId?: string, signal?: AbortSignal) =>
    governedRouter(services(), {
      principal,
      requestId: requestId ?? randomUUID(),
      signal: signal ? AbortSignal.any([signal]) : new AbortController().signal,
    });
  return {
    async embed(actor, modelId, texts, inputType, options = {}) {
      const result = await router(actor, options.requestId, options.signal).embed(modelId, {
        inputs: [...texts],
        inputType,
      });
      return result.response.embeddings;
    },
    async rerank(actor, modelId, query, documents, options = {}) {
      const result = await router(actor, options.requestId, options.signal).rerank(modelId, {
        query,
        documents: [...documents],
      });
      return relevanceByDocument(result.response, documents.length);
    },
    async converse(actor, modelId, input, options = {}) {
      const result = await router(actor, options.requestId, options.signal).converse(modelId, input);
      return result.response;
    },
  };
}
