// The scenarios: what the clients send, to which server, and the text a correct answer contains. Every
// request shape runs direct (client → upstream), through the bare proxy (the floor of any Node gateway)
// and through Lakegate; the difference to the direct row is what the hop adds. A scenario with `loader:
// 'node'` is sent by the Node load generator even when wrk is installed; `h2c` rows go to h2load when it is
// installed, else to Node's HTTP/2 client.

import {
  bedrockConverseBody,
  GATEWAY_MODEL,
  openaiChatBody,
  UPSTREAM_MODEL,
  VARY_MARKER,
  varyingChatBody,
} from './fixtures.mjs';

/** The endpoints of the governed Lakegate (see governedConfig in run.mjs). */
export const GOVERNED_ENDPOINT = 'governed';
export const LOGGED_ENDPOINT = 'governed-logged';

const CHAT_PATH = '/v1/chat/completions';
const ANSWER = '12,400 EUR';
const SSE_END = 'data: [DONE]';

/**
 * `servers` holds `{ url, pid }` for upstream, proxy and lakegate. Each scenario names the process whose
 * CPU and memory its row reports (`pid`) and the direct scenario its added latency is measured against.
 */
export function scenariosFor(servers, adminKey, governedKey) {
  const json = { 'content-type': 'application/json' };
  const auth = { ...json, authorization: `Bearer ${adminKey}` };
  const bedrockPath = `/model/${encodeURIComponent(GATEWAY_MODEL)}`;
  const { upstream, proxy, lakegate, governed } = servers;
  // The governed Lakegate: a user's key (not the admin's) with QUERY on the endpoints, rate and token
  // limits and a budget in process, usage records, the response cache; one row with an inference table.
  const userAuth = { ...json, authorization: `Bearer ${governedKey}` };
  const governedRow = (scenario, endpoint, vary, cache) => ({
    scenario,
    via: 'lakegate governed',
    server: governed,
    baseline: baseline(false),
    ...chat(false),
    headers: userAuth,
    body: vary ? varyingChatBody(endpoint) : openaiChatBody(endpoint, false),
    ...(vary ? { vary: VARY_MARKER } : {}),
    cache,
  });
  const chat = (stream) => ({ path: CHAT_PATH, expect: stream ? SSE_END : ANSWER, stream });
  const direct = (stream) => ({
    ...chat(stream),
    headers: json,
    body: openaiChatBody(UPSTREAM_MODEL, stream),
  });
  const baseline = (stream) => (stream ? 'direct chat stream' : 'direct chat');
  return [
    { scenario: 'direct chat', via: 'direct', server: upstream, ...direct(false) },
    // The h2c row's baseline when Node's HTTP/2 client sends it (h2load not installed): its direct call
    // comes from a Node client too.
    {
      scenario: 'direct chat (node client)',
      via: 'direct',
      server: upstream,
      loader: 'node',
      ...direct(false),
    },
    { scenario: 'bare proxy chat', via: 'proxy', server: proxy, baseline: baseline(false), ...direct(false) },
    {
      scenario: 'lakegate chat',
      via: 'lakegate',
      server: lakegate,
      baseline: baseline(false),
      ...chat(false),
      headers: auth,
      body: openaiChatBody(GATEWAY_MODEL, false),
    },
    {
      scenario: 'lakegate bedrock converse',
      via: 'lakegate',
      server: lakegate,
      baseline: baseline(false),
      stream: false,
      path: `${bedrockPath}/converse`,
      headers: auth,
      body: bedrockConverseBody(),
      expect: ANSWER,
    },
    {
      // The AWS SDK for JavaScript speaks HTTP/2 to an http:// endpoint: one connection, many streams.
      scenario: 'lakegate bedrock converse h2c',
      via: 'lakegate',
      server: lakegate,
      baseline: 'direct chat (node client)',
      nativeBaseline: 'direct chat',
      stream: false,
      h2c: true,
      path: `${bedrockPath}/converse`,
      headers: auth,
      body: bedrockConverseBody(),
      expect: ANSWER,
    },
    governedRow('governed chat cache-miss', GOVERNED_ENDPOINT, true, 'miss'),
    governedRow('governed chat cache-hit', GOVERNED_ENDPOINT, false, 'hit'),
    governedRow('governed chat cache-miss + inference table', LOGGED_ENDPOINT, true, 'miss'),
    { scenario: 'direct chat stream', via: 'direct', server: upstream, ...direct(true) },
    {
      scenario: 'bare proxy chat stream',
      via: 'proxy',
      server: proxy,
      baseline: baseline(true),
      ...direct(true),
    },
    {
      scenario: 'lakegate chat stream',
      via: 'lakegate',
      server: lakegate,
      baseline: baseline(true),
      ...chat(true),
      headers: auth,
      body: openaiChatBody(GATEWAY_MODEL, true),
    },
    {
      scenario: 'lakegate bedrock converse-stream',
      via: 'lakegate',
      server: lakegate,
      baseline: baseline(true),
      stream: true,
      path: `${bedrockPath}/converse-stream`,
      headers: auth,
      body: bedrockConverseBody(),
      // The last event a Converse stream sends before its metadata.
      expect: 'messageStop',
    },
  ];
}
