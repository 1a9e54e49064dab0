import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, collectUntilError } from '../../../test/support/collect.js';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import { LakegateError, type Message, type StreamEvent } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createGeminiProvider } from './index.js';

const fixture = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const SSE = { 'content-type': 'text/event-stream' };

/** Splits a body at awkward places (inside JSON, between \r and \n) to exercise SSE framing. */
function splitEvery(text: string, size: number): Array<string | number> {
  const out: Array<string | number> = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size), 1);
  return out;
}

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createGeminiProvider({ name: 'gemini', baseUrl: `${server.url}/`, apiKey: 'k' });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const ask = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });

describe('gemini converseStream', () => {
  it('streams text as one block framed by start/stop, then messageStop and metadata', async () => {
    server.enqueue({ headers: SSE, chunks: splitEvery(await fixture('stream-text.chunks.txt'), 37) });
    const stream = await provider.converseStream({
      modelId: 'gemini-2.5-flash',
      messages: [ask('Approved?')],
    });
    const events = await collect(stream);

    const request = server.lastRequest();
    expect(request.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(request.headers['x-goog-api-key']).toBe('k');
    expect(request.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Approved?' }] }] });

    const metadata = events.at(-1);
    expect(metadata?.type === 'metadata' && metadata.metrics.latencyMs).toBeGreaterThanOrEqual(0);
    expect(events.slice(0, -1)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'The claim' },
      { type: 'textDelta', index: 0, text: ' is approved' },
      { type: 'textDelta', index: 0, text: ' for payment.' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'messageStop', stopReason: 'end_turn' },
    ]);
    expect(metadata).toMatchObject({ usage: { inputTokens: 21, outputTokens: 7, totalTokens: 28 } });
  });

  it('streams a function call as a whole toolUse block after its signature', async () => {
    server.enqueue({ headers: SSE, chunks: [await fixture('stream-tool-call.chunks.txt')] });
    const events = await collect(
      await provider.converseStream({ modelId: 'gemini-3-flash-preview', messages: [ask('Claim 42?')] }),
    );
    const toolStart = events.find((e) => e.type === 'contentBlockStart' && e.start.type === 'toolUse');
    const toolUseId =
      toolStart?.type === 'contentBlockStart' && toolStart.start.type === 'toolUse'
        ? toolStart.start.toolUseId
        : '';
    expect(toolUseId).toMatch(/^call_1_[0-9a-f]{12}$/);
    expect(events.slice(0, -1)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Checking the claim.' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'contentBlockStart', index: 1, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 1, signature: 'CiQBVKhc7mQ1bWq0+2i1aZ0Xq3n6yWcBXu7Fh1m9tJzJq8sL0ZM' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'contentBlockStart', index: 2, start: { type: 'toolUse', toolUseId, name: 'get_claim' } },
      { type: 'toolUseDelta', index: 2, input: '{"claimId":"CLM-2024-0042","fields":["status","amount"]}' },
      { type: 'contentBlockStop', index: 2 },
      { type: 'messageStop', stopReason: 'tool_use' },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'metadata',
      usage: { inputTokens: 88, outputTokens: 73, totalTokens: 161 },
    });
  });

  it('streams thoughts as a reasoning block, with cache reads in the usage, and the result round-trips', async () => {
    server.enqueue({ headers: SSE, chunks: splitEvery(await fixture('stream-thinking.chunks.txt'), 64) });
    const events = await collect(
      await provider.converseStream({ modelId: 'gemini-2.5-pro', messages: [ask('Review?')] }),
    );
    expect(events.slice(0, -1)).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 0, text: '**Reading the policy**\n\n' },
      { type: 'reasoningDelta', index: 0, text: 'The threshold is 10,000 EUR.' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'contentBlockStart', index: 1, start: { type: 'text' } },
      { type: 'textDelta', index: 1, text: 'Yes, ' },
      { type: 'textDelta', index: 1, text: 'it needs review.' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'contentBlockStart', index: 2, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 2, signature: 'EpYDCpMDAdHtim9j1pH5zQe0Y6V2hH6Zx9sYt1w0XbVq' },
      { type: 'contentBlockStop', index: 2 },
      { type: 'messageStop', stopReason: 'end_turn' },
    ]);
    expect(events.at(-1)).toMatchObject({
      usage: { inputTokens: 512, outputTokens: 69, totalTokens: 2117, cacheReadInputTokens: 1536 },
    });

    // The assistant message a client rebuilds from these events goes back with the signature on the
    // last part, where Gemini put it, not as an empty part.
    server.enqueue({ body: await fixture('generate-text.json') });
    await provider.converse({
      modelId: 'gemini-2.5-pro',
      messages: [
        ask('Review?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '**Reading the policy**\n\nThe threshold is 10,000 EUR.' },
            { type: 'text', text: 'Yes, it needs review.' },
            { type: 'reasoning', text: '', signature: 'EpYDCpMDAdHtim9j1pH5zQe0Y6V2hH6Zx9sYt1w0XbVq' },
          ],
        },
        ask('Why?'),
      ],
    });
    expect(server.lastRequest().json).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Review?' }] },
        {
          role: 'model',
          parts: [
            { text: '**Reading the policy**\n\nThe threshold is 10,000 EUR.', thought: true },
            {
              text: 'Yes, it needs review.',
              thoughtSignature: 'EpYDCpMDAdHtim9j1pH5zQe0Y6V2hH6Zx9sYt1w0XbVq',
            },
          ],
        },
        { role: 'user', parts: [{ text: 'Why?' }] },
      ],
    });
  });

  it('ends a blocked prompt with content_filtered', async () => {
    const blocked = JSON.stringify({
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
      usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
    });
    server.enqueue({ headers: SSE, chunks: [`data: ${blocked}\r\n\r\n`] });
    const events = await collect(
      await provider.converseStream({ modelId: 'gemini-2.5-flash', messages: [ask('...')] }),
    );
    expect(events.map((e) => e.type)).toEqual(['messageStart', 'messageStop', 'metadata']);
    expect(events[1]).toEqual({ type: 'messageStop', stopReason: 'content_filtered' });
  });

  it('rejects the promise itself when Gemini answers 429 before streaming', async () => {
    server.enqueue({ status: 429, body: await fixture('error-429.json') });
    const error = await provider
      .converseStream({ modelId: 'gemini-2.5-flash', messages: [ask('hi')] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_THROTTLED', retryable: true, retryAfterMs: 37512 });
  });

  it('throws an in-stream error event as the matching LakegateError', async () => {
    server.enqueue({ headers: SSE, chunks: [await fixture('stream-error.chunks.txt')] });
    const stream = await provider.converseStream({ modelId: 'gemini-2.5-flash', messages: [ask('hi')] });
    const { items, error } = await collectUntilError(stream);
    expect(items.map((e) => e.type)).toEqual(['messageStart', 'contentBlockStart', 'textDelta']);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true, upstreamStatus: 503 });
    expect((error as Error).message).toContain('UNAVAILABLE: The model is overloaded');
  });

  it('throws a LakegateError from the iterator when the connection resets mid-stream', async () => {
    const text = await fixture('stream-text.chunks.txt');
    server.enqueue({
      headers: SSE,
      chunks: [text.slice(0, text.indexOf('\r\n\r\n') + 4)],
      resetAfterChunks: true,
    });
    const stream = await provider.converseStream({ modelId: 'gemini-2.5-flash', messages: [ask('hi')] });
    const { items, error } = await collectUntilError<StreamEvent>(stream);
    expect(items).toContainEqual({ type: 'textDelta', index: 0, text: 'The claim' });
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE for an event that is not JSON', async () => {
    server.enqueue({ headers: SSE, chunks: ['data: {"candidates":[{"content":\r\n\r\n'] });
    const stream = await provider.converseStream({ modelId: 'gemini-2.5-flash', messages: [ask('hi')] });
    const { error } = await collectUntilError(stream);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE when the stream ends without a finishReason', async () => {
    const text = await fixture('stream-text.chunks.txt');
    server.enqueue({ headers: SSE, chunks: [text.slice(0, text.indexOf('\r\n\r\n') + 4)] });
    const stream = await provider.converseStream({ modelId: 'gemini-2.5-flash', messages: [ask('hi')] });
    const { items, error } = await collectUntilError(stream);
    expect(items.map((e) => e.type)).toEqual([
      'messageStart',
      'contentBlockStart',
      'textDelta',
      'contentBlockStop',
    ]);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE', retryable: true });
  });
});

describe('gemini converseStream warnings', () => {
  it('reports settings Gemini cannot honour on the metadata event', async () => {
    server.enqueue({ headers: SSE, chunks: [await fixture('stream-text.chunks.txt')] });
    const stream = await provider.converseStream({
      modelId: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Approved?' }, { type: 'cachePoint' }] }],
    });
    const metadata = (await collect(stream)).at(-1);
    expect(metadata?.type).toBe('metadata');
    const warnings = metadata?.type === 'metadata' ? (metadata.warnings ?? []) : [];
    expect(warnings.map((w) => w.setting).join(' ')).toMatch(/cachePoint/i);
  });
});
