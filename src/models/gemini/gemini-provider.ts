// The Google Gemini (Generative Language API) adapter. The API key travels in the x-goog-api-key
// header, never in the URL (`?key=`), so it cannot end up in access logs or error messages.

import type { Dispatcher } from 'undici';
import type {
  ConverseRequest,
  ConverseResponse,
  CountTokensResponse,
  EmbeddingInputType,
  EmbedRequest,
  EmbedResponse,
  StreamEvent,
} from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import {
  type AnswerErrorOf,
  callForAnswer,
  callForStream,
  createUpstreamAgent,
  parseJsonText,
} from '../http/index.js';
import { type CallOptions, type ModelProvider, PROVIDER_SPEC_VERSION } from '../spec.js';
import { buildGeminiRequest, convertSystem } from './build-gemini-request.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiTools } from './convert-to-gemini-tools.js';
import { geminiAnswerError } from './gemini-error.js';
import {
  batchEmbedContentsResponseSchema,
  countTokensResponseSchema,
  generateContentResponseSchema,
} from './gemini-response-schema.js';
import { geminiStreamEvents } from './gemini-stream.js';
import { parseGeminiResponse } from './parse-gemini-response.js';
import { WarningList } from './warning-list.js';

export interface GeminiProviderOptions {
  /** The provider name, the prefix in `provider/model` ids. */
  name: string;
  /** Defaults to https://generativelanguage.googleapis.com. */
  baseUrl?: string;
  /** Defaults to v1beta, where tools, system instructions and thinking are available. */
  apiVersion?: string;
  /** Sent as the x-goog-api-key header. */
  apiKey?: string;
  headers?: Record<string, string>;
  /** A shared connection pool; without one the provider makes its own and closes it in close(). */
  agent?: Dispatcher;
  models?: string[];
}

const TASK_TYPES: Record<EmbeddingInputType, string> = {
  search_document: 'RETRIEVAL_DOCUMENT',
  search_query: 'RETRIEVAL_QUERY',
  classification: 'CLASSIFICATION',
  clustering: 'CLUSTERING',
};

export function createGeminiProvider(options: GeminiProviderOptions): ModelProvider {
  const { name } = options;
  const agent = options.agent ?? createUpstreamAgent();
  const ownsAgent = options.agent === undefined;
  const root = `${(options.baseUrl ?? 'https://generativelanguage.googleapis.com').replace(/\/+$/, '')}/${
    options.apiVersion ?? 'v1beta'
  }`;
  const headers: Record<string, string> = {
    ...options.headers,
    'content-type': 'application/json',
    ...(options.apiKey === undefined ? {} : { 'x-goog-api-key': options.apiKey }),
  };

  const upstreamRequest = (modelId: string, method: string, body: unknown) => ({
    url: `${root}/${modelResource(modelId).split('/').map(encodeURIComponent).join('/')}:${method}`,
    headers,
    body: JSON.stringify(body),
  });
  const errorOf: AnswerErrorOf = (answer) => geminiAnswerError(name, answer);

  /** The whole answer's text, read straight off the connection; a non-2xx answer is thrown as its error. */
  const post = async (modelId: string, method: string, body: unknown, callOptions?: CallOptions) =>
    (await callForAnswer(agent, name, upstreamRequest(modelId, method, body), callOptions, errorOf)).text;

  return {
    specVersion: PROVIDER_SPEC_VERSION,
    name,

    async converse(request: ConverseRequest, callOptions?: CallOptions): Promise<ConverseResponse> {
      const startedAt = performance.now();
      const warnings = new WarningList();
      const body = buildGeminiRequest(request, warnings);
      const text = await post(request.modelId, 'generateContent', body, callOptions);
      const parsed = parseJsonText(name, text, generateContentResponseSchema);
      const { message, stopReason, usage } = parseGeminiResponse(name, parsed, warnings);
      const out: ConverseResponse = {
        output: { message },
        stopReason,
        usage,
        metrics: { latencyMs: Math.round(performance.now() - startedAt) },
      };
      if (warnings.list().length > 0) out.warnings = warnings.list();
      return out;
    },

    async converseStream(
      request: ConverseRequest,
      callOptions?: CallOptions,
    ): Promise<AsyncIterable<StreamEvent>> {
      const startedAt = performance.now();
      // The request is built the same way as for converse(); its warnings travel on the metadata event.
      const warnings = new WarningList();
      const body = buildGeminiRequest(request, warnings);
      // Chunks straight off the connection into the SSE parser, without a Readable in between.
      const chunks = await callForStream(
        agent,
        name,
        upstreamRequest(request.modelId, 'streamGenerateContent?alt=sse', body),
        callOptions,
        errorOf,
      );
      return geminiStreamEvents(name, chunks, startedAt, warnings.list());
    },

    async embed(request: EmbedRequest, callOptions?: CallOptions): Promise<EmbedResponse> {
      if (request.inputs.length === 0) return { embeddings: [], usage: { inputTokens: 0 } };
      const model = modelResource(request.modelId);
      const body = {
        requests: request.inputs.map((text) => ({
          model,
          content: { parts: [{ text }] },
          ...(request.inputType === undefined ? {} : { taskType: TASK_TYPES[request.inputType] }),
          ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
        })),
      };
      const text = await post(request.modelId, 'batchEmbedContents', body, callOptions);
      const parsed = parseJsonText(name, text, batchEmbedContentsResponseSchema);
      if (parsed.embeddings.length !== request.inputs.length) {
        throw new LakegateError(
          'MODEL_UPSTREAM_BAD_RESPONSE',
          `${name} returned ${parsed.embeddings.length} embeddings for ${request.inputs.length} inputs.`,
          { details: { provider: name } },
        );
      }
      return {
        embeddings: parsed.embeddings.map((e) => Float32Array.from(e.values)),
        usage: { inputTokens: estimateTokens(request.inputs) },
      };
    },

    async countTokens(request: ConverseRequest, callOptions?: CallOptions): Promise<CountTokensResponse> {
      const warnings = new WarningList();
      const contents = convertToGeminiContents(request.messages, warnings);
      const systemInstruction = convertSystem(request.system, warnings);
      const { tools } = convertToGeminiTools(request.toolConfig, warnings);
      // countTokens takes bare `contents`, or a whole generateContentRequest when the system
      // instruction and tools must be counted too.
      const body =
        systemInstruction || tools
          ? {
              generateContentRequest: {
                model: modelResource(request.modelId),
                contents,
                ...(systemInstruction ? { systemInstruction } : {}),
                ...(tools ? { tools } : {}),
              },
            }
          : { contents };
      const text = await post(request.modelId, 'countTokens', body, callOptions);
      const parsed = parseJsonText(name, text, countTokensResponseSchema);
      return { inputTokens: parsed.totalTokens ?? 0 };
    },

    listModels: () => options.models ?? [],

    async close() {
      if (ownsAgent) await agent.close();
    },
  };
}

/** `gemini-2.5-flash` -> `models/gemini-2.5-flash`; `tunedModels/x` and `models/x` stay as they are. */
function modelResource(modelId: string): string {
  return modelId.includes('/') ? modelId : `models/${modelId}`;
}

/**
 * batchEmbedContents reports no token count. Budgets and token rate limits still need one, so usage
 * is an estimate of ~4 characters per token (Google's rule of thumb for Gemini), not an exact count.
 */
function estimateTokens(inputs: readonly string[]): number {
  let chars = 0;
  for (const input of inputs) chars += input.length;
  return Math.ceil(chars / 4);
}
