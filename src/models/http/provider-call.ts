// The two ways every adapter calls its provider once the request is built: the answer read whole, or
// the body's chunks as they come. Either way the call follows the caller's cancellation, and a non-2xx
// answer is thrown as the error the adapter's own reader of error bodies makes of it. OpenAI, Anthropic,
// Gemini and Bedrock each wrote this pair for themselves.

import type { Dispatcher } from 'undici';
import type { LakegateError } from '../../core/index.js';
import type { CallOptions } from '../spec.js';
import { type BufferedUpstreamResponse, sendUpstreamBuffered } from './upstream-buffered.js';
import { isSuccessStatus, type ProviderRequest, withCancellation } from './upstream-http.js';
import { sendUpstreamStream } from './upstream-stream.js';

/** The error a provider's non-2xx answer, read whole, means. */
export type AnswerErrorOf = (answer: BufferedUpstreamResponse) => LakegateError;

/** Sends the request and reads the whole answer; a non-2xx answer is thrown as `errorOf` says. */
export async function callForAnswer(
  agent: Dispatcher,
  provider: string,
  request: ProviderRequest,
  callOptions: CallOptions | undefined,
  errorOf: AnswerErrorOf,
): Promise<BufferedUpstreamResponse> {
  const answer = await sendUpstreamBuffered(agent, provider, withCancellation(request, callOptions));
  if (isSuccessStatus(answer.status)) return answer;
  throw errorOf(answer);
}

/** Sends the request and hands over the body's chunks once a 2xx answer starts; else throws as above. */
export async function callForStream(
  agent: Dispatcher,
  provider: string,
  request: ProviderRequest,
  callOptions: CallOptions | undefined,
  errorOf: AnswerErrorOf,
): Promise<AsyncIterable<Buffer>> {
  const response = await sendUpstreamStream(agent, provider, withCancellation(request, callOptions));
  if (response.ok) return response.body;
  throw errorOf(response);
}
