import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, collectUntilError } from '../../../test/support/collect.js';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import { type ConverseRequest, LakegateError, type StreamEvent } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { decodeEventStream } from './decode-event-stream.js';
import { createBedrockProvider } from './index.js';

// The scripted server frames events with the same codec the AWS SDKs use: the real wire format.
const codec = new EventStreamCodec(toUtf8, fromUtf8);
const EVENTSTREAM = { 'content-type': 'application/vnd.amazon.eventstream' };

function frame(headers: Record<string, string>, payload: unknown): Uint8Array {
  return codec.encode({
    headers: Object.fromEntries(Object.entries(headers).map(([k, value]) => [k, { type: 'string', value }])),
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function event(eventType: string, payload: unknown): Uint8Array {
  return frame(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    payload,
  );
}

function exception(exceptionType: string, message: string): Uint8Array {
  return frame(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    { message },
  );
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

async function fixtureFrames(name: string): Promise<Uint8Array[]> {
  const events: Array<{ event: string; payload: unknown }> = JSON.parse(
    await readFixture(new URL(`./fixtures/${name}`, import.meta.url)),
  );
  return events.map((e) => event(e.event, e.payload));
}

/** Splits bytes into chunks of the given sizes (cycled), with a pause between them so they arrive apart. */
function split(bytes: Uint8Array, sizes: number[], pauseMs = 1): Array<Uint8Array | number> {
  const out: Array<Uint8Array | number> = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + size), pauseMs);
    at += size;
  }
  return out;
}

const REQUEST: ConverseRequest = {
  modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  system: [{ type: 'text', text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] }],
  inferenceConfig: { maxTokens: 100 },
};

let server: ScriptedServer;
let provider: ModelProvider;

beforeEach(async () => {
  server = await startScriptedServer();
  provider = createBedrockProvider({
    name: 'bedrock',
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
});

afterEach(async () => {
  await provider.close?.();
  await server.close();
});

const metadata = (usage: Record<string, number>) => ({
  type: 'metadata',
  usage,
  metrics: { latencyMs: expect.any(Number) },
});

describe('converseStream', () => {
  it('posts to /converse-stream and synthesises the text block start Bedrock skips', async () => {
    server.enqueue({ headers: EVENTSTREAM, chunks: await fixtureFrames('converse-stream-text.events.json') });

    const events = await collect(await provider.converseStream(REQUEST));

    const request = server.lastRequest();
    expect(request.url).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
    expect(request.headers['accept']).toBe('application/vnd.amazon.eventstream');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.json).toEqual({
      system: [{ text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ text: 'Status of CLM-1042?' }] }],
      inferenceConfig: { maxTokens: 100 },
    });
    expect(events).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'The claim' },
      { type: 'textDelta', index: 0, text: ' is open.' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'messageStop', stopReason: 'end_turn' },
      metadata({
        inputTokens: 17,
        outputTokens: 6,
        totalTokens: 323,
        cacheReadInputTokens: 300,
        cacheWriteInputTokens: 0,
      }),
    ]);
  });

  it('streams a tool call with its input as partial JSON', async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: await fixtureFrames('converse-stream-tool-use.events.json'),
    });

    const events = await collect(await provider.converseStream(REQUEST));

    expect(events).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Looking it up.' },
      { type: 'contentBlockStop', index: 0 },
      {
        type: 'contentBlockStart',
        index: 1,
        start: { type: 'toolUse', toolUseId: 'tooluse_9dJ0xfUCTQ2ZuYt1Hh2h7g', name: 'lookup_claim' },
      },
      { type: 'toolUseDelta', index: 1, input: '' },
      { type: 'toolUseDelta', index: 1, input: '{"claimId": "CL' },
      { type: 'toolUseDelta', index: 1, input: 'M-1042"}' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'messageStop', stopReason: 'tool_use' },
      metadata({ inputTokens: 402, outputTokens: 58, totalTokens: 460 }),
    ]);
    const input = events
      .filter((e): e is Extract<StreamEvent, { type: 'toolUseDelta' }> => e.type === 'toolUseDelta')
      .map((e) => e.input)
      .join('');
    expect(JSON.parse(input)).toEqual({ claimId: 'CLM-1042' });
  });

  it('streams reasoning text and signature as a reasoning block', async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: await fixtureFrames('converse-stream-reasoning.events.json'),
    });

    const events = await collect(await provider.converseStream(REQUEST));

    expect(events).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 0, text: 'Flood is excluded' },
      { type: 'reasoningDelta', index: 0, text: ' under section 4.' },
      {
        type: 'reasoningDelta',
        index: 0,
        signature: 'EqoBCkgIARABGAIiQL3xn2Q1bH0c8tYVdM9t3o7Kz4hEo2Cq0n4v1eA=',
      },
      { type: 'contentBlockStop', index: 0 },
      { type: 'contentBlockStart', index: 1, start: { type: 'text' } },
      { type: 'textDelta', index: 1, text: 'Declined: flood exclusion.' },
      { type: 'contentBlockStop', index: 1 },
      { type: 'messageStop', stopReason: 'max_tokens' },
      metadata({ inputTokens: 51, outputTokens: 140, totalTokens: 191 }),
    ]);
  });

  it('streams redacted reasoning as bytes', async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: [
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { reasoningContent: { redactedContent: 'AQIDBA==' } },
        }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('messageStop', { stopReason: 'end_turn' }),
        event('metadata', {
          usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
          metrics: { latencyMs: 4 },
        }),
      ],
    });

    const events = await collect(await provider.converseStream(REQUEST));

    expect(events.slice(1, 4)).toEqual([
      { type: 'contentBlockStart', index: 0, start: { type: 'reasoning' } },
      { type: 'reasoningDelta', index: 0, redacted: Uint8Array.of(1, 2, 3, 4) },
      { type: 'contentBlockStop', index: 0 },
    ]);
  });

  it("reports tool choice 'none' and an unknown stop reason as warnings on the metadata event", async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: [
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('messageStop', { stopReason: 'brand_new_reason' }),
        event('metadata', {
          usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
          metrics: { latencyMs: 4 },
        }),
      ],
    });

    const events = await collect(
      await provider.converseStream({
        ...REQUEST,
        toolConfig: {
          tools: [{ type: 'tool', name: 'lookup_claim', inputSchema: { type: 'object' } }],
          toolChoice: { type: 'none' },
        },
      }),
    );

    expect((server.lastRequest().json as Record<string, unknown>)['toolConfig']).toEqual({
      tools: [{ toolSpec: { name: 'lookup_claim', inputSchema: { json: { type: 'object' } } } }],
    });
    expect(events.at(-2)).toEqual({ type: 'messageStop', stopReason: 'end_turn' });
    expect(events.at(-1)).toEqual({
      type: 'metadata',
      usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      metrics: { latencyMs: expect.any(Number) },
      warnings: [
        { setting: 'toolConfig.toolChoice', message: expect.stringContaining('none') },
        { setting: 'stopReason', message: expect.stringContaining('brand_new_reason') },
      ],
    });
  });

  it('decodes frames split across network chunks at arbitrary points', async () => {
    const whole = concat(await fixtureFrames('converse-stream-tool-use.events.json'));
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: await fixtureFrames('converse-stream-tool-use.events.json'),
    });
    const expected = await collect(await provider.converseStream(REQUEST));

    // 2 and 3 bytes cut inside the 4-byte length prelude; 9, 50 and 211 cut headers and payloads.
    for (const sizes of [
      [2, 9],
      [3, 50],
      [211, 5],
    ]) {
      server.enqueue({ headers: EVENTSTREAM, chunks: split(whole, sizes) });
      const events = await collect(await provider.converseStream(REQUEST));
      expect(events.map(({ type }) => type)).toEqual(expected.map(({ type }) => type));
      expect(events.filter((e) => e.type !== 'metadata')).toEqual(
        expected.filter((e) => e.type !== 'metadata'),
      );
    }
  });

  it('renumbers around blocks the canonical model cannot carry', async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: [
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Searching.' } }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('contentBlockStart', {
          contentBlockIndex: 1,
          start: { toolResult: { toolUseId: 'srv_1', type: 'web_search_result' } },
        }),
        event('contentBlockDelta', { contentBlockIndex: 1, delta: { toolResult: [{ text: 'result' }] } }),
        event('contentBlockStop', { contentBlockIndex: 1 }),
        event('contentBlockDelta', { contentBlockIndex: 2, delta: { text: 'Found it.' } }),
        event('contentBlockStop', { contentBlockIndex: 2 }),
        event('messageStop', { stopReason: 'end_turn' }),
        event('metadata', {
          usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
          metrics: { latencyMs: 9 },
        }),
      ],
    });

    const events = await collect(await provider.converseStream(REQUEST));

    expect(events.filter((e) => e.type === 'contentBlockStart' || e.type === 'contentBlockStop')).toEqual([
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'contentBlockStop', index: 0 },
      { type: 'contentBlockStart', index: 1, start: { type: 'text' } },
      { type: 'contentBlockStop', index: 1 },
    ]);
    expect(events).toContainEqual({ type: 'textDelta', index: 1, text: 'Found it.' });
    expect(events.at(-1)).toMatchObject({
      type: 'metadata',
      warnings: [{ setting: 'output.message.content', message: expect.stringContaining('toolResult') }],
    });
  });

  it('closes blocks Bedrock left open before messageStop and emits metadata last even without one', async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: [
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
        event('messageStop', { stopReason: 'stop_sequence' }),
      ],
    });

    const events = await collect(await provider.converseStream(REQUEST));

    expect(events).toEqual([
      { type: 'messageStart', role: 'assistant' },
      { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
      { type: 'textDelta', index: 0, text: 'Hi' },
      { type: 'contentBlockStop', index: 0 },
      { type: 'messageStop', stopReason: 'stop_sequence' },
      metadata({ inputTokens: 0, outputTokens: 0, totalTokens: 0 }),
    ]);
  });

  it.each([
    ['throttlingException', 'MODEL_UPSTREAM_THROTTLED', true],
    ['modelStreamErrorException', 'MODEL_UPSTREAM_ERROR', true],
    ['validationException', 'MODEL_UPSTREAM_REJECTED', false],
    ['serviceUnavailableException', 'MODEL_UPSTREAM_UNAVAILABLE', true],
    ['internalServerException', 'MODEL_UPSTREAM_ERROR', true],
  ])('throws %s in the stream as %s', async (exceptionType, code, retryable) => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: [
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Partial' } }),
        exception(exceptionType, 'The model stream failed, try again.'),
      ],
    });

    const { items, error } = await collectUntilError(await provider.converseStream(REQUEST));

    expect(items.map((e) => e.type)).toEqual(['messageStart', 'contentBlockStart', 'textDelta']);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({
      code,
      retryable,
      details: { provider: 'bedrock', errorType: exceptionType },
    });
    expect((error as LakegateError).message).toContain('The model stream failed, try again.');
  });

  it('throws an unmodeled error frame as MODEL_UPSTREAM_ERROR', async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: [
        event('messageStart', { role: 'assistant' }),
        frame(
          { ':message-type': 'error', ':error-code': 'InternalFailure', ':error-message': 'Something broke' },
          {},
        ),
      ],
    });

    const { items, error } = await collectUntilError(await provider.converseStream(REQUEST));

    expect(items).toEqual([{ type: 'messageStart', role: 'assistant' }]);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_ERROR', details: { errorType: 'InternalFailure' } });
    expect((error as LakegateError).message).toContain('Something broke');
  });

  it('throws a retryable LakegateError when the connection resets mid-stream', async () => {
    const frames = await fixtureFrames('converse-stream-text.events.json');
    server.enqueue({ headers: EVENTSTREAM, chunks: frames.slice(0, 3), resetAfterChunks: true });

    const { items, error } = await collectUntilError(await provider.converseStream(REQUEST));

    expect(items.map((e) => e.type)).toEqual(['messageStart', 'contentBlockStart', 'textDelta', 'textDelta']);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE when the stream ends before messageStop', async () => {
    const frames = await fixtureFrames('converse-stream-text.events.json');
    server.enqueue({ headers: EVENTSTREAM, chunks: frames.slice(0, 4) });

    const { items, error } = await collectUntilError(await provider.converseStream(REQUEST));

    expect(items.at(-1)).toEqual({ type: 'contentBlockStop', index: 0 });
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE', retryable: true });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE when the stream ends inside a frame', async () => {
    const frames = await fixtureFrames('converse-stream-text.events.json');
    server.enqueue({ headers: EVENTSTREAM, chunks: [frames[0]!, frames[1]!.subarray(0, 20)] });

    const { items, error } = await collectUntilError(await provider.converseStream(REQUEST));

    expect(items).toEqual([{ type: 'messageStart', role: 'assistant' }]);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
    expect((error as LakegateError).message).toContain('inside a frame');
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE for a frame whose checksum is wrong', async () => {
    const frames = await fixtureFrames('converse-stream-text.events.json');
    const corrupt = Uint8Array.from(frames[1]!);
    corrupt[corrupt.length - 10]! ^= 0xff;
    server.enqueue({ headers: EVENTSTREAM, chunks: [frames[0]!, corrupt] });

    const { error } = await collectUntilError(await provider.converseStream(REQUEST));

    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('throws MODEL_UPSTREAM_BAD_RESPONSE for an event payload of the wrong shape', async () => {
    server.enqueue({
      headers: EVENTSTREAM,
      chunks: [
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { delta: { text: 'x' } }),
      ],
    });
    const { error } = await collectUntilError(await provider.converseStream(REQUEST));
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('releases the connection when the consumer stops early', async () => {
    const frames = await fixtureFrames('converse-stream-text.events.json');
    server.enqueue({ headers: EVENTSTREAM, chunks: [frames[0]!, frames[1]!, 5_000, ...frames.slice(2)] });

    const started = Date.now();
    for await (const e of await provider.converseStream(REQUEST)) if (e.type === 'textDelta') break;
    expect(Date.now() - started).toBeLessThan(2_000);

    server.enqueue({ headers: EVENTSTREAM, chunks: frames });
    const events = await collect(await provider.converseStream(REQUEST));
    expect(events.at(-1)?.type).toBe('metadata');
  });
});

describe('decodeEventStream', () => {
  async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
    for (const part of parts) yield part;
  }

  it('yields the same frames wherever the bytes are cut', async () => {
    const frames = [
      event('messageStart', { role: 'assistant' }),
      event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hello' } }),
      exception('throttlingException', 'slow down'),
    ];
    const whole = concat(frames);
    const decode = async (parts: Uint8Array[]) =>
      (await collect(decodeEventStream(chunks(parts), 'bedrock'))).map((f) => ({
        headers: f.headers,
        body: new TextDecoder().decode(f.body),
      }));
    const expected = await decode([whole]);
    expect(expected.map((f) => f.headers[':event-type'] ?? f.headers[':exception-type'])).toEqual([
      'messageStart',
      'contentBlockDelta',
      'throttlingException',
    ]);

    for (let cut = 1; cut < whole.length; cut++) {
      expect(await decode([whole.subarray(0, cut), whole.subarray(cut)])).toEqual(expected);
    }
    expect(await decode(Array.from(whole, (byte) => Uint8Array.of(byte)))).toEqual(expected);
    expect(expected[1]?.body).toContain('"text":"Hello"');
  });

  it('rejects an impossible frame length instead of buffering forever', async () => {
    const bogus = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0);
    const { error } = await collectUntilError(decodeEventStream(chunks([bogus]), 'bedrock'));
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });
});
