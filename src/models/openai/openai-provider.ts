// The OpenAI chat completions adapter. It is also the shared base of every OpenAI-compatible server
// (vLLM, Ollama, llama.cpp, Groq, ...): their differences are options here, not forks of this code.

import type { Dispatcher } from 'undici';
import {
  type ConverseRequest,
  type ConverseResponse,
  type EmbedRequest,
  type RerankRequest,
  type StreamEvent,
  withProperty,
} from '../../core/index.js';
import {
  type AnswerErrorOf,
  answerError,
  callForAnswer,
  callForStream,
  createUpstreamAgent,
  parseJsonText,
} from '../http/index.js';
import { type CallOptions, type ModelProvider, PROVIDER_SPEC_VERSION } from '../spec.js';
import { buildOpenAIChatBody, type ChatBodySettings, type MaxTokensField } from './build-openai-chat-body.js';
import { isCommonChatCompletion } from './fast-openai-shapes.js';
import { buildOpenAIEmbeddingsBody, parseOpenAIEmbeddings } from './openai-embeddings.js';
import { openAIErrorMessage } from './openai-error.js';
import { buildRerankBody, parseRerank } from './openai-rerank.js';
import { chatCompletionSchema, embeddingsResponseSchema, rerankResponseSchema } from './openai-schemas.js';
import { parseOpenAIChatResponse } from './parse-openai-chat-response.js';
import { translateOpenAIStream } from './translate-openai-stream.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIProviderOptions {
  /** The configured provider name, the prefix in `provider/model` ids. */
  name: string;
  /** Defaults to https://api.openai.com/v1; `/chat/completions` and `/embeddings` are appended. */
  baseUrl?: string;
  apiKey?: string;
  organization?: string;
  project?: string;
  headers?: Record<string, string>;
  /** OpenAI wants max_completion_tokens (the default); most compatible servers read max_tokens. */
  maxTokensField?: MaxTokensField;
  /** Ask for the usage chunk at the end of a stream (stream_options.include_usage); default true. */
  includeStreamUsage?: boolean;
  /** Send PDFs as `file` parts (default true: OpenAI reads them); otherwise they become a warning. */
  pdfFileParts?: boolean;
  /** Model ids to report from listModels(). */
  models?: string[];
  /** A shared undici dispatcher; when absent the provider owns one and close() releases it. */
  agent?: Dispatcher;
}

const CHAT_PATH = '/chat/completions';

export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const name = options.name;
  const baseUrl = (options.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const agent = options.agent ?? createUpstreamAgent();
  const settings: ChatBodySettings = {
    maxTokensField: options.maxTokensField ?? 'max_completion_tokens',
    includeStreamUsage: options.includeStreamUsage ?? true,
    pdfFileParts: options.pdfFileParts ?? true,
  };
  const models = [...(options.models ?? [])];

  // The same on every call: built once.
  const fixedHeaders: Record<string, string> = {
    'content-type': 'application/json',
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...(options.organization ? { 'openai-organization': options.organization } : {}),
    ...(options.project ? { 'openai-project': options.project } : {}),
    ...options.headers,
  };
  // OpenAI logs this id with the request, so our logs and theirs can be joined (ours wins over a
  // configured header of the same name).
  const headersFor = (callOptions: CallOptions | undefined): Record<string, string> =>
    callOptions?.requestId
      ? withProperty(fixedHeaders, 'x-client-request-id', callOptions.requestId)
      : fixedHeaders;

  const upstreamRequest = (path: string, body: object, callOptions: CallOptions | undefined) => ({
    url: `${baseUrl}${path}`,
    headers: headersFor(callOptions),
    body: JSON.stringify(body),
  });
  const errorOf: AnswerErrorOf = (answer) => answerError(name, answer, openAIErrorMessage);

  /** The whole answer's text, read straight off the connection; a non-2xx answer is thrown as its error. */
  const post = async (path: string, body: object, callOptions: CallOptions | undefined): Promise<string> =>
    (await callForAnswer(agent, name, upstreamRequest(path, body, callOptions), callOptions, errorOf)).text;

  return {
    specVersion: PROVIDER_SPEC_VERSION,
    name,

    async converse(request: ConverseRequest, callOptions?: CallOptions): Promise<ConverseResponse> {
      const startedAt = performance.now();
      const { body, warnings } = buildOpenAIChatBody(request, settings, false);
      // Read whole, straight off the connection: no stream is needed for an answer taken at once.
      const text = await post(CHAT_PATH, body, callOptions);
      const completion = parseJsonText(name, text, chatCompletionSchema, isCommonChatCompletion);
      const parsed = parseOpenAIChatResponse(name, completion);
      const allWarnings = [...warnings, ...parsed.warnings];
      return {
        output: { message: { role: 'assistant', content: parsed.content } },
        stopReason: parsed.stopReason,
        usage: parsed.usage,
        metrics: { latencyMs: Math.round(performance.now() - startedAt) },
        ...(allWarnings.length > 0 ? { warnings: allWarnings } : {}),
      };
    },

    async converseStream(
      request: ConverseRequest,
      callOptions?: CallOptions,
    ): Promise<AsyncIterable<StreamEvent>> {
      const startedAt = performance.now();
      const { body, warnings } = buildOpenAIChatBody(request, settings, true);
      // Chunks straight off the connection into the SSE parser, without a Readable in between.
      const chunks = await callForStream(
        agent,
        name,
        upstreamRequest(CHAT_PATH, body, callOptions),
        callOptions,
        errorOf,
      );
      return translateOpenAIStream(name, chunks, startedAt, warnings);
    },

    async embed(request: EmbedRequest, callOptions?: CallOptions) {
      // The API rejects an empty input list; nothing to embed is simply no embeddings.
      if (request.inputs.length === 0) return { embeddings: [], usage: { inputTokens: 0 } };
      const text = await post('/embeddings', buildOpenAIEmbeddingsBody(request), callOptions);
      return parseOpenAIEmbeddings(name, request, parseJsonText(name, text, embeddingsResponseSchema));
    },

    async rerank(request: RerankRequest, callOptions?: CallOptions) {
      if (request.documents.length === 0) return { results: [], usage: { inputTokens: 0 } };
      const text = await post('/rerank', buildRerankBody(request), callOptions);
      return parseRerank(name, request, parseJsonText(name, text, rerankResponseSchema));
    },

    listModels: () => models,

    async close() {
      if (!options.agent) await agent.close();
    },
  };
}
