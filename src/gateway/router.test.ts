// The router against real providers: two OpenAI-compatible adapters pointed at scripted servers that
// speak the chat-completions wire format, and the built-in local provider. Assertions are on what each
// upstream received, in what order, and on `servedBy`; never on how long anything took.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, collectUntilError } from '../../test/support/collect.js';
import {
  type RecordedRequest,
  type ScriptedResponse,
  type ScriptedServer,
  startScriptedServer,
} from '../../test/support/scripted-server.js';
import { type EndpointConfig, endpointConfigSchema, LakegateError, type StreamEvent } from '../core/index.js';
import type { ModelProvider } from '../models/index.js';
import { createLocalProvider } from '../models/local/index.js';
import { createOpenAICompatibleProvider } from '../models/openai-compatible/index.js';
import { type ConverseInput, ModelRouter, type RouterOptions } from './router.js';

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const MIXTRAL = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
const SSE = { 'content-type': 'text/event-stream' };

const ask: ConverseInput = {
  system: [{ type: 'text', text: 'Claim CLM-1042 was approved on 12 March and paid in full.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the status of CLM-1042?' }] }],
  inferenceConfig: { maxTokens: 256, temperature: 0.2 },
};

// ---- the OpenAI chat-completions wire format, as vLLM and Together send it ----

function completion(model: string, text: string): object {
  return {
    id: 'chatcmpl-8f3c2a9b7e6d4c1a',
    object: 'chat.completion',
    created: 1748013000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, tool_calls: [] },
        logprobs: null,
        finish_reason: 'stop',
        stop_reason: null,
      },
    ],
    usage: { prompt_tokens: 48, completion_tokens: 12, total_tokens: 60 },
  };
}

function chunk(model: string, delta: object, finishReason: string | null = null): string {
  const body = {
    id: 'chatcmpl-5e1d7b2c9a8f4e3d',
    object: 'chat.completion.chunk',
    created: 1748013000,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** A whole streamed answer: role, one chunk per word, finish, usage, [DONE]; `pauseMs` between words. */
function streamed(model: string, words: string[], pauseMs = 0): Array<string | number> {
  const out: Array<string | number> = [chunk(model, { role: 'assistant', content: '' })];
  for (const word of words) {
    if (pauseMs > 0) out.push(pauseMs);
    out.push(chunk(model, { content: word }));
  }
  out.push(chunk(model, {}, 'stop'));
  const usage = { prompt_tokens: 48, completion_tokens: words.length, total_tokens: 48 + words.length };
  out.push(
    `data: ${JSON.stringify({ id: 'chatcmpl-5e1d7b2c9a8f4e3d', object: 'chat.completion.chunk', created: 1748013000, model, choices: [], usage })}\n\n`,
  );
  out.push('data: [DONE]\n\n');
  return out;
}

function openAIError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): ScriptedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ error: { message, type, param: null, code: null } }),
  };
}

const throttled = (headers: Record<string, string> = {}) =>
  openAIError(429, 'rate_limit_exceeded', 'Rate limit reached for requests per min (RPM).', headers);
const serverError = () =>
  openAIError(500, 'server_error', 'The server had an error processing your request.');
const unavailable = () => openAIError(503, 'service_unavailable', 'The engine is currently overloaded.');

// ---- upstreams, providers, and a log of which upstream was called in what order ----

interface Upstream {
  server: ScriptedServer;
  provider: ModelProvider;
}

let vllm: Upstream;
let together: Upstream;
let local: ModelProvider;
/** Names of the upstreams in the order their requests arrived; `name:unscripted` for a surprise. */
let order: string[];

async function startUpstream(name: string, create: (baseUrl: string) => ModelProvider): Promise<Upstream> {
  const server = await startScriptedServer();
  // A request nobody scripted is recorded and answered with a non-retryable error, so it shows up.
  server.fallback = () => {
    order.push(`${name}:unscripted`);
    return openAIError(400, 'invalid_request_error', 'unscripted request');
  };
  return { server, provider: create(`${server.url}/v1`) };
}

/** Queues responses on an upstream, each logging the upstream's name when it is taken. */
function script(upstream: Upstream, ...responses: ScriptedResponse[]): void {
  const name = upstream.provider.name;
  upstream.server.enqueue(
    ...responses.map((response) => () => {
      order.push(name);
      return response;
    }),
  );
}

function bodies(upstream: Upstream): unknown[] {
  return upstream.server.requests.map((r: RecordedRequest) => r.json);
}

beforeEach(async () => {
  order = [];
  vllm = await startUpstream('vllm', (baseUrl) =>
    createOpenAICompatibleProvider({ name: 'vllm', preset: 'vllm', baseUrl }),
  );
  together = await startUpstream('together', (baseUrl) =>
    createOpenAICompatibleProvider({ name: 'together', preset: 'together', baseUrl, apiKey: 'tg-test' }),
  );
  local = createLocalProvider();
});

afterEach(async () => {
  for (const upstream of [vllm, together]) {
    await upstream.provider.close?.();
    await upstream.server.close();
  }
});

/** A router over the three providers; backoff jitter is 0 unless a test injects its own `random`. */
function routerWith(
  endpoints: Record<string, unknown> = {},
  options: Partial<Omit<RouterOptions, 'providers' | 'endpoints'>> = {},
): ModelRouter {
  const parsed = new Map<string, EndpointConfig>();
  for (const [name, config] of Object.entries(endpoints))
    parsed.set(name, endpointConfigSchema.parse(config));
  return new ModelRouter({
    providers: new Map([
      ['vllm', vllm.provider],
      ['together', together.provider],
      ['local', local],
    ]),
    endpoints: parsed,
    random: () => 0,
    ...options,
  });
}

/** Returns the values in turn, then keeps returning the last one. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}

async function rejection(promise: Promise<unknown>): Promise<LakegateError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LakegateError);
    return error as LakegateError;
  }
  throw new Error('expected the call to fail');
}

const textOfStream = (events: StreamEvent[]) =>
  events.map((e) => (e.type === 'textDelta' ? e.text : '')).join('');

// ---------------------------------------------------------------------------------------------------

describe('resolving a model id', () => {
  it('`provider/model` goes to that provider with the prefix stripped (split at the first slash)', async () => {
    script(vllm, { body: completion(LLAMA, 'CLM-1042 is approved.') });
    const { response, servedBy } = await routerWith().converse(`vllm/${LLAMA}`, ask);

    expect(servedBy).toEqual({ model: `vllm/${LLAMA}`, attempts: 1 });
    expect(response.output.message.content).toEqual([{ type: 'text', text: 'CLM-1042 is approved.' }]);
    expect(order).toEqual(['vllm']);
    expect(vllm.server.lastRequest().url).toBe('/v1/chat/completions');
    expect(vllm.server.lastRequest().json).toEqual({
      model: LLAMA,
      messages: [
        { role: 'system', content: 'Claim CLM-1042 was approved on 12 March and paid in full.' },
        { role: 'user', content: 'What is the status of CLM-1042?' },
      ],
      max_tokens: 256,
      temperature: 0.2,
    });
    expect(together.server.requests).toHaveLength(0);
  });

  it('an endpoint name routes to its served model and is reported in servedBy', async () => {
    script(together, { body: completion(MIXTRAL, 'Approved.') });
    const router = routerWith({ 'claims-assistant': { served: [{ model: `together/${MIXTRAL}` }] } });
    const { servedBy } = await router.converse('claims-assistant', ask);

    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `together/${MIXTRAL}`, attempts: 1 });
    expect(bodies(together)).toEqual([expect.objectContaining({ model: MIXTRAL })]);
    expect(together.server.lastRequest().headers['authorization']).toBe('Bearer tg-test');
    expect(vllm.server.requests).toHaveLength(0);
  });

  it('an unprefixed id, or one whose prefix is no provider, goes whole to the default provider', async () => {
    script(vllm, { body: completion('qwen2.5-7b', 'a') }, { body: completion(LLAMA, 'b') });
    const router = routerWith({}, { defaultProvider: 'vllm' });

    expect((await router.converse('qwen2.5-7b', ask)).servedBy).toEqual({
      model: 'vllm/qwen2.5-7b',
      attempts: 1,
    });
    // `meta-llama` is not a provider: the Hugging Face id is the model id, slash and all.
    expect((await router.converse(LLAMA, ask)).servedBy).toEqual({ model: `vllm/${LLAMA}`, attempts: 1 });
    expect(bodies(vllm)).toEqual([
      expect.objectContaining({ model: 'qwen2.5-7b' }),
      expect.objectContaining({ model: LLAMA }),
    ]);
  });

  it('a configured provider prefix wins over the default provider', async () => {
    script(together, { body: completion(MIXTRAL, 'ok') });
    const { servedBy } = await routerWith({}, { defaultProvider: 'vllm' }).converse(
      `together/${MIXTRAL}`,
      ask,
    );
    expect(servedBy.model).toBe(`together/${MIXTRAL}`);
    expect(vllm.server.requests).toHaveLength(0);
  });

  it('an unknown id or provider is MODEL_NOT_FOUND, and no upstream is called', async () => {
    const router = routerWith({ 'claims-assistant': { served: [{ model: `vllm/${LLAMA}` }] } });
    for (const id of ['gpt-4o', 'openai/gpt-4o', 'claims-assistent', '/gpt-4o', 'vllm/']) {
      const error = await rejection(router.converse(id, ask));
      expect(error.code).toBe('MODEL_NOT_FOUND');
      expect(error.details).toEqual({ modelId: id });
    }
    // A default provider that is not configured does not catch anything either.
    const misconfigured = routerWith({}, { defaultProvider: 'ollama' });
    expect((await rejection(misconfigured.converse('llama3.2', ask))).code).toBe('MODEL_NOT_FOUND');
    expect(vllm.server.requests).toHaveLength(0);
    expect(together.server.requests).toHaveLength(0);
  });

  it('an unknown local model is the provider’s MODEL_NOT_FOUND, not retried', async () => {
    const error = await rejection(routerWith().converse('local/gpt-4o', ask));
    expect(error.code).toBe('MODEL_NOT_FOUND');
    expect(error.details).toMatchObject({ provider: 'local', modelId: 'gpt-4o' });
  });

  it('plan: endpoints carry their own policies, direct ids the router defaults', () => {
    const router = routerWith(
      {
        'claims-assistant': {
          served: [{ model: `vllm/${LLAMA}` }],
          fallbacks: [`together/${MIXTRAL}`, 'local/extractive'],
          retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 100 },
          timeout: { attemptMs: 1_000, totalMs: 5_000 },
        },
      },
      {
        retry: { attempts: 4, initialDelayMs: 50, maxDelayMs: 500 },
        timeout: { attemptMs: 2_000, totalMs: 9_000 },
      },
    );
    expect(router.plan('claims-assistant')).toEqual({
      endpoint: 'claims-assistant',
      candidates: [
        { provider: 'vllm', model: LLAMA },
        { provider: 'together', model: MIXTRAL },
        { provider: 'local', model: 'extractive' },
      ],
      retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 100 },
      timeout: { attemptMs: 1_000, totalMs: 5_000 },
    });
    expect(router.plan('local/extractive')).toEqual({
      candidates: [{ provider: 'local', model: 'extractive' }],
      retry: { attempts: 4, initialDelayMs: 50, maxDelayMs: 500 },
      timeout: { attemptMs: 2_000, totalMs: 9_000 },
    });
  });

  it('listModels: endpoints first, then every model a provider lists', () => {
    const router = routerWith({
      'claims-embed': { task: 'embeddings', served: [{ model: 'local/embed' }] },
    });
    expect(router.listModels()).toEqual([
      { id: 'claims-embed', kind: 'endpoint', task: 'embeddings' },
      { id: 'local/extractive', kind: 'model' },
      { id: 'local/embed', kind: 'model' },
      { id: 'local/rerank', kind: 'model' },
    ]);
  });
});

describe('A/B traffic split', () => {
  const split = {
    'claims-assistant': {
      served: [
        { model: `vllm/${LLAMA}`, traffic: 90 },
        { model: `together/${MIXTRAL}`, traffic: 10 },
      ],
    },
  };

  it('the served model follows the shares for the injected random draw', async () => {
    script(vllm, { body: completion(LLAMA, 'a') }, { body: completion(LLAMA, 'b') });
    script(together, { body: completion(MIXTRAL, 'c') });
    // 0 and 0.8999 fall in the first 90%, 0.9 is the first point of the last 10%.
    const router = routerWith(split, { random: sequence(0, 0.9, 0.8999) });

    const served = [];
    for (let i = 0; i < 3; i++) served.push((await router.converse('claims-assistant', ask)).servedBy.model);
    expect(served).toEqual([`vllm/${LLAMA}`, `together/${MIXTRAL}`, `vllm/${LLAMA}`]);
    expect(order).toEqual(['vllm', 'together', 'vllm']);
    expect(bodies(together)).toEqual([expect.objectContaining({ model: MIXTRAL })]);
  });

  it('the model not picked is not a fallback: a failure of the pick goes to the fallbacks only', async () => {
    script(together, unavailable());
    const router = routerWith(
      {
        'claims-assistant': {
          ...split['claims-assistant'],
          fallbacks: ['local/extractive'],
          retry: { attempts: 0 },
        },
      },
      { random: sequence(0.95) },
    );
    const { servedBy } = await router.converse('claims-assistant', ask);
    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: 'local/extractive', attempts: 2 });
    expect(order).toEqual(['together']);
    expect(vllm.server.requests).toHaveLength(0);
  });
});

describe('retries and fallbacks', () => {
  const retryable: Array<[string, ScriptedResponse]> = [
    ['429 throttled', throttled({ 'retry-after-ms': '0' })],
    ['500 server error', serverError()],
    ['503 unavailable', unavailable()],
    ['a connection reset', { reset: true }],
    [
      'a 200 whose body is not JSON',
      { headers: { 'content-type': 'application/json' }, body: '{"id":"chatc' },
    ],
  ];

  it.each(retryable)('%s is retried on the same model', async (_, failure) => {
    script(vllm, failure, { body: completion(LLAMA, 'Approved.') });
    const { response, servedBy } = await routerWith().converse(`vllm/${LLAMA}`, ask);
    expect(servedBy).toEqual({ model: `vllm/${LLAMA}`, attempts: 2 });
    expect(response.output.message.content).toEqual([{ type: 'text', text: 'Approved.' }]);
    expect(order).toEqual(['vllm', 'vllm']);
    // The retry is the same request again.
    const [first, second] = bodies(vllm);
    expect(second).toEqual(first);
  });

  it('retries up to retry.attempts, then walks the fallback chain in order', async () => {
    script(vllm, throttled({ 'retry-after': '0' }), serverError(), unavailable());
    script(together, { reset: true }, serverError(), serverError());
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`, 'local/extractive'],
        retry: { attempts: 2 },
      },
    });
    const { response, servedBy } = await router.converse('claims-assistant', ask);

    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: 'local/extractive', attempts: 7 });
    expect(order).toEqual(['vllm', 'vllm', 'vllm', 'together', 'together', 'together']);
    expect(bodies(vllm)).toEqual(Array(3).fill(expect.objectContaining({ model: LLAMA })));
    expect(bodies(together)).toEqual(Array(3).fill(expect.objectContaining({ model: MIXTRAL })));
    // The local model quotes the system text it was given: the fallback got the same conversation.
    const answer = response.output.message.content[0];
    expect(answer?.type === 'text' && answer.text).toContain('approved on 12 March');
  });

  it('every attempt, retries and fallbacks included, carries the caller’s request id', async () => {
    script(vllm, serverError());
    script(together, { body: completion(MIXTRAL, 'ok') });
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`],
        retry: { attempts: 0 },
      },
    });
    await router.converse('claims-assistant', ask, { requestId: 'req_01JTX4' });
    const ids = [...vllm.server.requests, ...together.server.requests].map(
      (r) => r.headers['x-client-request-id'],
    );
    expect(ids).toEqual(['req_01JTX4', 'req_01JTX4']);
  });

  it('when every candidate fails, the last error is thrown', async () => {
    script(vllm, serverError());
    script(together, throttled({ 'retry-after-ms': '0' }));
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`],
        retry: { attempts: 0 },
      },
    });
    const error = await rejection(router.converse('claims-assistant', ask));
    expect(error.code).toBe('MODEL_UPSTREAM_THROTTLED');
    expect(error.upstreamStatus).toBe(429);
    expect(error.details).toMatchObject({ provider: 'together' });
    expect(order).toEqual(['vllm', 'together']);
  });

  it.each([
    [400, 'MODEL_UPSTREAM_REJECTED', 'invalid_request_error', "'messages' must contain at least one message"],
    [401, 'MODEL_UPSTREAM_AUTH', 'authentication_error', 'Incorrect API key provided.'],
  ] as const)('%i is not retried and does not fall back', async (status, code, type, message) => {
    script(vllm, openAIError(status, type, message));
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`, 'local/extractive'],
        retry: { attempts: 3 },
      },
    });
    const error = await rejection(router.converse('claims-assistant', ask));
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
    expect(error.message).toContain(message);
    expect(order).toEqual(['vllm']);
    expect(together.server.requests).toHaveLength(0);
  });

  it('a retry-after that fits in the time left is waited out on the same model', async () => {
    script(vllm, throttled({ 'retry-after-ms': '30' }), { body: completion(LLAMA, 'ok') });
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`],
        timeout: { attemptMs: 5_000, totalMs: 10_000 },
      },
    });
    const { servedBy } = await router.converse('claims-assistant', ask);
    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `vllm/${LLAMA}`, attempts: 2 });
    expect(order).toEqual(['vllm', 'vllm']);
  });

  it('a retry-after past the total timeout moves on to the next candidate instead of waiting', async () => {
    // An hour's wait would blow the test timeout if the router slept it.
    script(vllm, throttled({ 'retry-after': '3600' }));
    script(together, { body: completion(MIXTRAL, 'ok') });
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`],
        retry: { attempts: 2 },
        timeout: { attemptMs: 5_000, totalMs: 10_000 },
      },
    });
    const { servedBy } = await router.converse('claims-assistant', ask);
    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `together/${MIXTRAL}`, attempts: 2 });
    expect(order).toEqual(['vllm', 'together']);
  });

  it('the backoff draws its jitter from the injected random and still retries', async () => {
    script(vllm, serverError(), serverError(), { body: completion(LLAMA, 'ok') });
    const draws: number[] = [];
    const router = routerWith(
      {},
      {
        retry: { attempts: 2, initialDelayMs: 20, maxDelayMs: 40 },
        random: () => {
          draws.push(draws.length);
          return 0.5;
        },
      },
    );
    const { servedBy } = await router.converse(`vllm/${LLAMA}`, ask);
    expect(servedBy).toEqual({ model: `vllm/${LLAMA}`, attempts: 3 });
    // One draw per retry: no traffic pick for a direct model id.
    expect(draws).toHaveLength(2);
  });
});

describe('timeouts', () => {
  it('an attempt that hangs past attemptMs is MODEL_UPSTREAM_TIMEOUT and falls back', async () => {
    script(vllm, { hang: true });
    script(together, { body: completion(MIXTRAL, 'ok') });
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`],
        retry: { attempts: 0 },
        timeout: { attemptMs: 200, totalMs: 10_000 },
      },
    });
    const { servedBy } = await router.converse('claims-assistant', ask);
    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `together/${MIXTRAL}`, attempts: 2 });
    expect(order).toEqual(['vllm', 'together']);
  });

  it('with nothing to fall back to, the attempt timeout is the error', async () => {
    script(vllm, { hang: true }, { hang: true });
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        retry: { attempts: 1 },
        timeout: { attemptMs: 150, totalMs: 10_000 },
      },
    });
    const error = await rejection(router.converse('claims-assistant', ask));
    expect(error.code).toBe('MODEL_UPSTREAM_TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ timeoutMs: 150, timeout: 'attempt' });
    // A timed-out attempt is retried like any retryable failure.
    expect(order).toEqual(['vllm', 'vllm']);
  });

  it('the total timeout stops everything: no further retries or fallbacks', async () => {
    script(vllm, { hang: true });
    script(together, { body: completion(MIXTRAL, 'too late') });
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`, 'local/extractive'],
        retry: { attempts: 3 },
        timeout: { attemptMs: 60_000, totalMs: 500 },
      },
    });
    const error = await rejection(router.converse('claims-assistant', ask));
    expect(error.code).toBe('MODEL_UPSTREAM_TIMEOUT');
    expect(error.details).toEqual({ timeoutMs: 500, timeout: 'total' });
    expect(order).toEqual(['vllm']);
  });

  it('attempts cut short by the total deadline report the total timeout', async () => {
    // attemptMs would allow two attempts and a bit of a third; the third is clamped to the deadline.
    script(vllm, { hang: true }, { hang: true }, { hang: true }, { hang: true });
    const router = routerWith({
      'claims-assistant': {
        served: [{ model: `vllm/${LLAMA}` }],
        fallbacks: [`together/${MIXTRAL}`],
        retry: { attempts: 3 },
        timeout: { attemptMs: 200, totalMs: 500 },
      },
    });
    const error = await rejection(router.converse('claims-assistant', ask));
    expect(error.code).toBe('MODEL_UPSTREAM_TIMEOUT');
    expect(error.details).toEqual({ timeoutMs: 500, timeout: 'total' });
    expect(together.server.requests).toHaveLength(0);
    expect(order.every((name) => name === 'vllm')).toBe(true);
  });
});

describe('streams', () => {
  const endpoint = (extra: Record<string, unknown> = {}) => ({
    'claims-assistant': {
      served: [{ model: `vllm/${LLAMA}` }],
      fallbacks: [`together/${MIXTRAL}`],
      retry: { attempts: 0 },
      ...extra,
    },
  });

  it('streams the served model’s events and asks it for a stream', async () => {
    script(vllm, { headers: SSE, chunks: streamed(LLAMA, ['CLM-1042', ' is', ' approved.']) });
    const { stream, servedBy } = await routerWith(endpoint()).converseStream('claims-assistant', ask);
    const events = await collect(stream);

    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `vllm/${LLAMA}`, attempts: 1 });
    expect(textOfStream(events)).toBe('CLM-1042 is approved.');
    expect(events[0]).toEqual({ type: 'messageStart', role: 'assistant' });
    expect(events.at(-2)).toEqual({ type: 'messageStop', stopReason: 'end_turn' });
    expect(vllm.server.lastRequest().json).toMatchObject({
      model: LLAMA,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it.each([
    ['429', throttled({ 'retry-after-ms': '0' })],
    ['500', serverError()],
  ] as const)('a %s before the first byte falls back', async (_, failure) => {
    script(vllm, failure);
    script(together, { headers: SSE, chunks: streamed(MIXTRAL, ['Paid', ' in full.']) });
    const { stream, servedBy } = await routerWith(endpoint()).converseStream('claims-assistant', ask);

    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `together/${MIXTRAL}`, attempts: 2 });
    expect(textOfStream(await collect(stream))).toBe('Paid in full.');
    expect(order).toEqual(['vllm', 'together']);
    expect(together.server.lastRequest().json).toMatchObject({ model: MIXTRAL, stream: true });
  });

  it('a stream that breaks after its first event does not fall back: the iterator throws', async () => {
    const chunks = streamed(LLAMA, ['CLM-1042', ' is']).slice(0, 3);
    script(vllm, { headers: SSE, chunks, resetAfterChunks: true });
    script(together, { headers: SSE, chunks: streamed(MIXTRAL, ['should not be asked']) });
    const { stream, servedBy } = await routerWith(endpoint({ retry: { attempts: 2 } })).converseStream(
      'claims-assistant',
      ask,
    );
    const { items, error } = await collectUntilError(stream);

    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `vllm/${LLAMA}`, attempts: 1 });
    expect(textOfStream(items)).toBe('CLM-1042 is');
    expect(error).toBeInstanceOf(LakegateError);
    expect((error as LakegateError).code).toBe('MODEL_UPSTREAM_UNAVAILABLE');
    expect(order).toEqual(['vllm']);
    expect(together.server.requests).toHaveLength(0);
  });

  it('an error event inside a 200 stream surfaces from the iterator, without fallback', async () => {
    const error = { message: 'The engine is currently overloaded.', type: 'server_error', code: 503 };
    script(vllm, {
      headers: SSE,
      chunks: [chunk(LLAMA, { role: 'assistant', content: 'CLM' }), `data: ${JSON.stringify({ error })}\n\n`],
    });
    const { stream } = await routerWith(endpoint()).converseStream('claims-assistant', ask);
    const result = await collectUntilError(stream);
    expect(textOfStream(result.items)).toBe('CLM');
    expect((result.error as LakegateError).code).toBe('MODEL_UPSTREAM_UNAVAILABLE');
    expect(together.server.requests).toHaveLength(0);
  });

  it('a stream that outlasts attemptMs and totalMs is not cut off once it has started', async () => {
    // The first event comes at once; the rest is spread over well more than both timeouts.
    script(vllm, {
      headers: SSE,
      chunks: streamed(LLAMA, ['Claim', ' CLM-1042', ' was', ' approved.'], 250),
    });
    const router = routerWith(endpoint({ timeout: { attemptMs: 500, totalMs: 600 } }));
    const { stream, servedBy } = await router.converseStream('claims-assistant', ask);
    const events = await collect(stream);

    expect(servedBy.model).toBe(`vllm/${LLAMA}`);
    expect(textOfStream(events)).toBe('Claim CLM-1042 was approved.');
    expect(events.at(-1)).toMatchObject({ type: 'metadata', usage: { outputTokens: 4 } });
    expect(together.server.requests).toHaveLength(0);
  });

  it('a stream whose headers never come times out and falls back', async () => {
    script(vllm, { hang: true });
    script(together, { headers: SSE, chunks: streamed(MIXTRAL, ['ok']) });
    const router = routerWith(endpoint({ timeout: { attemptMs: 200, totalMs: 10_000 } }));
    const { stream, servedBy } = await router.converseStream('claims-assistant', ask);
    expect(textOfStream(await collect(stream))).toBe('ok');
    expect(servedBy).toEqual({ endpoint: 'claims-assistant', model: `together/${MIXTRAL}`, attempts: 2 });
  });

  it('the local provider streams through the router too', async () => {
    const { stream, servedBy } = await routerWith().converseStream('local/extractive', ask);
    const events = await collect(stream);
    expect(servedBy).toEqual({ model: 'local/extractive', attempts: 1 });
    expect(textOfStream(events)).toContain('approved on 12 March');
  });
});

describe('client cancellation', () => {
  const endpoint = {
    'claims-assistant': {
      served: [{ model: `vllm/${LLAMA}` }],
      fallbacks: [`together/${MIXTRAL}`, 'local/extractive'],
      retry: { attempts: 3 },
    },
  };

  it('a signal aborted before the call is REQUEST_CANCELLED and reaches no upstream', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(
      routerWith(endpoint).converse('claims-assistant', ask, { signal: controller.signal }),
    );
    expect(error.code).toBe('REQUEST_CANCELLED');
    expect(vllm.server.requests).toHaveLength(0);
  });

  it('aborting during an attempt cancels it and stops retries and fallbacks', async () => {
    const controller = new AbortController();
    vllm.server.enqueue(() => {
      order.push('vllm');
      controller.abort();
      return { hang: true };
    });
    const error = await rejection(
      routerWith(endpoint).converse('claims-assistant', ask, { signal: controller.signal }),
    );
    expect(error.code).toBe('REQUEST_CANCELLED');
    expect(order).toEqual(['vllm']);
    expect(together.server.requests).toHaveLength(0);
  });

  it('aborting during the backoff wait stops retries', async () => {
    const controller = new AbortController();
    // The router waits the minute the upstream asks for; the client leaves meanwhile.
    vllm.server.enqueue(() => {
      order.push('vllm');
      setTimeout(() => controller.abort(), 50);
      return throttled({ 'retry-after': '60' });
    });
    const error = await rejection(
      routerWith(endpoint).converse('claims-assistant', ask, { signal: controller.signal }),
    );
    expect(error.code).toBe('REQUEST_CANCELLED');
    expect(order).toEqual(['vllm']);
    expect(together.server.requests).toHaveLength(0);
  });

  it('aborting after a stream has started ends the stream with REQUEST_CANCELLED', async () => {
    const controller = new AbortController();
    script(vllm, { headers: SSE, chunks: streamed(LLAMA, ['CLM-1042', ' is', ' approved.'], 10_000) });
    const { stream } = await routerWith(endpoint).converseStream('claims-assistant', ask, {
      signal: controller.signal,
    });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'messageStart', role: 'assistant' });
    controller.abort();
    const error = await rejection(
      (async () => {
        for (let i = 0; i < 10; i++) if ((await iterator.next()).done) return;
      })(),
    );
    expect(error.code).toBe('REQUEST_CANCELLED');
    expect(together.server.requests).toHaveLength(0);
  });
});

describe('embeddings, token counts and native bodies', () => {
  it('embed goes to the provider’s embeddings API', async () => {
    script(vllm, {
      body: {
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.25, -0.5, 0.125] },
          { object: 'embedding', index: 1, embedding: [0.5, 0.75, -0.25] },
        ],
        model: 'BAAI/bge-m3',
        usage: { prompt_tokens: 9, total_tokens: 9 },
      },
    });
    const { response, servedBy } = await routerWith().embed('vllm/BAAI/bge-m3', {
      inputs: ['burst pipe', 'water damage'],
    });
    expect(servedBy).toEqual({ model: 'vllm/BAAI/bge-m3', attempts: 1 });
    expect(response.embeddings.map((e) => [...e])).toEqual([
      [0.25, -0.5, 0.125],
      [0.5, 0.75, -0.25],
    ]);
    expect(vllm.server.lastRequest().url).toBe('/v1/embeddings');
    expect(vllm.server.lastRequest().json).toEqual({
      model: 'BAAI/bge-m3',
      input: ['burst pipe', 'water damage'],
      encoding_format: 'float',
    });
  });

  it('an embeddings endpoint falls back from a failing upstream to local/embed', async () => {
    script(vllm, unavailable());
    const router = routerWith({
      'claims-embed': {
        task: 'embeddings',
        served: [{ model: 'vllm/BAAI/bge-m3' }],
        fallbacks: ['local/embed'],
        retry: { attempts: 0 },
      },
    });
    const { response, servedBy } = await router.embed('claims-embed', {
      inputs: ['burst pipe'],
      dimensions: 64,
    });
    expect(servedBy).toEqual({ endpoint: 'claims-embed', model: 'local/embed', attempts: 2 });
    expect(response.embeddings).toHaveLength(1);
    expect(response.embeddings[0]).toHaveLength(64);
    expect(order).toEqual(['vllm']);
  });

  it('countTokens is served by a provider that counts, UNSUPPORTED_OPERATION elsewhere', async () => {
    const router = routerWith();
    const { response, servedBy } = await router.countTokens('local/extractive', ask);
    expect(response.inputTokens).toBeGreaterThan(0);
    expect(servedBy).toEqual({ model: 'local/extractive', attempts: 1 });

    const error = await rejection(router.countTokens(`vllm/${LLAMA}`, ask));
    expect(error.code).toBe('UNSUPPORTED_OPERATION');
    expect(error.details).toEqual({ model: `vllm/${LLAMA}` });
    expect(vllm.server.requests).toHaveLength(0);
  });

  it('invokeNative on providers without native bodies is UNSUPPORTED_OPERATION', async () => {
    const router = routerWith();
    const request = { body: new TextEncoder().encode('{"inputText":"x"}'), contentType: 'application/json' };
    for (const id of ['local/embed', `together/${MIXTRAL}`]) {
      const error = await rejection(router.invokeNative(id, request));
      expect(error.code).toBe('UNSUPPORTED_OPERATION');
      expect(error.message).toContain('native request bodies');
    }
    expect(together.server.requests).toHaveLength(0);
  });

  it('embed on an upstream without embeddings support is not retried or faked', async () => {
    // The local chat model cannot embed: the provider says so, and the router does not retry it.
    const error = await rejection(routerWith().embed('local/extractive', { inputs: ['x'] }));
    expect(error.code).toBe('UNSUPPORTED_OPERATION');
  });
});
