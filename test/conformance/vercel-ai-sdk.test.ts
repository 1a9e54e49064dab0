// The Vercel AI SDK against a running Lakegate, through its OpenAI-compatible and Amazon Bedrock
// providers: generateText, streamText, embeddings, and a tool call.

import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embed, embedMany, generateText, jsonSchema, streamText, tool } from 'ai';
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
  'Policy P-3301 covers the warehouse in Lyon against fire and flood. The deductible is 2,500 EUR per claim. Theft is not covered.';

let lakegate: Harness;
let upstream: ScriptedServer;

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate({
    providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
    endpoints: { agent: { served: [{ model: 'scripted/agent-model' }], retry: { attempts: 0 } } },
  });
});

afterAll(async () => {
  await lakegate?.close();
  await upstream?.close();
});

describe('Vercel AI SDK, OpenAI-compatible provider', () => {
  const provider = () =>
    createOpenAICompatible({ name: 'lakegate', baseURL: `${lakegate.url}/v1`, apiKey: TEST_KEY });

  it('generates text', async () => {
    const result = await generateText({
      model: provider()('local/extractive'),
      system: CONTEXT,
      prompt: 'What is the deductible per claim?',
      maxRetries: 0,
    });
    expect(result.text).toContain('2,500 EUR');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streams text', async () => {
    const result = streamText({
      model: provider()('local/extractive'),
      system: CONTEXT,
      prompt: 'Is theft covered?',
      maxRetries: 0,
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toContain('Theft is not covered');
    expect(await result.finishReason).toBe('stop');
  });

  it('embeds', async () => {
    const { embeddings } = await embedMany({
      model: provider().embeddingModel('local/embed'),
      values: ['fire in the warehouse', 'flooded warehouse'],
      maxRetries: 0,
    });
    expect(embeddings).toHaveLength(2);
    expect(embeddings[0]).toHaveLength(384);
  });

  it('receives a tool call from an upstream model', async () => {
    upstream.enqueue({
      body: {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'agent-model',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'get_policy', arguments: '{"id":"P-3301"}' },
                },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
      },
    });
    const result = await generateText({
      model: provider()('agent'),
      prompt: 'Look up P-3301',
      tools: {
        get_policy: tool({
          description: 'Fetch a policy',
          inputSchema: jsonSchema<{ id: string }>({
            type: 'object',
            properties: { id: { type: 'string' } },
            required: ['id'],
          }),
        }),
      },
      maxRetries: 0,
    });
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({
      toolCallId: 'call_1',
      toolName: 'get_policy',
      input: { id: 'P-3301' },
    });
    expect(result.finishReason).toBe('tool-calls');
  });
});

describe('Vercel AI SDK, Amazon Bedrock provider', () => {
  it('generates text with SigV4', async () => {
    const bedrock = createAmazonBedrock({
      region: 'eu-west-1',
      baseURL: lakegate.url,
      accessKeyId: TEST_KEY_ID,
      secretAccessKey: TEST_SECRET,
    });
    const result = await generateText({
      model: bedrock('local/extractive'),
      system: CONTEXT,
      prompt: 'Which warehouse does the policy cover?',
      maxRetries: 0,
    });
    expect(result.text).toContain('Lyon');
  });

  it('streams text with a Bedrock API key', async () => {
    const bedrock = createAmazonBedrock({ region: 'us-east-1', baseURL: lakegate.url, apiKey: TEST_KEY });
    const result = streamText({
      model: bedrock('local/extractive'),
      system: CONTEXT,
      prompt: 'What does the policy cover the warehouse against?',
      maxRetries: 0,
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toContain('fire and flood');
  });

  it('embeds through InvokeModel', async () => {
    const bedrock = createAmazonBedrock({ region: 'us-east-1', baseURL: lakegate.url, apiKey: TEST_KEY });
    const { embedding } = await embed({
      model: bedrock.embedding('local/embed'),
      value: 'warehouse fire',
      maxRetries: 0,
    });
    expect(embedding).toHaveLength(384);
  });
});
