// The Anthropic Messages API behind the one provider spec: converse, converseStream and countTokens.
// Anthropic has no embeddings API, so `embed` stays undefined.

import type { Dispatcher } from 'undici';
import type { ConverseRequest } from '../../core/index.js';
import {
  type AnswerErrorOf,
  answerError,
  callForAnswer,
  callForStream,
  createUpstreamAgent,
  parseJsonText,
} from '../http/index.js';
import type { CallOptions, ModelProvider } from '../spec.js';
import { PROVIDER_SPEC_VERSION } from '../spec.js';
import { anthropicErrorMessage } from './anthropic-error.js';
import type { AnthropicMessagesBody } from './anthropic-request-types.js';
import { anthropicCountTokensSchema, anthropicMessageSchema } from './anthropic-schemas.js';
import { buildAnthropicCountTokensBody, buildAnthropicRequest } from './build-anthropic-request.js';
import { convertAnthropicStream } from './convert-anthropic-stream.js';
import { convertFromAnthropicResponse } from './convert-from-anthropic-response.js';

export interface AnthropicProviderOptions {
  /** The configured provider name, the prefix in `provider/model` ids. */
  name: string;
  /** Defaults to https://api.anthropic.com. */
  baseUrl?: string;
  /** Sent as `x-api-key`; omitted when a proxy in front of Anthropic authenticates instead. */
  apiKey?: string;
  /** The `anthropic-version` header; defaults to 2023-06-01. */
  version?: string;
  /** Beta features, sent comma-separated in `anthropic-beta`. */
  beta?: string[];
  /** Anthropic requires max_tokens; this is sent when the request sets no maxTokens. Defaults to 4096. */
  defaultMaxTokens?: number;
  /** Extra headers on every call; they win over the adapter's own. */
  headers?: Record<string, string>;
  /** Connection pool to share; the provider makes (and closes) its own when absent. */
  agent?: Dispatcher;
  /** Model ids to list for `GET /v1/models`. */
  models?: string[];
}

const DEFAULT_BASE_URL = 'https://api.anthropic.com';
const DEFAULT_VERSION = '2023-06-01';
const DEFAULT_MAX_TOKENS = 4096;

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const { name } = options;
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const defaultMaxTokens = options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
  const ownedAgent = options.agent ? undefined : createUpstreamAgent();
  const agent: Dispatcher = options.agent ?? ownedAgent!;
  const models = [...(options.models ?? [])];

  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': options.version ?? DEFAULT_VERSION,
  };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  if (options.beta && options.beta.length > 0) headers['anthropic-beta'] = options.beta.join(',');
  Object.assign(headers, options.headers);

  const upstreamRequest = (path: string, body: AnthropicMessagesBody) => ({
    url: `${baseUrl}${path}`,
    headers,
    body: JSON.stringify(body),
  });
  const errorOf: AnswerErrorOf = (answer) => answerError(name, answer, anthropicErrorMessage);

  /** The whole answer's text, read straight off the connection; a non-2xx answer is thrown as its error. */
  const post = async (
    path: string,
    body: AnthropicMessagesBody,
    callOptions: CallOptions | undefined,
  ): Promise<string> =>
    (await callForAnswer(agent, name, upstreamRequest(path, body), callOptions, errorOf)).text;

  return {
    specVersion: PROVIDER_SPEC_VERSION,
    name,

    async converse(request: ConverseRequest, callOptions?: CallOptions) {
      const startedAt = performance.now();
      const { body, warnings } = buildAnthropicRequest(request, defaultMaxTokens);
      const message = parseJsonText(
        name,
        await post('/v1/messages', body, callOptions),
        anthropicMessageSchema,
      );
      const latencyMs = Math.round(performance.now() - startedAt);
      return convertFromAnthropicResponse(name, message, latencyMs, warnings);
    },

    async converseStream(request: ConverseRequest, callOptions?: CallOptions) {
      const startedAt = performance.now();
      const { body, warnings } = buildAnthropicRequest(request, defaultMaxTokens);
      // Chunks straight off the connection into the SSE parser, without a Readable in between.
      const chunks = await callForStream(
        agent,
        name,
        upstreamRequest('/v1/messages', { ...body, stream: true }),
        callOptions,
        errorOf,
      );
      return convertAnthropicStream(name, chunks, startedAt, warnings);
    },

    async countTokens(request: ConverseRequest, callOptions?: CallOptions) {
      const text = await post(
        '/v1/messages/count_tokens',
        buildAnthropicCountTokensBody(request),
        callOptions,
      );
      const counted = parseJsonText(name, text, anthropicCountTokensSchema);
      return { inputTokens: counted.input_tokens };
    },

    listModels: () => models,

    async close() {
      await ownedAgent?.close();
    },
  };
}
