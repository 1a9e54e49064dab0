// Every model call writes exactly one usage record, through a real server and the official clients:
// answered, refused, failed upstream, fallen back, streamed to the end, cut by the upstream, and
// abandoned by a client that disconnects mid-stream. Reports and /metrics read the same records.

import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  startLakegate,
  TEST_KEY,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../../../test/support/lakegate-harness.js';
import { type ScriptedServer, startScriptedServer } from '../../../test/support/scripted-server.js';
import type { UsageRecord } from '../../observability/index.js';

let upstream: ScriptedServer;
let lakegate: Harness;
let client: OpenAI;
let anaToken: string;

const ask = [{ role: 'user' as const, content: 'What is the deductible?' }];

const sse = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const completion = (text: string, prompt: number, completionTokens: number, cached = 0) => ({
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
    prompt_tokens_details: { cached_tokens: cached },
  },
});

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate({
    providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
    endpoints: {
      assistant: { served: [{ model: 'scripted/gpt-test' }], retry: { attempts: 0 } },
      resilient: {
        served: [{ model: 'scripted/primary' }],
        fallbacks: ['scripted/backup'],
        retry: { attempts: 0 },
      },
    },
    pricing: {
      'scripted/gpt-test': { input: 2, output: 8, cacheRead: 0.5 },
      'scripted/backup': { input: 1, output: 1 },
    },
  });
  client = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  const { identity } = lakegate.server.catalog;
  const admin = (await identity.getPrincipal('admin'))!;
  await identity.createPrincipal({ name: 'ana@example.com', kind: 'user' }, admin.id);
  anaToken = (await identity.createKey('ana@example.com', {}, admin.id)).token;
});

afterAll(async () => {
  await lakegate?.close();
  await upstream?.close();
});

/** The records of one request, waiting until the server has finished it (a stream ends after its response). */
async function recordsOf(requestId: string | null): Promise<UsageRecord[]> {
  expect(requestId).toBeTruthy();
  let found: UsageRecord[] = [];
  await expect
    .poll(async () => {
      found = (await lakegate.server.usage.recent(500)).filter((r) => r.requestId === requestId);
      return found.length;
    })
    .toBeGreaterThan(0);
  return found;
}

describe('usage metering through a real server', () => {
  it('records an answered call: who, which key, endpoint, served model, tokens, latency, cost', async () => {
    upstream.enqueue({ body: completion('500 EUR.', 120, 30, 100) });
    const { response } = await client.chat.completions
      .create({ model: 'assistant', messages: ask })
      .withResponse();
    const [record, ...more] = await recordsOf(response.headers.get('x-request-id'));
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      principalName: 'admin',
      keyId: TEST_KEY_ID,
      operation: 'converse',
      endpoint: 'assistant',
      requestedModel: 'assistant',
      servedModel: 'gpt-test',
      provider: 'scripted',
      // OpenAI counts cached tokens inside prompt_tokens; the record, like Bedrock, does not.
      inputTokens: 20,
      cacheReadTokens: 100,
      outputTokens: 30,
      status: 'ok',
      ttftMs: null,
      cacheHit: false,
    });
    expect(record!.costUsd).toBeCloseTo((20 * 2 + 100 * 0.5 + 30 * 8) / 1e6, 12);
    expect(record!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('records an upstream failure with the model it reached, and a fallback with the model that answered', async () => {
    upstream.enqueue({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
    const failed = await client.chat.completions
      .create({ model: 'assistant', messages: ask })
      .withResponse()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    const [bad] = await recordsOf(
      (failed as InstanceType<typeof OpenAI.APIError>).headers?.get('x-request-id') ?? null,
    );
    expect(bad).toMatchObject({
      endpoint: 'assistant',
      servedModel: 'gpt-test',
      provider: 'scripted',
      inputTokens: 0,
    });
    expect(bad!.status).toMatch(/^MODEL_UPSTREAM_/);

    upstream.enqueue(
      { status: 503, body: { error: { message: 'busy' } } },
      { body: completion('ok', 10, 5) },
    );
    const { response } = await client.chat.completions
      .create({ model: 'resilient', messages: ask })
      .withResponse();
    const [fallback, ...more] = await recordsOf(response.headers.get('x-request-id'));
    expect(more).toEqual([]);
    expect(fallback).toMatchObject({
      endpoint: 'resilient',
      servedModel: 'backup',
      status: 'ok',
      inputTokens: 10,
    });
    expect(fallback!.costUsd).toBeCloseTo(15 / 1e6, 12);
  });

  it('records a refused call under the caller, with no model reached and no cost', async () => {
    const ana = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: anaToken, maxRetries: 0 });
    const refused = await ana.chat.completions
      .create({ model: 'assistant', messages: ask })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    const [record] = await recordsOf(
      (refused as InstanceType<typeof OpenAI.APIError>).headers?.get('x-request-id') ?? null,
    );
    expect(record).toMatchObject({
      principalName: 'ana@example.com',
      endpoint: 'assistant',
      servedModel: '',
      costUsd: 0,
    });
    expect(record!.status).not.toBe('ok');
  });

  it('takes a stream’s usage from its final event and times its first token', async () => {
    upstream.enqueue({
      headers: { 'content-type': 'text/event-stream' },
      chunks: [
        sse({ role: 'assistant', content: '' }),
        sse({ content: 'Five hundred' }),
        sse({ content: ' euros.' }, 'stop'),
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 40, completion_tokens: 4, total_tokens: 44 } })}\n\n`,
        'data: [DONE]\n\n',
      ],
    });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'assistant', messages: ask, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Five hundred euros.');
    const [record, ...more] = await recordsOf(response.headers.get('x-request-id'));
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      operation: 'converseStream',
      status: 'ok',
      inputTokens: 40,
      outputTokens: 4,
    });
    expect(record!.ttftMs).not.toBeNull();
    expect(record!.ttftMs!).toBeLessThanOrEqual(record!.latencyMs);
  });

  it('records a client that disconnects mid-stream as cancelled, with what was streamed until then', async () => {
    upstream.enqueue({
      headers: { 'content-type': 'text/event-stream' },
      chunks: [
        sse({ role: 'assistant', content: '' }),
        sse({ content: 'The deductible is five hundred' }),
        10_000,
        sse({ content: ' euros' }),
      ],
    });
    const controller = new AbortController();
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'assistant', messages: ask, stream: true }, { signal: controller.signal })
      .withResponse();
    let received = '';
    try {
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta.content ?? '';
        if (received.length > 0) controller.abort();
      }
    } catch {
      // The openai package may end the iteration or throw on abort; either way the client has gone.
    }
    expect(received).toBe('The deductible is five hundred');
    const [record, ...more] = await recordsOf(response.headers.get('x-request-id'));
    expect(more).toEqual([]);
    expect(record).toMatchObject({ status: 'cancelled', servedModel: 'gpt-test', endpoint: 'assistant' });
    // No final usage event arrived: the output is estimated from the 30 characters streamed, the input from the prompt.
    expect(record!.outputTokens).toBe(Math.ceil('The deductible is five hundred'.length / 4));
    expect(record!.inputTokens).toBeGreaterThan(0);
    expect(record!.ttftMs).not.toBeNull();
    expect(record!.costUsd).toBeGreaterThan(0);
  });

  it('records a client that gives up before the first event as cancelled, with no time to first token', async () => {
    upstream.enqueue({ hang: true });
    const before = Date.now();
    const controller = new AbortController();
    const call = client.chat.completions.create(
      { model: 'assistant', messages: ask, stream: true },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 300);
    await expect(call).rejects.toThrow();
    let record: UsageRecord | undefined;
    await expect
      .poll(async () => {
        const records = await lakegate.server.usage.recent(50);
        record = records.find((r) => r.time >= before && r.status === 'cancelled' && r.ttftMs === null);
        return record !== undefined;
      })
      .toBe(true);
    expect(record).toMatchObject({
      operation: 'converseStream',
      endpoint: 'assistant',
      servedModel: 'gpt-test',
      outputTokens: 0,
    });
  });

  it('records an upstream that breaks mid-stream with the error, once', async () => {
    upstream.enqueue({
      headers: { 'content-type': 'text/event-stream' },
      chunks: [sse({ role: 'assistant', content: '' }), sse({ content: 'Partial answer' })],
      resetAfterChunks: true,
    });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'assistant', messages: ask, stream: true })
      .withResponse();
    await expect(
      (async () => {
        for await (const _ of stream) {
          // read to the error
        }
      })(),
    ).rejects.toThrow();
    const [record, ...more] = await recordsOf(response.headers.get('x-request-id'));
    expect(more).toEqual([]);
    expect(record!.status).toMatch(/^MODEL_UPSTREAM_/);
    expect(record!.outputTokens).toBe(Math.ceil('Partial answer'.length / 4));
  });

  it('meters the Bedrock surface (AWS SDK ConverseStream) and embeddings, on local models at zero cost', async () => {
    const bedrock = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
      maxAttempts: 1,
    });
    try {
      const reply = await bedrock.send(
        new ConverseStreamCommand({
          modelId: 'local/extractive',
          system: [{ text: 'The deductible is 500 EUR.' }],
          messages: [{ role: 'user', content: [{ text: 'What is the deductible?' }] }],
        }),
      );
      let usage: { inputTokens?: number; outputTokens?: number } | undefined;
      for await (const event of reply.stream ?? []) if (event.metadata) usage = event.metadata.usage;
      const [record] = await recordsOf(reply.$metadata.requestId ?? null);
      expect(record).toMatchObject({
        operation: 'converseStream',
        endpoint: 'local',
        provider: 'local',
        servedModel: 'extractive',
        inputTokens: usage?.inputTokens,
        outputTokens: usage?.outputTokens,
        costUsd: 0,
        status: 'ok',
      });
    } finally {
      bedrock.destroy();
    }
    const { response } = await client.embeddings
      .create({ model: 'local/embed', input: ['hail damage', 'roof'] })
      .withResponse();
    const [embedded] = await recordsOf(response.headers.get('x-request-id'));
    expect(embedded).toMatchObject({ operation: 'embed', status: 'ok', outputTokens: 0, costUsd: 0 });
    expect(embedded!.inputTokens).toBeGreaterThan(0);
  });

  it('never writes two records for one request', async () => {
    const records = await lakegate.server.usage.recent(1_000);
    const ids = records.map((r) => r.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(records.length).toBeGreaterThanOrEqual(9);
  });
});
