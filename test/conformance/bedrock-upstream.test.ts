// Lakegate in front of Amazon Bedrock, end to end: the AWS SDK calls Lakegate, which calls a Bedrock
// provider (here a local server speaking Bedrock's wire format, event streams included). Native bodies
// go through InvokeModel and InvokeModelWithResponseStream untouched, chunk by chunk.

import {
  BedrockRuntimeClient,
  ConverseCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startLakegate, TEST_KEY_ID, TEST_SECRET } from '../support/lakegate-harness.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const codec = new EventStreamCodec(toUtf8, fromUtf8);

function frame(headers: Record<string, string>, payload: unknown): Uint8Array {
  const tagged: Record<string, { type: 'string'; value: string }> = {};
  for (const [name, value] of Object.entries(headers)) tagged[name] = { type: 'string', value };
  return codec.encode({ headers: tagged, body: new TextEncoder().encode(JSON.stringify(payload)) });
}

const chunk = (native: unknown) =>
  frame(
    { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' },
    { bytes: Buffer.from(JSON.stringify(native)).toString('base64') },
  );

let upstream: ScriptedServer;
let lakegate: Harness;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate(
    {
      providers: {
        aws: {
          type: 'bedrock',
          region: 'eu-central-1',
          endpoint: upstream.url,
          bearerTokenEnv: 'UPSTREAM_BEDROCK_KEY',
        },
      },
      endpoints: { haiku: { served: [{ model: `aws/${MODEL}` }], retry: { attempts: 0 } } },
    },
    { UPSTREAM_BEDROCK_KEY: 'upstream-bedrock-api-key' },
  );
  client = new BedrockRuntimeClient({
    endpoint: lakegate.url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await lakegate?.close();
  await upstream?.close();
});

describe('Lakegate in front of Bedrock', () => {
  it('converses through the endpoint, with the upstream key and the model id in the path', async () => {
    upstream.enqueue({
      body: {
        output: { message: { role: 'assistant', content: [{ text: 'Covered up to 12,000 EUR.' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 21, outputTokens: 7, totalTokens: 28 },
        metrics: { latencyMs: 180 },
      },
    });
    const response = await client.send(
      new ConverseCommand({
        modelId: 'haiku',
        messages: [{ role: 'user', content: [{ text: 'Coverage?' }] }],
      }),
    );
    expect(response.output?.message?.content?.[0]?.text).toBe('Covered up to 12,000 EUR.');
    expect(response.usage).toMatchObject({ inputTokens: 21, outputTokens: 7 });
    const sent = upstream.lastRequest();
    expect(sent.url).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(sent.headers.authorization).toBe('Bearer upstream-bedrock-api-key');
    expect(sent.json).toEqual({ messages: [{ role: 'user', content: [{ text: 'Coverage?' }] }] });
  });

  it('passes a native InvokeModel body through as it is', async () => {
    const native = {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi' }],
    };
    upstream.enqueue({ body: { id: 'msg_1', type: 'message', content: [{ type: 'text', text: 'Hello' }] } });
    const response = await client.send(
      new InvokeModelCommand({
        modelId: 'haiku',
        contentType: 'application/json',
        body: JSON.stringify(native),
      }),
    );
    expect(JSON.parse(new TextDecoder().decode(response.body))).toMatchObject({
      content: [{ text: 'Hello' }],
    });
    expect(upstream.lastRequest().url).toBe(`/model/${encodeURIComponent(MODEL)}/invoke`);
    expect(upstream.lastRequest().json).toEqual(native);
  });

  it('streams a native body back chunk by chunk', async () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_2' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
      { type: 'message_stop' },
    ];
    const bytes = events.map(chunk);
    // Split a frame across two network writes, as a real connection may.
    const joined = Buffer.concat(bytes.map((b) => Buffer.from(b)));
    upstream.enqueue({
      headers: { 'content-type': 'application/vnd.amazon.eventstream' },
      chunks: [joined.subarray(0, 30), 5, joined.subarray(30)],
    });
    const response = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: 'haiku',
        contentType: 'application/json',
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [] }),
      }),
    );
    const received: unknown[] = [];
    for await (const event of response.body ?? []) {
      if (event.chunk?.bytes) received.push(JSON.parse(new TextDecoder().decode(event.chunk.bytes)));
    }
    expect(received).toEqual(events);
    expect(upstream.lastRequest().url).toBe(
      `/model/${encodeURIComponent(MODEL)}/invoke-with-response-stream`,
    );
  });

  it('relays a throttling exception from the upstream stream as the modeled exception', async () => {
    upstream.enqueue({
      headers: { 'content-type': 'application/vnd.amazon.eventstream' },
      chunks: [
        chunk({ type: 'message_start' }),
        frame(
          {
            ':exception-type': 'throttlingException',
            ':content-type': 'application/json',
            ':message-type': 'exception',
          },
          { message: 'Too many tokens, please wait.' },
        ),
      ],
    });
    const response = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: 'haiku',
        contentType: 'application/json',
        body: '{}',
      }),
    );
    const failure = await (async () => {
      try {
        for await (const _ of response.body ?? []) {
          // drain
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(failure).toMatchObject({ name: 'ThrottlingException' });
  });
});
