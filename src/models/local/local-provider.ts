// Lakegate's built-in offline models. None is a language model, and nothing here pretends otherwise:
// `extractive` quotes the request's own text with citations (or refuses), `embed` hashes lexical features,
// `rerank` orders candidates by lexical coverage of the query (lexical-reranker.ts).
// They let `lakegate up` work with no credentials and give tests a fast, deterministic provider.

import type {
  ConverseRequest,
  ConverseResponse,
  CountTokensResponse,
  EmbedRequest,
  EmbedResponse,
  RerankRequest,
  RerankResponse,
  StreamEvent,
} from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import { bestFirstRerankResults } from '../rerank-results.js';
import type { CallOptions, ModelProvider } from '../spec.js';
import { PROVIDER_SPEC_VERSION } from '../spec.js';
import { answerStream, throwIfAborted } from './answer-stream.js';
import { countPromptTokens } from './count-prompt-tokens.js';
import { answerExtractively } from './extractive-answerer.js';
import {
  DEFAULT_EMBED_DIMENSIONS,
  hashedEmbedding,
  MAX_EMBED_DIMENSIONS,
  MIN_EMBED_DIMENSIONS,
} from './hashed-embedding.js';
import { lexicalRelevance } from './lexical-reranker.js';
import { extractiveWarnings } from './request-warnings.js';
import { estimateTokens } from './token-estimate.js';

export interface LocalProviderOptions {
  /** The provider name, the prefix in `name/model` ids. Default `local`. */
  name?: string;
  /** Dimension of `embed` vectors when a request does not ask for one, 64..4096. Default 384. */
  embedDimensions?: number;
}

export const LOCAL_MODEL_IDS = ['extractive', 'embed', 'rerank'] as const;
export type LocalModelId = (typeof LOCAL_MODEL_IDS)[number];

function isValidDimension(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_EMBED_DIMENSIONS && value <= MAX_EMBED_DIMENSIONS;
}

export function createLocalProvider(options: LocalProviderOptions = {}): ModelProvider {
  const name = options.name ?? 'local';
  const defaultDimensions = options.embedDimensions ?? DEFAULT_EMBED_DIMENSIONS;
  if (name.trim() === '' || name.includes('/')) {
    throw new LakegateError(
      'CONFIG_INVALID',
      'The local provider name must be non-empty and contain no "/".',
      {
        details: { name },
      },
    );
  }
  if (!isValidDimension(defaultDimensions)) {
    throw new LakegateError(
      'CONFIG_INVALID',
      `embedDimensions must be an integer from ${MIN_EMBED_DIMENSIONS} to ${MAX_EMBED_DIMENSIONS}.`,
      { details: { embedDimensions: defaultDimensions } },
    );
  }

  function resolve(modelId: string, wanted: LocalModelId | undefined, operation: string): LocalModelId {
    const model = LOCAL_MODEL_IDS.find((id) => id === modelId);
    if (model === undefined) {
      throw new LakegateError('MODEL_NOT_FOUND', `Model ${name}/${modelId} does not exist.`, {
        details: { provider: name, modelId, available: [...LOCAL_MODEL_IDS] },
      });
    }
    if (wanted !== undefined && model !== wanted) {
      throw new LakegateError(
        'UNSUPPORTED_OPERATION',
        `Model ${name}/${model} does not support ${operation}.`,
        {
          details: { provider: name, modelId, operation },
        },
      );
    }
    return model;
  }

  function converseNow(request: ConverseRequest, startedAt: number, signal?: AbortSignal): ConverseResponse {
    throwIfAborted(signal);
    resolve(request.modelId, 'extractive', 'converse');
    const answer = answerExtractively(request);
    const inputTokens = countPromptTokens(request);
    const outputTokens = estimateTokens(answer.text);
    const warnings = extractiveWarnings(request);
    return {
      output: { message: { role: 'assistant', content: [{ type: 'text', text: answer.text }] } },
      stopReason: answer.stopReason,
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: Math.max(0, Math.round(performance.now() - startedAt)) },
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  return {
    specVersion: PROVIDER_SPEC_VERSION,
    name,

    async converse(request: ConverseRequest, callOptions?: CallOptions): Promise<ConverseResponse> {
      return converseNow(request, performance.now(), callOptions?.signal);
    },

    async converseStream(
      request: ConverseRequest,
      callOptions?: CallOptions,
    ): Promise<AsyncIterable<StreamEvent>> {
      const startedAt = performance.now();
      // Answering first means a bad model id or a cancelled call rejects here, before any event.
      const response = converseNow(request, startedAt, callOptions?.signal);
      return answerStream(response, startedAt, callOptions?.signal);
    },

    async embed(request: EmbedRequest, callOptions?: CallOptions): Promise<EmbedResponse> {
      throwIfAborted(callOptions?.signal);
      resolve(request.modelId, 'embed', 'embed');
      const dimensions = request.dimensions ?? defaultDimensions;
      if (!isValidDimension(dimensions)) {
        throw new LakegateError(
          'VALIDATION_FAILED',
          `dimensions must be an integer from ${MIN_EMBED_DIMENSIONS} to ${MAX_EMBED_DIMENSIONS}.`,
          { details: { dimensions } },
        );
      }
      // inputType is irrelevant: hashed features are symmetric, a query and a document embed alike.
      let inputTokens = 0;
      const embeddings = request.inputs.map((input) => {
        inputTokens += estimateTokens(input);
        return hashedEmbedding(input, dimensions);
      });
      return { embeddings, usage: { inputTokens } };
    },

    async rerank(request: RerankRequest, callOptions?: CallOptions): Promise<RerankResponse> {
      throwIfAborted(callOptions?.signal);
      resolve(request.modelId, 'rerank', 'rerank');
      const relevance = lexicalRelevance(request.query, request.documents);
      const results = bestFirstRerankResults(
        name,
        relevance.length,
        relevance.map((relevanceScore, index) => ({ index, relevanceScore })),
      ).slice(0, request.topN ?? relevance.length);
      const inputTokens =
        estimateTokens(request.query) * request.documents.length +
        request.documents.reduce((sum, document) => sum + estimateTokens(document), 0);
      return { results, usage: { inputTokens } };
    },

    async countTokens(request: ConverseRequest, callOptions?: CallOptions): Promise<CountTokensResponse> {
      throwIfAborted(callOptions?.signal);
      resolve(request.modelId, undefined, 'countTokens');
      return { inputTokens: countPromptTokens(request) };
    },

    listModels(): readonly string[] {
      return [...LOCAL_MODEL_IDS];
    },
  };
}
