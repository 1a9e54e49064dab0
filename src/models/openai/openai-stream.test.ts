import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, collectUntilError } from '../../../test/support/collect.js';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import { type ConverseRequest, isLakegateError, type StreamEvent } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createOpenAIProvider } from './index.js';

const SSE = { 'content-type': 'text/event-stream; charset=utf-8' };

/** Splits a streamed body at fixed byte offsets, so events and even UTF-8 land across chunk boundaries. */
async function chunksOf(name: string, size = 37): Promise<string[]> {
  const text = await readFixture(new URL(`./fixtures/${name}`, import.meta.url));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const withoutMetrics = (events: StreamEvent[]) =>
  events.map((e) => (e.type === 'metadata' ? { ...e, metrics: { latencyMs: 0 } } : e));

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createOpenAIProvider({ name: 'openai', baseUrl: `${server.url}/v1`, apiKey: 'sk-test' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const ask: ConverseRequest = {
  modelId: 'gpt-4o',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] }],
  inferenceConfig: { maxTokens: 100 },
};

describe('OpenAI converseStream', () => {
  it('asks for a stream with usage and maps text chunks to the canonical event order', async () => {
    server.enqueue({ headers: SSE, chunks: await chunksOf('stream-text.chunks.txt') });
    const events = await collect(await provider.converseStream(ask));
    expect(server.lastRequest().url).toBe('/v1/chat/completions');
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Status of CLM-1042?' }],
      max_completion_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(withoutMetrics(events)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Claim' },
      { type: 'textDelta', index: 0, text: ' CLM-1042' },
      { type: 'textDelta', index: 0, text: ' was approved' },
      { type: 'textDelta', index: 0, text: '.' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'messageStop', stopReason: 'end_turn' },
      {
        type: 'metadata',
        usage: { inputTokens: 86, outputTokens: 6, totalTokens: 2012, cacheReadInputTokens: 1920 },
        metrics: { latencyMs: 0 },
      },
    ]);
    const last = events.at(-1);
    expect(last?.type === 'metadata' && last.metrics.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('closes the text block before tool calls and streams their partial JSON by index', async () => {
    server.enqueue({ headers: SSE, chunks: await chunksOf('stream-tool-calls.chunks.txt', 53) });
    const events = await collect(await provider.converseStream(ask));
    expect(withoutMetrics(events)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Let me look that up.' },
      { type: 'contentBlockStop', index: 0 },
      {
        type: 'contentBlockStart',
        index: 1,
        start: { type: 'toolUse', toolUseId: 'call_Xb2Rq9LmT4cVw8NzK1pD6eHs', name: 'lookup_claim' },
      },
      { type: 'toolUseDelta', index: 1, input: '{"cl' },
      { type: 'toolUseDelta', index: 1, input: 'aim_id' },
      { type: 'toolUseDelta', index: 1, input: '":"CLM-' },
      { type: 'toolUseDelta', index: 1, input: '1042"}' },
      { type: 'contentBlockStop', index: 1 },
      {
        type: 'contentBlockStart',
        index: 2,
        start: { type: 'toolUse', toolUseId: 'call_7YhGf3KdP0sWq2MvB9xLc5Rt', name: 'lookup_policy' },
      },
      { type: 'toolUseDelta', index: 2, input: '{"policy_id":' },
      { type: 'toolUseDelta', index: 2, input: '"POL-77","include_riders":true}' },
      { type: 'contentBlockStop', index: 2 },
      { type: 'messageStop', stopReason: 'tool_use' },
      {
        type: 'metadata',
        usage: { inputTokens: 182, outputTokens: 58, totalTokens: 240, cacheReadInputTokens: 0 },
        metrics: { latencyMs: 0 },
      },
    ]);
  });

  it('maps length to max_tokens', async () => {
    server.enqueue({ headers: SSE, chunks: await chunksOf('stream-length.chunks.txt') });
    const events = await collect(await provider.converseStream(ask));
    expect(events.find((e) => e.type === 'messageStop')).toEqual({
      type: 'messageStop',
      stopReason: 'max_tokens',
    });
  });

  it('gives a tool call without arguments "{}" and flags unparseable arguments as malformed_tool_use', async () => {
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    server.enqueue({
      headers: SSE,
      chunks: [
        chunk({
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'now', arguments: '' } },
          ],
        }),
        chunk({
          tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'lookup_claim' } }],
        }),
        chunk({ tool_calls: [{ index: 1, function: { arguments: '{"claim_id":' } }] }),
        chunk({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ],
    });
    const events = await collect(await provider.converseStream(ask));
    expect(withoutMetrics(events)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'toolUse', toolUseId: 'call_1', name: 'now' } },
      { type: 'toolUseDelta', index: 0, input: '{}' },
      { type: 'contentBlockStop', index: 0 },
      {
        type: 'contentBlockStart',
        index: 1,
        start: { type: 'toolUse', toolUseId: 'call_2', name: 'lookup_claim' },
      },
      { type: 'toolUseDelta', index: 1, input: '{"claim_id":' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'messageStop', stopReason: 'malformed_tool_use' },
      {
        type: 'metadata',
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        metrics: { latencyMs: 0 },
        warnings: [expect.objectContaining({ setting: 'toolUse.input' })],
      },
    ]);
  });

  it('reports request warnings on the closing metadata event', async () => {
    server.enqueue({ headers: SSE, chunks: await chunksOf('stream-length.chunks.txt') });
    const events = await collect(
      await provider.converseStream({
        ...ask,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Read this.' },
              { type: 'document', name: 'sheet', format: 'xlsx', bytes: new Uint8Array([1]) },
            ],
          },
        ],
      }),
    );
    expect(server.lastRequest().json).toMatchObject({ messages: [{ role: 'user', content: 'Read this.' }] });
    expect(events.at(-1)).toMatchObject({
      type: 'metadata',
      warnings: [expect.objectContaining({ setting: 'messages.content.document' })],
    });
    expect(events.filter((e) => e.type === 'metadata')).toHaveLength(1);
  });

  it('streams a refusal as text with content_filtered', async () => {
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })}\n\n`;
    server.enqueue({
      headers: SSE,
      chunks: [
        chunk({ role: 'assistant', content: null, refusal: '' }),
        chunk({ refusal: "I'm sorry, " }),
        chunk({ refusal: "I can't help with that." }),
        chunk({}, 'stop'),
        'data: [DONE]\n\n',
      ],
    });
    const events = await collect(await provider.converseStream(ask));
    expect(withoutMetrics(events).slice(0, -1)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: "I'm sorry, " },
      { type: 'textDelta', index: 0, text: "I can't help with that." },
      { type: 'contentBlockStop', index: 0 },
      { type: 'messageStop', stopReason: 'content_filtered' },
    ]);
  });

  it('omits stream_options when includeStreamUsage is false', async () => {
    const quiet = createOpenAIProvider({ name: 'quiet', baseUrl: server.url, includeStreamUsage: false });
    server.enqueue({ headers: SSE, chunks: await chunksOf('stream-length.chunks.txt') });
    await collect(await quiet.converseStream(ask));
    expect(server.lastRequest().url).toBe('/chat/completions');
    expect(server.lastRequest().headers['authorization']).toBeUndefined();
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Status of CLM-1042?' }],
      max_completion_tokens: 100,
      stream: true,
    });
    await quiet.close?.();
  });

  it('throws a LakegateError from the iterator when the connection resets mid-stream', async () => {
    const chunks = await chunksOf('stream-text.chunks.txt', 400);
    server.enqueue({ headers: SSE, chunks: chunks.slice(0, 2), resetAfterChunks: true });
    const { items, error } = await collectUntilError(await provider.converseStream(ask));
    expect(items[0]).toEqual({ type: 'messageStart', role: 'assistant' });
    expect(items.some((e) => e.type === 'textDelta')).toBe(true);
    expect(items.some((e) => e.type === 'messageStop')).toBe(false);
    expect(isLakegateError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('treats a stream that ends cleanly without a finish reason or [DONE] as a bad response', async () => {
    const chunks = await chunksOf('stream-text.chunks.txt', 400);
    server.enqueue({ headers: SSE, chunks: chunks.slice(0, 2) });
    const { items, error } = await collectUntilError(await provider.converseStream(ask));
    expect(items.some((e) => e.type === 'messageStop')).toBe(false);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE for an event that is not JSON', async () => {
    server.enqueue({
      headers: SSE,
      chunks: ['data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n', 'data: {oops\n\n'],
    });
    const { items, error } = await collectUntilError(await provider.converseStream(ask));
    expect(items.map((e) => e.type)).toEqual(['messageStart', 'contentBlockStart', 'textDelta']);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('hands out the events before a broken one in the same network read, then the error', async () => {
    server.enqueue({
      headers: SSE,
      chunks: ['data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: {oops\n\n'],
    });
    const { items, error } = await collectUntilError(await provider.converseStream(ask));
    expect(items.map((e) => e.type)).toEqual(['messageStart', 'contentBlockStart', 'textDelta']);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('lets the rest of the answer go when the reader stops early, and serves the next call', async () => {
    const chunks = await chunksOf('stream-text.chunks.txt', 60);
    server.enqueue({ headers: SSE, chunks: [chunks[0] ?? '', 300, ...chunks.slice(1)] });
    const iterator = (await provider.converseStream(ask))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'messageStart', role: 'assistant' });
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });

    server.enqueue({ headers: SSE, chunks: await chunksOf('stream-text.chunks.txt') });
    const events = await collect(await provider.converseStream(ask));
    expect(events.map((e) => e.type).slice(-2)).toEqual(['messageStop', 'metadata']);
  });

  it('maps an error event inside the stream to the matching retryable LakegateError', async () => {
    const cases = [
      [
        { message: 'The server is overloaded.', type: 'service_unavailable', param: null, code: null },
        'MODEL_UPSTREAM_UNAVAILABLE',
      ],
      [
        { message: 'Rate limit reached.', type: 'tokens', param: null, code: 'rate_limit_exceeded' },
        'MODEL_UPSTREAM_THROTTLED',
      ],
      [
        { message: 'The server had an error.', type: 'server_error', param: null, code: null },
        'MODEL_UPSTREAM_ERROR',
      ],
    ] as const;
    for (const [body, code] of cases) {
      server.enqueue({
        headers: SSE,
        chunks: [
          'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}\n\n',
          `data: ${JSON.stringify({ error: body })}\n\n`,
        ],
      });
      const { error } = await collectUntilError(await provider.converseStream(ask));
      expect(error).toMatchObject({ code, retryable: true });
      expect((error as Error).message).toContain(body.message);
    }
  });

  it('rejects the promise (before any event) when the upstream answers an error status', async () => {
    server.enqueue({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });
    await expect(provider.converseStream(ask)).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_THROTTLED',
      retryable: true,
      retryAfterMs: 3000,
    });
  });
});
