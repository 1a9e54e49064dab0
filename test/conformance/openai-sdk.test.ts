// The official `openai` package against a running Lakegate: chat, streaming with usage, tools,
// embeddings in both encodings, the Databricks and Bedrock OpenAI paths, and its error classes.

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startLakegate, TEST_KEY } from '../support/lakegate-harness.js';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';

const NOTES =
  'Adjuster note: the insured reported hail damage to the roof on 12 April. Two skylights were cracked. The contractor quoted 8,900 EUR for the repair.';

let lakegate: Harness;
let upstream: ScriptedServer;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startScriptedServer();
  lakegate = await startLakegate({
    providers: { scripted: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1` } },
    endpoints: {
      assistant: { served: [{ model: 'scripted/tool-model' }], retry: { attempts: 0 } },
      embedder: { task: 'embeddings', served: [{ model: 'local/embed' }] },
    },
  });
  client = new OpenAI({ baseURL: `${lakegate.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await lakegate?.close();
  await upstream?.close();
});

describe('openai package against Lakegate', () => {
  it('completes a chat', async () => {
    const completion = await client.chat.completions.create({
      model: 'local/extractive',
      messages: [
        { role: 'system', content: NOTES },
        { role: 'user', content: 'What did the contractor quote for the repair?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('local/extractive');
    expect(completion.choices[0]?.message.content).toContain('8,900 EUR');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('streams with usage in the last chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'local/extractive',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: NOTES },
        { role: 'user', content: 'What was damaged by the hail?' },
      ],
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('hail damage to the roof');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a tool call from an upstream provider, fragments intact', async () => {
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'tool-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    upstream.enqueue({
      headers: { 'content-type': 'text/event-stream' },
      chunks: [
        chunk({ role: 'assistant', content: null }),
        chunk({
          tool_calls: [
            { index: 0, id: 'call_9', type: 'function', function: { name: 'lookup_policy', arguments: '' } },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"policy' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: 'Id":"P-77"}' } }] }),
        chunk({}, 'tool_calls'),
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'tool-model', choices: [], usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 } })}\n\n`,
        'data: [DONE]\n\n',
      ],
    });
    const runner = client.chat.completions.stream({
      model: 'assistant',
      messages: [{ role: 'user', content: 'Open policy P-77' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup_policy',
            parameters: { type: 'object', properties: { policyId: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({
      name: 'lookup_policy',
      arguments: '{"policyId":"P-77"}',
    });
    expect(call?.id).toBe('call_9');
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(upstream.lastRequest().json).toMatchObject({ stream: true, tool_choice: 'required' });
  });

  it('embeds as floats and as base64 (the package default)', async () => {
    const floats = await client.embeddings.create({
      model: 'local/embed',
      input: ['burst pipe in the kitchen', 'premium overdue'],
      encoding_format: 'float',
    });
    const base64 = await client.embeddings.create({
      model: 'embedder',
      input: ['burst pipe in the kitchen'],
    });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[0]?.embedding).toHaveLength(384);
    // The package decodes base64 itself: the same text must give the same vector either way.
    expect(base64.data[0]?.embedding).toHaveLength(384);
    base64.data[0]?.embedding.forEach((x, i) => {
      expect(x).toBeCloseTo(floats.data[0]?.embedding[i] ?? Number.NaN, 6);
    });
    expect(base64.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('lists models and endpoints', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['assistant', 'embedder', 'local/extractive', 'local/embed']));
  });

  it('works through the Databricks serving-endpoints path and Bedrock /openai/v1', async () => {
    const databricks = new OpenAI({
      baseURL: `${lakegate.url}/serving-endpoints`,
      apiKey: TEST_KEY,
      maxRetries: 0,
    });
    const viaDatabricks = await databricks.embeddings.create({
      model: 'embedder',
      input: 'hail',
      encoding_format: 'float',
    });
    expect(viaDatabricks.data[0]?.embedding).toHaveLength(384);

    const invocations = await fetch(`${lakegate.url}/serving-endpoints/embedder/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: ['hail'] }),
    });
    expect(invocations.status).toBe(200);
    expect(((await invocations.json()) as { data: unknown[] }).data).toHaveLength(1);

    const bedrockPath = new OpenAI({ baseURL: `${lakegate.url}/openai/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const chat = await bedrockPath.chat.completions.create({
      model: 'local/extractive',
      messages: [{ role: 'user', content: `${NOTES}\n\nHow many skylights were cracked?` }],
    });
    expect(chat.choices[0]?.message.content).toContain('Two skylights');
  });

  it('raises the package error classes', async () => {
    const anonymous = new OpenAI({
      baseURL: `${lakegate.url}/v1`,
      apiKey: 'lgWRONGKEY000000000.nope-nope-nope-nope-nope',
      maxRetries: 0,
    });
    await expect(
      anonymous.chat.completions.create({
        model: 'local/extractive',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    await expect(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    await expect(
      client.chat.completions.create({ model: 'local/extractive', messages: [] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    upstream.enqueue({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { error: { message: 'quota', type: 'requests' } },
    });
    const limited = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('3');
  });
});
