// The Amazon Bedrock runtime behind the provider spec: Converse and ConverseStream for chat, InvokeModel
// for embeddings and native bodies, CountTokens; and the Agent Runtime's Rerank for reranking.

import type { Dispatcher } from 'undici';
import { z } from 'zod';
import {
  type ConverseRequest,
  LakegateError,
  type RerankRequest,
  type StreamEvent,
  type Warning,
} from '../../core/index.js';
import { createUpstreamAgent, readBodyBytes, readJsonBody } from '../http/index.js';
import { type CallOptions, type ModelProvider, PROVIDER_SPEC_VERSION } from '../spec.js';
import { type AuthorizeRequest, type BedrockCredentials, bearerAuth, sigV4Auth } from './bedrock-auth.js';
import { bedrockEmbed } from './bedrock-embed.js';
import { type BedrockCall, createBedrockHttp } from './bedrock-http.js';
import { bedrockRerankResponseSchema, fromBedrockRerank, toBedrockRerankBody } from './bedrock-rerank.js';
import { decodeEventStream } from './decode-event-stream.js';
import { converseResponseSchema, fromBedrockConverse } from './from-bedrock-converse.js';
import { nativeChunks } from './native-chunks.js';
import { toBedrockConversation, toBedrockConverseBody } from './to-bedrock-converse.js';
import { toStreamEvents } from './to-stream-events.js';

export interface BedrockProviderOptions {
  /** The provider name, the prefix in `provider/model` ids. */
  name: string;
  region: string;
  /** Defaults to `https://bedrock-runtime.${region}.amazonaws.com`. */
  endpoint?: string;
  /** Where Rerank goes. Defaults to `https://bedrock-agent-runtime.${region}.amazonaws.com`. */
  agentRuntimeEndpoint?: string;
  /** Signs requests with SigV4. One of `credentials` and `bearerToken` is required. */
  credentials?: BedrockCredentials;
  /** A Bedrock API key, sent as `Authorization: Bearer`; used instead of SigV4 when set. */
  bearerToken?: string;
  /** Extra headers sent (and signed) on every request. */
  headers?: Record<string, string>;
  /** Connection pool to use; one is created (and closed by `close()`) when omitted. */
  agent?: Dispatcher;
  /** Model ids reported by `listModels()`. */
  models?: string[];
  /** Most InvokeModel calls in flight for one embed request. Default 8. */
  embedConcurrency?: number;
}

const countTokensResponse = z.object({ inputTokens: z.number() });

function configError(name: string, message: string): LakegateError {
  return new LakegateError('CONFIG_INVALID', `Bedrock provider '${name}': ${message}`, {
    details: { provider: name },
  });
}

function authorizer(options: BedrockProviderOptions): AuthorizeRequest {
  if (options.bearerToken) return bearerAuth(options.bearerToken);
  const credentials = options.credentials;
  if (!credentials)
    throw configError(options.name, 'set credentials (SigV4) or bearerToken (a Bedrock API key).');
  if (!credentials.accessKeyId || !credentials.secretAccessKey)
    throw configError(options.name, 'credentials need accessKeyId and secretAccessKey.');
  return sigV4Auth(options.region, credentials);
}

function endpointOf(options: BedrockProviderOptions): string {
  const endpoint = options.endpoint ?? `https://bedrock-runtime.${options.region}.amazonaws.com`;
  if (!URL.canParse(endpoint)) throw configError(options.name, `endpoint '${endpoint}' is not a URL.`);
  return endpoint;
}

export function createBedrockProvider(options: BedrockProviderOptions): ModelProvider {
  const name = options.name;
  if (!options.region) throw configError(name, 'region is required.');
  const embedConcurrency = options.embedConcurrency ?? 8;
  if (!Number.isInteger(embedConcurrency) || embedConcurrency < 1)
    throw configError(name, 'embedConcurrency must be a positive integer.');
  const ownsAgent = options.agent === undefined;
  const agent = options.agent ?? createUpstreamAgent();
  const http = createBedrockHttp({
    provider: name,
    endpoint: endpointOf(options),
    agent,
    authorize: authorizer(options),
    headers: options.headers ?? {},
  });
  const models = [...(options.models ?? [])];
  const agentRuntime = (
    options.agentRuntimeEndpoint ?? `https://bedrock-agent-runtime.${options.region}.amazonaws.com`
  ).replace(/\/+$/, '');
  if (!URL.canParse(agentRuntime))
    throw configError(name, `agentRuntimeEndpoint '${agentRuntime}' is not a URL.`);

  const jsonCall = (
    modelId: string,
    operation: BedrockCall['operation'],
    body: unknown,
    callOptions: CallOptions | undefined,
    accept = 'application/json',
  ) =>
    http.call({
      modelId,
      operation,
      body: JSON.stringify(body),
      contentType: 'application/json',
      accept,
      signal: callOptions?.signal,
    });

  return {
    specVersion: PROVIDER_SPEC_VERSION,
    name,

    async converse(request, callOptions) {
      const { body, warnings } = toBedrockConverseBody(request);
      const startedAt = performance.now();
      const response = await jsonCall(request.modelId, 'converse', body, callOptions);
      const json = await readJsonBody(name, response, converseResponseSchema);
      const latencyMs = Math.round(performance.now() - startedAt);
      const converted = fromBedrockConverse(json);
      const allWarnings: Warning[] = [...warnings, ...converted.warnings];
      return {
        output: { message: { role: 'assistant', content: converted.content } },
        stopReason: converted.stopReason,
        usage: converted.usage,
        metrics: { latencyMs },
        ...(allWarnings.length > 0 ? { warnings: allWarnings } : {}),
      };
    },

    async rerank(request: RerankRequest, callOptions?: CallOptions) {
      if (request.documents.length === 0) return { results: [], usage: { inputTokens: 0 } };
      const response = await http.postJson(
        new URL(`${agentRuntime}/rerank`),
        JSON.stringify(toBedrockRerankBody(request, options.region)),
        callOptions?.signal,
      );
      return fromBedrockRerank(
        name,
        request,
        await readJsonBody(name, response, bedrockRerankResponseSchema),
      );
    },

    async converseStream(
      request: ConverseRequest,
      callOptions?: CallOptions,
    ): Promise<AsyncIterable<StreamEvent>> {
      const { body, warnings } = toBedrockConverseBody(request);
      const startedAt = performance.now();
      const response = await jsonCall(
        request.modelId,
        'converse-stream',
        body,
        callOptions,
        'application/vnd.amazon.eventstream',
      );
      return (async function* () {
        try {
          yield* toStreamEvents(decodeEventStream(response.body, name), {
            provider: name,
            startedAt,
            warnings,
          });
        } finally {
          // Stopping early (or failing) must not leave the pooled connection waiting on an unread body.
          if (!response.body.destroyed) response.body.destroy();
        }
      })();
    },

    embed(request, callOptions) {
      return bedrockEmbed(http, name, embedConcurrency, request, callOptions?.signal);
    },

    async countTokens(request, callOptions) {
      const converse: Record<string, unknown> = { ...toBedrockConversation(request, []) };
      if (request.additionalModelRequestFields)
        converse['additionalModelRequestFields'] = request.additionalModelRequestFields;
      const response = await jsonCall(request.modelId, 'count-tokens', { input: { converse } }, callOptions);
      const json = await readJsonBody(name, response, countTokensResponse);
      return { inputTokens: json.inputTokens };
    },

    async invokeNative(request, callOptions) {
      const response = await http.call({
        modelId: request.modelId,
        operation: 'invoke',
        body: request.body,
        contentType: request.contentType,
        accept: request.accept ?? 'application/json',
        signal: callOptions?.signal,
      });
      const contentType = response.headers['content-type'];
      return {
        body: await readBodyBytes(name, response),
        contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? 'application/json',
      };
    },

    async invokeNativeStream(request, callOptions) {
      const response = await http.call({
        modelId: request.modelId,
        operation: 'invoke-with-response-stream',
        body: request.body,
        contentType: request.contentType,
        accept: 'application/vnd.amazon.eventstream',
        signal: callOptions?.signal,
      });
      return nativeChunks(name, decodeEventStream(response.body, name));
    },

    listModels() {
      return models;
    },

    async close() {
      if (ownsAgent) await agent.close();
    },
  };
}
