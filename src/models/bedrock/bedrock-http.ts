// One authorised POST to a Bedrock runtime operation of a model; non-2xx answers become LakegateErrors here.

import type { Dispatcher } from 'undici';
import { sendUpstream, type UpstreamResponse } from '../http/index.js';
import type { AuthorizeRequest } from './bedrock-auth.js';
import { bedrockStatusError } from './bedrock-error.js';

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
  signal?: AbortSignal | undefined;
}

export interface BedrockHttp {
  /** Resolves to the 2xx response, body unread; rejects with the mapped error otherwise. */
  call(call: BedrockCall): Promise<UpstreamResponse>;
  /** The same for a JSON POST to another Bedrock endpoint (the Agent Runtime's, for Rerank). */
  postJson(url: URL, body: string, signal?: AbortSignal): Promise<UpstreamResponse>;
}

export interface BedrockHttpOptions {
  provider: string;
  endpoint: string;
  agent: Dispatcher;
  authorize: AuthorizeRequest;
  headers: Record<string, string>;
}

export function createBedrockHttp(options: BedrockHttpOptions): BedrockHttp {
  const base = options.endpoint.replace(/\/+$/, '');
  const extraHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers)) extraHeaders[name.toLowerCase()] = value;

  async function send(
    url: URL,
    body: string | Uint8Array,
    contentType: string,
    accept: string,
    signal?: AbortSignal,
  ) {
    const headers = await options.authorize({
      method: 'POST',
      url,
      // The host we sign is the host undici sends: set it explicitly so the two cannot differ.
      headers: { ...extraHeaders, host: url.host, 'content-type': contentType, accept },
      body,
    });
    const response = await sendUpstream(options.agent, options.provider, {
      url: url.toString(),
      method: 'POST',
      headers,
      body,
      signal,
    });
    if (response.status >= 200 && response.status < 300) return response;
    throw await bedrockStatusError(options.provider, response);
  }

  return {
    call({ modelId, operation, body, contentType, accept, signal }) {
      // Model ids may be ARNs (`arn:aws:bedrock:...:inference-profile/...`): ':' and '/' must stay inside
      // one path segment.
      const url = new URL(`${base}/model/${encodeURIComponent(modelId)}/${operation}`);
      return send(url, body, contentType, accept, signal);
    },
    postJson(url, body, signal) {
      return send(url, body, 'application/json', 'application/json', signal);
    },
  };
}
