// One authorised POST to a Bedrock runtime operation of a model, read whole, streamed or (for bytes) through
// undici's request(); non-2xx answers become LakegateErrors here.

import type { Dispatcher } from 'undici';
import {
  type AnswerErrorOf,
  type BufferedUpstreamResponse,
  callForAnswer,
  callForStream,
  isSuccessStatus,
  sendUpstream,
  type UpstreamResponse,
} from '../http/index.js';
import type { CallOptions } from '../spec.js';
import type { AuthorizeRequest } from './bedrock-auth.js';
import { bedrockAnswerError, bedrockStatusError } from './bedrock-error.js';

export type BedrockOperation =
  | 'converse'
  | 'converse-stream'
  | 'invoke'
  | 'invoke-with-response-stream'
  | 'count-tokens';

export interface BedrockCall {
  modelId: string;
  operation: BedrockOperation;
  body: string | Uint8Array;
  contentType: string;
  accept: string;
  callOptions?: CallOptions | undefined;
}

export interface BedrockHttp {
  /** The whole 2xx answer, read straight off the connection; rejects with the mapped error otherwise. */
  callText(call: BedrockCall): Promise<BufferedUpstreamResponse>;
  /** The body of a 2xx answer as it streams; rejects with the mapped error otherwise. */
  callStream(call: BedrockCall): Promise<AsyncIterable<Buffer>>;
  /** Resolves to the 2xx response, body unread (for bodies read as bytes); rejects as the others. */
  call(call: BedrockCall): Promise<UpstreamResponse>;
  /** A JSON POST to another Bedrock endpoint (the Agent Runtime's, for Rerank): the answer's text. */
  postJson(url: URL, body: string, callOptions?: CallOptions): Promise<string>;
}

export interface BedrockHttpOptions {
  provider: string;
  endpoint: string;
  agent: Dispatcher;
  authorize: AuthorizeRequest;
  headers: Record<string, string>;
}

export function createBedrockHttp(options: BedrockHttpOptions): BedrockHttp {
  const { agent, provider } = options;
  const base = options.endpoint.replace(/\/+$/, '');
  const extraHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers)) extraHeaders[name.toLowerCase()] = value;

  /** The signed request. Model ids may be ARNs: ':' and '/' must stay inside one path segment. */
  async function signed(url: URL, body: string | Uint8Array, contentType: string, accept: string) {
    const headers = await options.authorize({
      method: 'POST',
      url,
      // The host we sign is the host that is sent: set it explicitly so the two cannot differ.
      headers: { ...extraHeaders, host: url.host, 'content-type': contentType, accept },
      body,
    });
    return { url: url.toString(), method: 'POST' as const, headers, body };
  }

  const modelUrl = (call: BedrockCall) =>
    new URL(`${base}/model/${encodeURIComponent(call.modelId)}/${call.operation}`);
  const signedCall = (call: BedrockCall) => signed(modelUrl(call), call.body, call.contentType, call.accept);

  const errorOf: AnswerErrorOf = (answer) => bedrockAnswerError(provider, answer);

  return {
    async callText(call) {
      return callForAnswer(agent, provider, await signedCall(call), call.callOptions, errorOf);
    },
    async callStream(call) {
      return callForStream(agent, provider, await signedCall(call), call.callOptions, errorOf);
    },
    async call(call) {
      const request = await signedCall(call);
      const response = await sendUpstream(agent, provider, { ...request, signal: call.callOptions?.signal });
      if (isSuccessStatus(response.status)) return response;
      throw await bedrockStatusError(provider, response);
    },
    async postJson(url, body, callOptions) {
      const request = await signed(url, body, 'application/json', 'application/json');
      return (await callForAnswer(agent, provider, request, callOptions, errorOf)).text;
    },
  };
}
