// The response cache through a real server and the official clients: an exact repeat of a Converse
// request on a caching endpoint is answered without calling the upstream, marked with x-lakegate-cache,
// metered as a call with no tokens; it is never shared across principals, a hit is still authorised
// and counted against call limits, and streams and other endpoints are not cached.

import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, client, userWithKey } from '../../test/support/catalog-rest.js';
import {
  type Harness,
  startLakegate,
  TEST_KEY,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../../test/support/lakegate-harness.js';
import { type ScriptedServer, startScriptedServer } from '../../test/support/scripted-server.js';
import type { UsageRecord } from '../observability/index.js';

let upstream: ScriptedServer;
let lakegate: Harness;
let admin: Call;
let answers = 0;

const completion = () => ({
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: `Answer number ${++answers}.` },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 40, completion_tokens: 10, total_tokens: 50 },
});

async function chat(key: string, question: string, model = 'cached', extra: object = {}) {
  const response = await fetch(`${lakegate.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: question }], ...extra }),
  });
  const text = await response.text();
  return {
    status: response.status,
    cache: response.headers.get('x-lakegate-cache'),
    requestId: response.headers.get('x-request-id'),
    text,
  };
}

async function recordOf(requestId: string | null): Promise<UsageRecord> {
  let found: UsageRecord | undefined;
  await expect
    .poll(async () => {
      found = (await lakegate.server.usage.recent(500)).find((r) => r.requestId === requestId);
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}

const contentOf = (text: string) =>
  (JSON.parse(text) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content;

beforeAll(async () => {
  upstream = await startScriptedServer();
  upstream.fallback = () => ({ body: completion() });
  lakegate = await startLakegate({
    providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
    endpoints: {
      cached: {
        served: [{ model: 'scripted/gpt-test' }],
        retry: { attempts: 0 },
        cache: { ttlSeconds: 60, maxEntries: 100 },
      },
      uncached: { served: [{ model: 'scripted/gpt-test' }], retry: { attempts: 0 } },
    },
    limits: { rateLimits: [{ key: 'user', principal: 'cy@example.com', calls: 2 }] },
    pricing: { 'scripted/gpt-test': { input: 2, output: 8 } },
  });
  admin = client(lakegate.url);
});

afterAll(async () => {
  await lakegate?.close();
  await upstream?.close();
});

describe('the response cache', () => {
  it('answers an exact repeat without the upstream, marked and metered as a hit with no tokens', async () => {
    const before = upstream.requests.length;
    const first = await chat(TEST_KEY, 'What is the deductible?');
    const second = await chat(TEST_KEY, 'What is the deductible?');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(upstream.requests.length).toBe(before + 1);
    expect(contentOf(second.text)).toBe(contentOf(first.text));

    const miss = await recordOf(first.requestId);
    const hit = await recordOf(second.requestId);
    expect(miss).toMatchObject({ cacheHit: false, inputTokens: 40, outputTokens: 10, status: 'ok' });
    expect(miss.costUsd).toBeCloseTo((40 * 2 + 10 * 8) / 1e6, 12);
    expect(hit).toMatchObject({
      cacheHit: true,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      status: 'ok',
      endpoint: 'cached',
      provider: 'scripted',
      servedModel: 'gpt-test',
    });

    // A different question, or different settings, is a different request.
    expect((await chat(TEST_KEY, 'What is the deductible? ')).cache).toBe('miss');
    expect((await chat(TEST_KEY, 'What is the deductible?', 'cached', { temperature: 0.5 })).cache).toBe(
      'miss',
    );
  });

  it('answers the Bedrock surface too, with no usage in the cached answer', async () => {
    const runtime = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
      maxAttempts: 1,
    });
    const before = upstream.requests.length;
    const ask = () =>
      runtime.send(
        new ConverseCommand({
          modelId: 'cached',
          messages: [{ role: 'user', content: [{ text: 'Which claims are open?' }] }],
        }),
      );
    const first = await ask();
    const second = await ask();
    runtime.destroy();
    expect(upstream.requests.length).toBe(before + 1);
    expect(second.output?.message?.content).toEqual(first.output?.message?.content);
    expect(second.usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
  });

  it('is never shared across principals, and a hit is still authorised', async () => {
    const ana = await userWithKey(admin, 'ana@example.com');
    const grant = (add: string[], remove: string[] = []) =>
      admin('PATCH', '/api/2.1/unity-catalog/permissions/serving_endpoint/cached', {
        changes: [{ principal: 'ana@example.com', add, remove }],
      });
    expect((await grant(['QUERY'])).status).toBe(200);
    await chat(TEST_KEY, 'Summarise claim C-1042.');
    const before = upstream.requests.length;
    const own = await chat(ana.token, 'Summarise claim C-1042.');
    expect(own.cache).toBe('miss');
    expect(upstream.requests.length).toBe(before + 1);
    expect((await chat(ana.token, 'Summarise claim C-1042.')).cache).toBe('hit');

    // Once QUERY is revoked her cached answer is refused like any call (and audited).
    expect((await grant([], ['QUERY'])).status).toBe(200);
    const refused = await chat(ana.token, 'Summarise claim C-1042.');
    expect(refused.status).toBe(404);
    expect(refused.cache).toBeNull();
    await lakegate.server.catalog.audit.flush();
    const page = await lakegate.server.catalog.audit.query({ decision: 'deny', limit: 50 });
    expect(page.records.some((r) => r.requestId === refused.requestId)).toBe(true);
  });

  it('counts a hit as a call against rate limits', async () => {
    const cy = await userWithKey(admin, 'cy@example.com');
    await admin('PATCH', '/api/2.1/unity-catalog/permissions/serving_endpoint/cached', {
      changes: [{ principal: 'cy@example.com', add: ['QUERY'] }],
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await chat(cy.token, 'Same again?')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('leaves streams and endpoints without a cache alone', async () => {
    const before = upstream.requests.length;
    const plain = [
      await chat(TEST_KEY, 'Uncached?', 'uncached'),
      await chat(TEST_KEY, 'Uncached?', 'uncached'),
    ];
    expect(plain.map((p) => p.cache)).toEqual([null, null]);
    expect(upstream.requests.length).toBe(before + 2);

    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const stream = () => ({
      headers: { 'content-type': 'text/event-stream' },
      chunks: [chunk({ role: 'assistant', content: 'Streamed.' }), chunk({}, 'stop'), 'data: [DONE]\n\n'],
    });
    upstream.enqueue(stream(), stream());
    await chat(TEST_KEY, 'What is the deductible?', 'cached', { stream: true });
    await chat(TEST_KEY, 'What is the deductible?', 'cached', { stream: true });
    expect(upstream.requests.length).toBe(before + 4);
  });
});
