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
import { createUpstreamAgent, parseJsonText, readBodyBytes } from '../http/index.js';
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
  ): BedrockCall => ({
    modelId,
    operation,
    body: JSON.stringify(body),
    contentType: 'application/json',
    accept,
    callOptions,
  });

  return {
    specVersion: PROVIDER_SPEC_VERSION,
    name,

    async converse(request, callOptions) {
      const { body, warnings } = toBedrockConverseBody(request);
      const startedAt = performance.now();
      const response = await http.callText(jsonCall(request.modelId, 'converse', body, callOptions));
      const json = parseJsonText(name, response.text, converseResponseSchema);
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
      const text = await http.postJson(
        new URL(`${agentRuntime}/rerank`),
        JSON.stringify(toBedrockRerankBody(request, options.region)),
        callOptions,
      );
      return fromBedrockRerank(name, request, parseJsonText(name, text, bedrockRerankResponseSchema));
    },

    async converseStream(
      request: ConverseRequest,
      callOptions?: CallOptions,
    ): Promise<AsyncIterable<StreamEvent>> {
      const { body, warnings } = toBedrockConverseBody(request);
      const startedAt = performance.now();
      const events = await http.callStream(
        jsonCall(request.modelId, 'converse-stream', body, callOptions, 'application/vnd.amazon.eventstream'),
      );
      // Stopping early (or failing) ends the iteration of the body, which aborts the rest of the answer.
      return toStreamEvents(decodeEventStream(events, name), { provider: name, startedAt, warnings });
    },

    embed(request, callOptions) {
      return bedrockEmbed(http, name, embedConcurrency, request, callOptions);
    },

    async countTokens(request, callOptions) {
      const converse: Record<string, unknown> = { ...toBedrockConversation(request, []) };
      if (request.additionalModelRequestFields)
        converse['additionalModelRequestFields'] = request.additionalModelRequestFields;
      const response = await http.callText(
        jsonCall(request.modelId, 'count-tokens', { input: { converse } }, callOptions),
      );
      const json = parseJsonText(name, response.text, countTokensResponse);
      return { inputTokens: json.inputTokens };
    },

    async invokeNative(request, callOptions) {
      const response = await http.call({
        modelId: request.modelId,
        operation: 'invoke',
        body: request.body,
        contentType: request.contentType,
        accept: request.accept ?? 'application/json',
        callOptions,
      });
      const contentType = response.headers['content-type'];
      return {
        body: await readBodyBytes(name, response),
        contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? 'application/json',
      };
    },

    async invokeNativeStream(request, callOptions) {
      const body = await http.callStream({
        modelId: request.modelId,
        operation: 'invoke-with-response-stream',
        body: request.body,
        contentType: request.contentType,
        accept: 'application/vnd.amazon.eventstream',
        callOptions,
      });
      return nativeChunks(name, decodeEventStream(body, name));
    },

    listModels() {
      return models;
    },

    async close() {
      if (ownsAgent) await agent.close();
    },
  };
}
