import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, collectUntilError } from '../../../test/support/collect.js';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { StreamEvent } from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createAnthropicProvider } from './index.js';

const MODEL = 'claude-sonnet-4-5-20250929';
const sse = { 'content-type': 'text/event-stream; charset=utf-8' };
const fixture = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const request = {
  modelId: MODEL,
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Status of CLM-1042?' }] }],
};

/** Cuts the body at awkward places (mid-line, mid-UTF-8 sequence) with pauses, as a network would. */
function chunked(text: string, size: number): Array<Uint8Array | number> {
  const bytes = new TextEncoder().encode(text);
  const out: Array<Uint8Array | number> = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size), i === 0 ? 5 : 0);
  return out;
}

const anyLatency = { latencyMs: expect.any(Number) };

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createAnthropicProvider({ name: 'anthropic', baseUrl: server.url, apiKey: 'sk-ant-test-key' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

async function streamFixture(name: string, size = 37): Promise<AsyncIterable<StreamEvent>> {
  server.enqueue({ headers: sse, chunks: chunked(await fixture(name), size) });
  return provider.converseStream(request);
}

describe('anthropic converseStream', () => {
  it('sends stream:true and frames a text answer as start, block, deltas, stop, metadata', async () => {
    const events = await collect(await streamFixture('stream-text.chunks.txt'));
    const sent = server.lastRequest();
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test-key');
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] }],
      stream: true,
    });
    expect(events).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Claim CLM-1042 ' },
      { type: 'textDelta', index: 0, text: 'is awaiting an adjuster.' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'messageStop', stopReason: 'end_turn' },
      {
        type: 'metadata',
        usage: {
          inputTokens: 25,
          outputTokens: 15,
          cacheReadInputTokens: 1200,
          cacheWriteInputTokens: 0,
          totalTokens: 25 + 15 + 1200,
        },
        metrics: anyLatency,
      },
    ]);
  });

  it('streams a tool call with its input as partial JSON fragments after a text block', async () => {
    const events = await collect(await streamFixture('stream-tool-use.chunks.txt', 11));
    expect(events).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Let me look up that claim.' },
      { type: 'contentBlockStop', index: 0 },
      {
        type: 'contentBlockStart',
        index: 1,
        start: { type: 'toolUse', toolUseId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_claim' },
      },
      { type: 'toolUseDelta', index: 1, input: '{"claim_id": "CL' },
      { type: 'toolUseDelta', index: 1, input: 'M-1042", "include_' },
      { type: 'toolUseDelta', index: 1, input: 'history": true}' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'messageStop', stopReason: 'tool_use' },
      {
        type: 'metadata',
        usage: {
          inputTokens: 472,
          outputTokens: 89,
          cacheReadInputTokens: 0,
          cacheWriteInputTokens: 0,
          totalTokens: 561,
        },
        metrics: anyLatency,
      },
    ]);
    const input = events
      .filter((e): e is Extract<StreamEvent, { type: 'toolUseDelta' }> => e.type === 'toolUseDelta')
      .map((e) => e.input)
      .join('');
    expect(JSON.parse(input)).toEqual({ claim_id: 'CLM-1042', include_history: true });
  });

  it('streams thinking and its signature, skips server-tool blocks and renumbers the blocks it emits', async () => {
    const events = await collect(await streamFixture('stream-thinking.chunks.txt', 64));
    expect(events).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 0, text: 'The limit is 50,000; ' },
      { type: 'reasoningDelta', index: 0, text: 'the claim is 12,400.' },
      {
        type: 'reasoningDelta',
        index: 0,
        signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
      },
      { type: 'contentBlockStop', index: 0 },
      { type: 'contentBlockStart', index: 1, start: { type: 'text' } },
      { type: 'textDelta', index: 1, text: 'Yes, it is within the limit.' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'messageStop', stopReason: 'end_turn' },
      {
        type: 'metadata',
        usage: {
          inputTokens: 88,
          outputTokens: 240,
          cacheReadInputTokens: 0,
          cacheWriteInputTokens: 512,
          totalTokens: 840,
        },
        metrics: anyLatency,
      },
    ]);
  });

  it('maps the stop reason from message_delta (refusal -> content_filtered)', async () => {
    const text = (await fixture('stream-text.chunks.txt')).replace(
      '"stop_reason":"end_turn"',
      '"stop_reason":"refusal"',
    );
    server.enqueue({ headers: sse, chunks: [text] });
    const events = await collect(await provider.converseStream(request));
    expect(events.find((e) => e.type === 'messageStop')).toEqual({
      type: 'messageStop',
      stopReason: 'content_filtered',
    });
  });

  it('ignores event types it does not know', async () => {
    const text = (await fixture('stream-text.chunks.txt')).replace(
      'event: ping\n',
      'event: future_event\ndata: {"type":"future_event","detail":1}\n\nevent: ping\n',
    );
    server.enqueue({ headers: sse, chunks: [text] });
    const events = await collect(await provider.converseStream(request));
    expect(events.map((e) => e.type)).toEqual([
      'messageStart',
      'contentBlockStart',
      'textDelta',
      'textDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
  });
});

describe('anthropic converseStream failures', () => {
  it('throws MODEL_UPSTREAM_UNAVAILABLE (retryable) for an overloaded_error event mid-stream', async () => {
    const { items, error } = await collectUntilError(
      await streamFixture('stream-error-overloaded.chunks.txt'),
    );
    expect(items).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Claim CLM-1042 ' },
    ]);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true });
    expect((error as Error).message).toContain('Overloaded');
  });

  it.each([
    ['rate_limit_error', 'MODEL_UPSTREAM_THROTTLED', true],
    ['api_error', 'MODEL_UPSTREAM_ERROR', true],
    ['invalid_request_error', 'MODEL_UPSTREAM_REJECTED', false],
  ])('maps a %s event to %s', async (type, code, retryable) => {
    const text = (await fixture('stream-error-overloaded.chunks.txt')).replace('overloaded_error', type);
    server.enqueue({ headers: sse, chunks: [text] });
    const { error } = await collectUntilError(await provider.converseStream(request));
    expect(error).toMatchObject({ code, retryable });
  });

  it('throws a retryable LakegateError when the connection resets mid-stream', async () => {
    const text = await fixture('stream-text.chunks.txt');
    server.enqueue({
      headers: sse,
      chunks: [text.slice(0, text.indexOf('event: content_block_stop'))],
      resetAfterChunks: true,
    });
    const { items, error } = await collectUntilError(await provider.converseStream(request));
    expect(items.map((e) => e.type)).toEqual(['messageStart', 'contentBlockStart', 'textDelta', 'textDelta']);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('throws when the stream ends cleanly without message_stop', async () => {
    const text = await fixture('stream-text.chunks.txt');
    server.enqueue({ headers: sse, chunks: [text.slice(0, text.indexOf('event: message_delta'))] });
    const { items, error } = await collectUntilError(await provider.converseStream(request));
    expect(items.at(-1)).toEqual({ type: 'contentBlockStop', index: 0 });
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE', retryable: true });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE for an event that is not JSON', async () => {
    server.enqueue({
      headers: sse,
      chunks: [
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\n',
        'event: content_block_start\ndata: {not json\n\n',
      ],
    });
    const { items, error } = await collectUntilError(await provider.converseStream(request));
    expect(items).toEqual([{ type: 'messageStart', role: 'assistant' }]);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE for a delta on a block that never started', async () => {
    server.enqueue({
      headers: sse,
      chunks: [
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1}}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"x"}}\n\n',
      ],
    });
    const { error } = await collectUntilError(await provider.converseStream(request));
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('rejects the call itself on 429 before the stream, with retry-after', async () => {
    server.enqueue({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '12' },
      body: await fixture('error-rate-limit.json'),
    });
    const error = await provider.converseStream(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({
      code: 'MODEL_UPSTREAM_THROTTLED',
      retryable: true,
      retryAfterMs: 12_000,
      upstreamStatus: 429,
    });
  });

  it('rejects the call itself on 529 overloaded before the stream', async () => {
    server.enqueue({
      status: 529,
      headers: { 'content-type': 'application/json' },
      body: await fixture('error-overloaded.json'),
    });
    await expect(provider.converseStream(request)).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_UNAVAILABLE',
      retryable: true,
      upstreamStatus: 529,
    });
  });
});
