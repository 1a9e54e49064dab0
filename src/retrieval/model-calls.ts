// The model calls retrieval makes (embedding documents and queries, reranking, generating answers), as a port the
// surface layer fills in: there every call goes through the governed model API, so the caller's access
// to the model, its rate limits and budgets, usage records and endpoint guardrails all apply to
// retrieval's calls exactly as to a direct call.

import type { Actor } from '../catalog/index.js';
import type { ConverseRequest, ConverseResponse, EmbeddingInputType } from '../core/index.js';

export type ConverseInput = Omit<ConverseRequest, 'modelId'>;

export interface ModelCallOptions {
  /** Stops the call (the client went away, a sync was cancelled). */
  signal?: AbortSignal;
  /** The request this call serves, for usage records and the audit. */
  requestId?: string;
}

export interface RetrievalModels {
  /** One vector per text, in order, from model `modelId` (a serving endpoint or `provider/model`), as `actor`. */
  embed(
    actor: Actor,
    modelId: string,
    texts: readonly string[],
    inputType: EmbeddingInputType,
    options?: ModelCallOptions,
  ): Promise<Float32Array[]>;
  /**
   * Relevance of each document to the query by reranking model `modelId`, as `actor`: one score per
   * document, in document order (higher is more relevant).
   */
  rerank(
    actor: Actor,
    modelId: string,
    query: string,
    documents: readonly string[],
    options?: ModelCallOptions,
  ): Promise<number[]>;
  /** One Converse call, as `actor`. */
  converse(
    actor: Actor,
    modelId: string,
    input: ConverseInput,
    options?: ModelCallOptions,
  ): Promise<ConverseResponse>;
}
