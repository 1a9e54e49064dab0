// The official AWS SDK (BedrockRuntimeClient) against a running Lakegate, unchanged: HTTP/2 (h2c) by
// default, SigV4 signing with a Lakegate key, bearer auth, event streams, modeled exceptions.

import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  startLakegate,
  TEST_KEY,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../support/lakegate-harness.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';

const CONTEXT =
  'Claim C-1042 was filed on 3 March 2026 after a burst pipe flooded the kitchen. The adjuster estimated the repair at 12,400 EUR. The policy excludes damage from gradual leaks.';

let lakegate: Harness;
let upstream: ScriptedServer;
let client: BedrockRuntimeClient;

function sigV4Client(options: { secret?: string; http1?: boolean } = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: lakegate.url,
    region: 'us-east-1',
    credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: options.secret ?? TEST_SECRET },
    maxAttempts: 1,
    ...(options.http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate({
    providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
    endpoints: { 'claims-assistant': { served: [{ model: 'scripted/tool-model' }], retry: { attempts: 0 } } },
  });
  client = sigV4Client();
});

afterAll(async () => {
  client?.destroy();
  await lakegate?.close();
  await upstream?.close();
});

describe('BedrockRuntimeClient against Lakegate', () => {
  it('converses over HTTP/2 with a SigV4-signed request', async () => {
    const response = await client.send(
      new ConverseCommand({
        modelId: 'local/extractive',
        system: [{ text: CONTEXT }],
        messages: [
          { role: 'user', content: [{ text: 'How much did the adjuster estimate for the repair?' }] },
        ],
      }),
    );
    const text = response.output?.message?.content?.[0]?.text ?? '';
    expect(text).toContain('12,400 EUR');
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage?.inputTokens).toBeGreaterThan(0);
    expect(response.usage?.outputTokens).toBeGreaterThan(0);
    expect(response.$metadata.httpStatusCode).toBe(200);
    expect(response.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('also works over HTTP/1.1', async () => {
    const http1 = sigV4Client({ http1: true });
    const response = await http1.send(
      new ConverseCommand({
        modelId: 'local/extractive',
        messages: [{ role: 'user', content: [{ text: `${CONTEXT}\n\nWhen was claim C-1042 filed?` }] }],
      }),
    );
    expect(response.output?.message?.content?.[0]?.text).toContain('3 March 2026');
    http1.destroy();
  });

  it('authenticates with a Bedrock API key as a bearer token', async () => {
    const bearer = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      token: { token: TEST_KEY },
      authSchemePreference: ['httpBearerAuth'],
      maxAttempts: 1,
    });
    const response = await bearer.send(
      new ConverseCommand({
        modelId: 'local/extractive',
        messages: [{ role: 'user', content: [{ text: `${CONTEXT} What does the policy exclude?` }] }],
      }),
    );
    expect(response.output?.message?.content?.[0]?.text).toContain('gradual leaks');
    bearer.destroy();
  });

  it('streams with ConverseStream as an AWS event stream', async () => {
    const response = await client.send(
      new ConverseStreamCommand({
        modelId: 'local/extractive',
        system: [{ text: CONTEXT }],
        messages: [{ role: 'user', content: [{ text: 'What flooded the kitchen?' }] }],
      }),
    );
    const kinds: string[] = [];
    let text = '';
    let stopReason: string | undefined;
    let outputTokens = 0;
    for await (const event of response.stream ?? []) {
      kinds.push(Object.entries(event).find(([, v]) => v !== undefined)?.[0] ?? '?');
      if (event.contentBlockDelta?.delta?.text) text += event.contentBlockDelta.delta.text;
      if (event.messageStop) stopReason = event.messageStop.stopReason;
      if (event.metadata) outputTokens = event.metadata.usage?.outputTokens ?? 0;
    }
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.at(-1)).toBe('metadata');
    expect(kinds).toContain('contentBlockStop');
    expect(text).toContain('burst pipe');
    expect(stopReason).toBe('end_turn');
    expect(outputTokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call through an upstream provider', async () => {
    upstream.enqueue({
      body: {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'tool-model',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_7',
                  type: 'function',
                  function: { name: 'get_claim', arguments: '{"claimId":"C-1042"}' },
                },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 },
      },
    });
    const toolConfig = {
      tools: [
        {
          toolSpec: {
            name: 'get_claim',
            description: 'Looks up a claim by id',
            inputSchema: {
              json: { type: 'object', properties: { claimId: { type: 'string' } }, required: ['claimId'] },
            },
          },
        },
      ],
    };
    const first = await client.send(
      new ConverseCommand({
        modelId: 'claims-assistant',
        messages: [{ role: 'user', content: [{ text: 'Status of claim C-1042?' }] }],
        toolConfig,
      }),
    );
    expect(first.stopReason).toBe('tool_use');
    const toolUse = first.output?.message?.content?.find((b) => b.toolUse)?.toolUse;
    if (!toolUse) throw new Error('no toolUse block in the response');
    expect(toolUse).toEqual({ toolUseId: 'call_7', name: 'get_claim', input: { claimId: 'C-1042' } });
    expect(upstream.lastRequest().json).toMatchObject({
      model: 'tool-model',
      tools: [{ type: 'function', function: { name: 'get_claim', parameters: { required: ['claimId'] } } }],
    });

    upstream.enqueue({
      body: {
        id: 'chatcmpl-2',
        object: 'chat.completion',
        created: 2,
        model: 'tool-model',
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: { role: 'assistant', content: 'Claim C-1042 is open.' },
          },
        ],
        usage: { prompt_tokens: 50, completion_tokens: 7, total_tokens: 57 },
      },
    });
    const second = await client.send(
      new ConverseCommand({
        modelId: 'claims-assistant',
        messages: [
          { role: 'user', content: [{ text: 'Status of claim C-1042?' }] },
          { role: 'assistant', content: [{ toolUse }] },
          {
            role: 'user',
            content: [{ toolResult: { toolUseId: 'call_7', content: [{ json: { status: 'open' } }] } }],
          },
        ],
        toolConfig,
      }),
    );
    expect(second.output?.message?.content?.[0]?.text).toBe('Claim C-1042 is open.');
    const sent = upstream.lastRequest().json as { messages: Array<Record<string, unknown>> };
    expect(sent.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'call_7',
      content: '{"status":"open"}',
    });
    expect(second.usage).toMatchObject({ inputTokens: 50, outputTokens: 7, totalTokens: 57 });
  });

  it('embeds with InvokeModel and a Titan body, and counts tokens', async () => {
    const response = await client.send(
      new InvokeModelCommand({
        modelId: 'local/embed',
        contentType: 'application/json',
        body: JSON.stringify({ inputText: 'water damage in the kitchen' }),
      }),
    );
    const body = JSON.parse(new TextDecoder().decode(response.body)) as {
      embedding: number[];
      inputTextTokenCount: number;
    };
    expect(body.embedding).toHaveLength(384);
    expect(Math.hypot(...body.embedding)).toBeCloseTo(1, 5);
    expect(body.inputTextTokenCount).toBeGreaterThan(0);

    const counted = await client.send(
      new CountTokensCommand({
        modelId: 'local/extractive',
        input: {
          converse: {
            messages: [{ role: 'user', content: [{ text: 'How many tokens is this sentence?' }] }],
          },
        },
      }),
    );
    expect(counted.inputTokens).toBeGreaterThan(3);
  });

  it('raises the modeled exceptions', async () => {
    await expect(
      client.send(
        new ConverseCommand({
          modelId: 'nobody/nothing',
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });

    await expect(
      client.send(new ConverseCommand({ modelId: 'local/extractive', messages: [] })),
    ).rejects.toBeInstanceOf(ValidationException);

    upstream.enqueue({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { message: 'slow down', type: 'rate_limit' } },
    });
    const throttled = await client
      .send(
        new ConverseCommand({
          modelId: 'claims-assistant',
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      )
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect((throttled as ThrottlingException).message).toContain('slow down');
  });

  it('refuses a wrong secret and an unknown key', async () => {
    const wrongSecret = sigV4Client({ secret: 'not-the-secret-0123456789' });
    await expect(
      wrongSecret.send(
        new ConverseCommand({
          modelId: 'local/extractive',
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 401 } });
    wrongSecret.destroy();

    const unknown = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'lgNOTAKEY00000000000', secretAccessKey: TEST_SECRET },
      maxAttempts: 1,
    });
    await expect(
      unknown.send(
        new ConverseCommand({
          modelId: 'local/extractive',
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    unknown.destroy();
  });
});
