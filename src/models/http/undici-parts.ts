// The parts of undici Lakegate uses — its Agent, its error classes and request() — loaded from their own
// files. The package's index also loads fetch, WebSocket, EventSource, the HTTP cache and the rest, none of
// which the gateway calls: 5–6 MB less resident memory in every Lakegate process, idle and under load
// (bench/gateway's h2c row, alternating runs). undici is pinned in package.json, so these paths change only
// when we upgrade it, and the provider tests that go through undici would fail here first.

import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

export const Agent = load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const DispatcherBase = load('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
export const undiciErrors = load('undici/lib/core/errors.js') as typeof Undici.errors;

type RequestApi = (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;
const requestApi = (load('undici/lib/api/index.js') as { request: RequestApi }).request;

/**
 * `dispatcher.request(options)`. undici's index adds request() to every Dispatcher's prototype when it
 * loads; without the index we call it on the dispatcher instead, which works for any dispatcher.
 */
export function undiciRequest(
  dispatcher: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
): Promise<Undici.Dispatcher.ResponseData> {
  return requestApi.call(dispatcher, options);
}
