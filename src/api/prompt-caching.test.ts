// Prompt caching end to end: Bedrock `cachePoint` blocks sent by the AWS SDK reach an Anthropic upstream
// as `cache_control`, and the cache reads and writes the upstream reports are accounted in the usage
// record and priced from the shipped price table (cache reads and writes at their own prices).

import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  startLakegate,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../../test/support/lakegate-harness.js';
import { readFixture, type ScriptedServer, startScriptedServer } from '../../test/support/scripted-server.js';
import { PriceTable, type UsageRecord } from '../observability/index.js';

const MODEL = 'claude-sonnet-4-5-20250929';
const fixture = (name: string) =>
  readFixture(new URL(`../models/anthropic/fixtures/${name}`, import.meta.url));
const POLICY = 'Claims over 10,000 EUR need a second adjuster. '.repeat(40);

let upstream: ScriptedServer;
let lakegate: Harness;
let runtime: BedrockRuntimeClient;

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate(
    {
      providers: { claude: { type: 'anthropic', baseUrl: upstream.url, apiKeyEnv: 'TEST_ANTHROPIC_KEY' } },
      endpoints: { claims: { served: [{ model: `claude/${MODEL}` }], retry: { attempts: 0 } } },
    },
    { TEST_ANTHROPIC_KEY: 'sk-ant-test' },
  );
  runtime = new BedrockRuntimeClient({
    endpoint: lakegate.url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  runtime?.destroy();
  await lakegate?.close();
  await upstream?.close();
});

async function recordOf(requestId: string | undefined): Promise<UsageRecord> {
  let found: UsageRecord | undefined;
  await expect
    .poll(async () => {
      found = (await lakegate.server.usage.recent(100)).find((r) => r.requestId === requestId);
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}

const input = {
  modelId: 'claims',
  system: [{ text: POLICY }, { cachePoint: { type: 'default' as const } }],
  messages: [
    {
      role: 'user' as const,
      content: [
        { text: 'Does CLM-1042 need a second adjuster?' },
        { cachePoint: { type: 'default' as const } },
      ],
    },
  ],
};

describe('prompt caching through Lakegate', () => {
  it('passes cache points to Anthropic and prices the cache reads and writes it reports', async () => {
    upstream.enqueue({
      headers: { 'content-type': 'application/json' },
      body: await fixture('message-text.json'),
    });
    const answer = await runtime.send(new ConverseCommand(input));

    const sent = upstream.lastRequest().json as {
      system: Array<{ text: string; cache_control?: unknown }>;
      messages: Array<{ content: Array<{ cache_control?: unknown }> }>;
    };
    expect(sent.system).toEqual([{ type: 'text', text: POLICY, cache_control: { type: 'ephemeral' } }]);
    expect(sent.messages[0]?.content[0]?.cache_control).toEqual({ type: 'ephemeral' });
    // The client sees the cache tokens as Bedrock reports them.
    expect(answer.usage).toMatchObject({
      inputTokens: 21,
      outputTokens: 19,
      cacheReadInputTokens: 2048,
      cacheWriteInputTokens: 1536,
    });

    const record = await recordOf(answer.$metadata.requestId);
    expect(record).toMatchObject({
      provider: 'claude',
      servedModel: MODEL,
      inputTokens: 21,
      outputTokens: 19,
      cacheReadTokens: 2048,
      cacheWriteTokens: 1536,
      cacheHit: false,
    });
    // The shipped price of this model: 3 in, 15 out, 0.30 cache read, 3.75 cache write (USD per million).
    const price = PriceTable.shipped().priceOf('claude', MODEL);
    expect(price).toMatchObject({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
    expect(record.costUsd).toBeCloseTo((21 * 3 + 19 * 15 + 2048 * 0.3 + 1536 * 3.75) / 1e6, 12);
  });

  it('accounts the cache tokens of a stream, reported at its start', async () => {
    upstream.enqueue({
      headers: { 'content-type': 'text/event-stream' },
      chunks: [await fixture('stream-text.chunks.txt')],
    });
    const answer = await runtime.send(new ConverseStreamCommand(input));
    let usage: unknown;
    for await (const event of answer.stream ?? []) if (event.metadata) usage = event.metadata.usage;
    expect((upstream.lastRequest().json as { stream: boolean }).stream).toBe(true);
    expect(usage).toMatchObject({ inputTokens: 25, cacheReadInputTokens: 1200 });
    const record = await recordOf(answer.$metadata.requestId);
    expect(record).toMatchObject({
      inputTokens: 25,
      outputTokens: 15,
      cacheReadTokens: 1200,
      cacheWriteTokens: 0,
    });
    expect(record.costUsd).toBeCloseTo((25 * 3 + 15 * 15 + 1200 * 0.3) / 1e6, 12);
  });
});
