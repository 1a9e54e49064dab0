import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ConverseRequest } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createOpenAIProvider } from './index.js';

const fixture = async (name: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFixture(new URL(`./fixtures/${name}`, import.meta.url)));

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createOpenAIProvider({
    name: 'openai',
    baseUrl: `${server.url}/v1/`,
    apiKey: 'sk-test-123',
    organization: 'org-lakegate',
    project: 'proj_claims',
    headers: { 'x-team': 'claims' },
    models: ['gpt-4o', 'gpt-4.1'],
  });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const hello: ConverseRequest = {
  modelId: 'gpt-4o',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What happened to claim CLM-1042?' }] }],
};

describe('OpenAI converse: request', () => {
  it('posts a plain text request with auth, organization, project and custom headers', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    await provider.converse(hello, { requestId: 'req-42' });
    const request = server.lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers['authorization']).toBe('Bearer sk-test-123');
    expect(request.headers['openai-organization']).toBe('org-lakegate');
    expect(request.headers['openai-project']).toBe('proj_claims');
    expect(request.headers['x-team']).toBe('claims');
    expect(request.headers['x-client-request-id']).toBe('req-42');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.json).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What happened to claim CLM-1042?' }],
    });
  });

  it('sends system blocks as one system message, multi-turn history, and inference config', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    await provider.converse({
      modelId: 'gpt-4o',
      system: [
        { type: 'text', text: 'You answer questions about insurance claims.' },
        { type: 'cachePoint' },
        { type: 'text', text: 'Be brief.' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'cachePoint' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'The user greets me.' },
            { type: 'text', text: 'Hello! ' },
            { type: 'text', text: 'How can I help?' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] },
      ],
      inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END', '###'] },
    });
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You answer questions about insurance claims.\n\nBe brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'Status of CLM-1042?' },
      ],
      max_completion_tokens: 256,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END', '###'],
    });
  });

  it('maps tool definitions and every tool choice', async () => {
    const tools: ConverseRequest['toolConfig'] = {
      tools: [
        {
          type: 'tool',
          name: 'lookup_claim',
          description: 'Look up a claim by id.',
          inputSchema: {
            type: 'object',
            properties: { claim_id: { type: 'string' } },
            required: ['claim_id'],
          },
        },
        { type: 'cachePoint' },
        { type: 'tool', name: 'now', inputSchema: { type: 'object', properties: {} } },
      ],
    };
    const expectedTools = [
      {
        type: 'function',
        function: {
          name: 'lookup_claim',
          description: 'Look up a claim by id.',
          parameters: {
            type: 'object',
            properties: { claim_id: { type: 'string' } },
            required: ['claim_id'],
          },
        },
      },
      { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
    ];
    const choices = [
      [undefined, undefined],
      [{ type: 'auto' }, 'auto'],
      [{ type: 'any' }, 'required'],
      [{ type: 'none' }, 'none'],
      [
        { type: 'tool', name: 'now' },
        { type: 'function', function: { name: 'now' } },
      ],
    ] as const;
    for (const [toolChoice, wire] of choices) {
      server.enqueue({ body: await fixture('chat-text.json') });
      await provider.converse({ ...hello, toolConfig: { ...tools, ...(toolChoice ? { toolChoice } : {}) } });
      expect(server.lastRequest().json).toEqual({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'What happened to claim CLM-1042?' }],
        tools: expectedTools,
        ...(wire === undefined ? {} : { tool_choice: wire }),
      });
    }
  });

  it('warns about a tool choice without tools instead of sending it', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    const response = await provider.converse({
      ...hello,
      toolConfig: { tools: [], toolChoice: { type: 'any' } },
    });
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What happened to claim CLM-1042?' }],
    });
    expect(response.warnings).toEqual([expect.objectContaining({ setting: 'toolConfig.toolChoice' })]);
  });

  it('round-trips tool calls and tool results (json stringified, tool messages first)', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    await provider.converse({
      modelId: 'gpt-4.1',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Check CLM-1042 and POL-77.' }] },
        {
          role: 'assistant',
          content: [
            { type: 'toolUse', toolUseId: 'call_a', name: 'lookup_claim', input: { claim_id: 'CLM-1042' } },
            { type: 'toolUse', toolUseId: 'call_b', name: 'lookup_policy', input: { policy_id: 'POL-77' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 'call_a',
              content: [{ type: 'json', json: { status: 'paid' } }],
            },
            {
              type: 'toolResult',
              toolUseId: 'call_b',
              status: 'error',
              content: [
                { type: 'text', text: 'Policy not found.' },
                { type: 'text', text: 'Try another id.' },
              ],
            },
            { type: 'text', text: 'Summarise please.' },
          ],
        },
      ],
    });
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4.1',
      messages: [
        { role: 'user', content: 'Check CLM-1042 and POL-77.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'lookup_claim', arguments: '{"claim_id":"CLM-1042"}' },
            },
            {
              id: 'call_b',
              type: 'function',
              function: { name: 'lookup_policy', arguments: '{"policy_id":"POL-77"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '{"status":"paid"}' },
        { role: 'tool', tool_call_id: 'call_b', content: 'Policy not found.\nTry another id.' },
        { role: 'user', content: 'Summarise please.' },
      ],
    });
  });

  it('sends images as data URLs, text documents as named text parts and PDFs as file parts', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const pdf = new TextEncoder().encode('%PDF-1.7');
    await provider.converse({
      modelId: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image', format: 'png', bytes: png },
            { type: 'document', name: 'notes', format: 'md', text: '# Notes\nAll fine.' },
            { type: 'document', name: 'rows', format: 'csv', bytes: new TextEncoder().encode('a,b\n1,2') },
            { type: 'document', name: 'claim-form', format: 'pdf', bytes: pdf },
          ],
        },
      ],
    });
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
            { type: 'text', text: '<document name="notes">\n# Notes\nAll fine.\n</document>' },
            { type: 'text', text: '<document name="rows">\na,b\n1,2\n</document>' },
            {
              type: 'file',
              file: {
                filename: 'claim-form.pdf',
                file_data: `data:application/pdf;base64,${btoa('%PDF-1.7')}`,
              },
            },
          ],
        },
      ],
    });
  });

  it('warns about what chat completions cannot carry', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    const response = await provider.converse({
      modelId: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Read this.' },
            { type: 'document', name: 'sheet', format: 'xlsx', bytes: new Uint8Array([1, 2]) },
          ],
        },
        { role: 'assistant', content: [{ type: 'image', format: 'png', bytes: new Uint8Array([1]) }] },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 'call_x',
              content: [{ type: 'image', format: 'jpeg', bytes: new Uint8Array([1]) }],
            },
          ],
        },
      ],
    });
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'Read this.' },
        { role: 'assistant', content: '' },
        { role: 'tool', tool_call_id: 'call_x', content: '' },
      ],
    });
    expect(response.warnings?.map((w) => w.setting)).toEqual([
      'messages.content.document',
      'messages.content.image',
      'messages.content.toolResult.image',
    ]);
  });

  it('merges additionalModelRequestFields into the body but keeps stream its own', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    const response = await provider.converse({
      ...hello,
      additionalModelRequestFields: { seed: 7, reasoning_effort: 'low', stream: true },
    });
    expect(server.lastRequest().json).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What happened to claim CLM-1042?' }],
      seed: 7,
      reasoning_effort: 'low',
    });
    expect(response.warnings).toEqual([
      expect.objectContaining({ setting: 'additionalModelRequestFields.stream' }),
    ]);
  });
});

describe('OpenAI converse: response', () => {
  it('returns the text, end_turn and usage with cached tokens apart from the uncached input', async () => {
    server.enqueue({ body: await fixture('chat-text.json') });
    const response = await provider.converse(hello);
    expect(response.output.message).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Claim CLM-1042 was approved on 12 March and paid in full.' }],
    });
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toEqual({
      inputTokens: 86,
      outputTokens: 17,
      totalTokens: 2023,
      cacheReadInputTokens: 1920,
    });
    expect(response.metrics.latencyMs).toBeGreaterThanOrEqual(0);
    expect(response.warnings).toBeUndefined();
  });

  it('returns parallel tool calls with parsed input and tool_use', async () => {
    server.enqueue({ body: await fixture('chat-tool-calls.json') });
    const response = await provider.converse(hello);
    expect(response.output.message.content).toEqual([
      {
        type: 'toolUse',
        toolUseId: 'call_Xb2Rq9LmT4cVw8NzK1pD6eHs',
        name: 'lookup_claim',
        input: { claim_id: 'CLM-1042' },
      },
      {
        type: 'toolUse',
        toolUseId: 'call_7YhGf3KdP0sWq2MvB9xLc5Rt',
        name: 'lookup_policy',
        input: { policy_id: 'POL-77', include_riders: true },
      },
    ]);
    expect(response.stopReason).toBe('tool_use');
    expect(response.usage).toEqual({
      inputTokens: 182,
      outputTokens: 51,
      totalTokens: 233,
      cacheReadInputTokens: 0,
    });
  });

  it('keeps unparseable tool arguments as raw text under malformed_tool_use with a warning', async () => {
    server.enqueue({ body: await fixture('chat-malformed-tool.json') });
    const response = await provider.converse(hello);
    expect(response.output.message.content).toEqual([
      {
        type: 'toolUse',
        toolUseId: 'call_Q1wE2rT3yU4iO5pA6sD7fG8h',
        name: 'lookup_claim',
        input: '{"claim_id":"CLM-1042"',
      },
    ]);
    expect(response.stopReason).toBe('malformed_tool_use');
    expect(response.warnings).toEqual([expect.objectContaining({ setting: 'toolUse.input' })]);
  });

  it('maps every finish reason', async () => {
    const cases = [
      ['stop', 'end_turn'],
      ['length', 'max_tokens'],
      ['content_filter', 'content_filtered'],
      ['tool_calls', 'tool_use'],
      ['function_call', 'tool_use'],
      [null, 'end_turn'],
    ] as const;
    for (const [finish, stopReason] of cases) {
      const body = await fixture('chat-text.json');
      (body['choices'] as Array<Record<string, unknown>>)[0]!['finish_reason'] = finish;
      server.enqueue({ body });
      expect((await provider.converse(hello)).stopReason).toBe(stopReason);
    }
  });

  it('shows a refusal as text with content_filtered', async () => {
    server.enqueue({ body: await fixture('chat-refusal.json') });
    const response = await provider.converse(hello);
    expect(response.output.message.content).toEqual([
      { type: 'text', text: "I'm sorry, I can't help with that request." },
    ]);
    expect(response.stopReason).toBe('content_filtered');
  });

  it('rejects a response without choices as a bad response', async () => {
    server.enqueue({ body: { id: 'chatcmpl-x', object: 'chat.completion', choices: [] } });
    await expect(provider.converse(hello)).rejects.toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('lists the configured models', () => {
    expect(provider.listModels?.()).toEqual(['gpt-4o', 'gpt-4.1']);
  });
});
