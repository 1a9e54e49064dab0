import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ConverseRequest, StopReason } from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createAnthropicProvider } from './index.js';

const fixture = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const json = { 'content-type': 'application/json' };
const MODEL = 'claude-sonnet-4-5-20250929';
const user = (text: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] });

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createAnthropicProvider({
    name: 'anthropic',
    baseUrl: `${server.url}/`,
    apiKey: 'sk-ant-test-key',
    models: ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'],
  });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

async function converseWith(request: ConverseRequest, responseFixture = 'message-text.json') {
  server.enqueue({ headers: json, body: await fixture(responseFixture) });
  const response = await provider.converse(request);
  return { response, sent: server.lastRequest() };
}

describe('anthropic converse: request', () => {
  it('sends a plain text turn to /v1/messages with the auth and version headers and the default max_tokens', async () => {
    const { sent } = await converseWith({ modelId: MODEL, messages: [user('Status of CLM-1042?')] });
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test-key');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['anthropic-beta']).toBeUndefined();
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] }],
    });
  });

  it('sends the system prompt as text blocks with cache_control from system cache points', async () => {
    const { sent } = await converseWith({
      modelId: MODEL,
      system: [
        { type: 'text', text: 'You are a claims assistant.' },
        { type: 'cachePoint' },
        { type: 'text', text: 'Policy handbook: ...' },
        { type: 'cachePoint', ttl: '1h' },
      ],
      messages: [user('Hi')],
    });
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 4096,
      system: [
        { type: 'text', text: 'You are a claims assistant.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Policy handbook: ...', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('sends a multi-turn conversation, consecutive same-role turns and inference config as they are', async () => {
    const { sent } = await converseWith({
      modelId: MODEL,
      messages: [
        user('Which claims are open?'),
        { role: 'assistant', content: [{ type: 'text', text: 'CLM-1042 and CLM-1043.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Long context here' },
            { type: 'cachePoint', ttl: '5m' },
          ],
        },
        user('Summarise CLM-1042.'),
      ],
      inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    });
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 512,
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Which claims are open?' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'CLM-1042 and CLM-1043.' }] },
        {
          role: 'user',
          content: [{ type: 'text', text: 'Long context here', cache_control: { type: 'ephemeral' } }],
        },
        { role: 'user', content: [{ type: 'text', text: 'Summarise CLM-1042.' }] },
      ],
    });
  });

  it('sends tool definitions with input_schema, a tool cache point and the tool choice', async () => {
    const schema = { type: 'object', properties: { claim_id: { type: 'string' } }, required: ['claim_id'] };
    const { sent } = await converseWith({
      modelId: MODEL,
      messages: [user('Look up CLM-1042')],
      toolConfig: {
        tools: [
          { type: 'tool', name: 'get_claim', description: 'Fetch a claim by id', inputSchema: schema },
          { type: 'tool', name: 'list_claims', inputSchema: { type: 'object', properties: {} } },
          { type: 'cachePoint' },
        ],
        toolChoice: { type: 'tool', name: 'get_claim' },
      },
    });
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Look up CLM-1042' }] }],
      tools: [
        { name: 'get_claim', description: 'Fetch a claim by id', input_schema: schema },
        {
          name: 'list_claims',
          input_schema: { type: 'object', properties: {} },
          cache_control: { type: 'ephemeral' },
        },
      ],
      tool_choice: { type: 'tool', name: 'get_claim' },
    });
  });

  it.each([
    [{ type: 'auto' as const }, { type: 'auto' }],
    [{ type: 'any' as const }, { type: 'any' }],
    [{ type: 'none' as const }, { type: 'none' }],
  ])('maps tool choice %j to %j', async (toolChoice, expected) => {
    const { sent } = await converseWith({
      modelId: MODEL,
      messages: [user('x')],
      toolConfig: { tools: [{ type: 'tool', name: 't', inputSchema: { type: 'object' } }], toolChoice },
    });
    expect((sent.json as { tool_choice: unknown }).tool_choice).toEqual(expected);
  });

  it('round-trips a tool call: tool_use in the assistant turn, tool_result with stringified JSON and is_error', async () => {
    const { sent } = await converseWith({
      modelId: MODEL,
      messages: [
        user('Look up CLM-1042 and CLM-9999'),
        {
          role: 'assistant',
          content: [
            { type: 'toolUse', toolUseId: 'toolu_1', name: 'get_claim', input: { claim_id: 'CLM-1042' } },
            { type: 'toolUse', toolUseId: 'toolu_2', name: 'get_claim', input: { claim_id: 'CLM-9999' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 'toolu_1',
              content: [
                { type: 'json', json: { status: 'open', amount: 12400 } },
                { type: 'text', text: 'ok' },
              ],
              status: 'success',
            },
            {
              type: 'toolResult',
              toolUseId: 'toolu_2',
              content: [{ type: 'text', text: 'not found' }],
              status: 'error',
            },
          ],
        },
      ],
    });
    expect((sent.json as { messages: unknown }).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Look up CLM-1042 and CLM-9999' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_claim', input: { claim_id: 'CLM-1042' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_claim', input: { claim_id: 'CLM-9999' } },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: [
              { type: 'text', text: '{"status":"open","amount":12400}' },
              { type: 'text', text: 'ok' },
            ],
          },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: [{ type: 'text', text: 'not found' }],
            is_error: true,
          },
        ],
      },
    ]);
  });

  it('sends images as base64 sources and documents as PDF or plain-text sources', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const pdf = new TextEncoder().encode('%PDF-1.7 claim form');
    const { sent } = await converseWith({
      modelId: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', format: 'png', bytes: png },
            { type: 'image', format: 'jpeg', bytes: new Uint8Array([0xff, 0xd8, 0xff]) },
            { type: 'document', name: 'claim-form', format: 'pdf', bytes: pdf },
            { type: 'document', name: 'notes', format: 'txt', text: 'Adjuster visited on 4 March.' },
            { type: 'document', name: 'readme', format: 'md', bytes: new TextEncoder().encode('# Claims') },
            { type: 'text', text: 'Is the damage covered?' },
          ],
        },
      ],
    });
    expect((sent.json as { messages: unknown }).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
          {
            type: 'document',
            title: 'claim-form',
            source: {
              type: 'base64',
              media_type: 'application/pdf',
              data: Buffer.from(pdf).toString('base64'),
            },
          },
          {
            type: 'document',
            title: 'notes',
            source: { type: 'text', media_type: 'text/plain', data: 'Adjuster visited on 4 March.' },
          },
          {
            type: 'document',
            title: 'readme',
            source: { type: 'text', media_type: 'text/plain', data: '# Claims' },
          },
          { type: 'text', text: 'Is the damage covered?' },
        ],
      },
    ]);
  });

  it('rejects a binary office document before calling Anthropic, which cannot read it', async () => {
    const request: ConverseRequest = {
      modelId: MODEL,
      messages: [
        {
          role: 'user',
          content: [{ type: 'document', name: 'sheet', format: 'xlsx', bytes: new Uint8Array([1]) }],
        },
      ],
    };
    await expect(provider.converse(request)).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
    expect(server.requests).toHaveLength(0);
  });

  it('sends signed reasoning back as thinking and redacted reasoning as redacted_thinking, warning about unsigned reasoning', async () => {
    const { sent, response } = await converseWith({
      modelId: MODEL,
      messages: [
        user('Is CLM-1042 within limits?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Check the limit.', signature: 'sig-abc' },
            { type: 'reasoning', text: '', redacted: new Uint8Array([1, 2, 3, 250]) },
            { type: 'reasoning', text: 'from another provider' },
            { type: 'toolUse', toolUseId: 'toolu_1', name: 'get_claim', input: {} },
          ],
        },
      ],
    });
    expect((sent.json as { messages: unknown[] }).messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Check the limit.', signature: 'sig-abc' },
        { type: 'redacted_thinking', data: 'AQID+g==' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_claim', input: {} },
      ],
    });
    expect(response.warnings).toEqual([expect.objectContaining({ setting: 'messages.reasoning' })]);
  });

  it('merges additionalModelRequestFields into the body without letting them replace model or messages', async () => {
    const { sent } = await converseWith({
      modelId: MODEL,
      messages: [user('Think first.')],
      inferenceConfig: { maxTokens: 8000 },
      additionalModelRequestFields: {
        thinking: { type: 'enabled', budget_tokens: 4000 },
        top_k: 40,
        model: 'something-else',
        messages: [],
      },
    });
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 8000,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Think first.' }] }],
      thinking: { type: 'enabled', budget_tokens: 4000 },
      top_k: 40,
    });
  });

  it('warns about request metadata and cache points with nothing to cache instead of dropping them silently', async () => {
    const { sent, response } = await converseWith({
      modelId: MODEL,
      system: [{ type: 'cachePoint' }],
      messages: [{ role: 'user', content: [{ type: 'cachePoint' }, { type: 'text', text: 'Hi' }] }],
      requestMetadata: { team: 'claims' },
    });
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(response.warnings?.map((w) => w.setting)).toEqual([
      'system.cachePoint',
      'messages[0].cachePoint',
      'requestMetadata',
    ]);
  });

  it('sends beta, version and custom headers, and no x-api-key without a key', async () => {
    const custom = createAnthropicProvider({
      name: 'claude-proxy',
      baseUrl: server.url,
      version: '2024-01-01',
      beta: ['prompt-caching-2024-07-31', 'extended-cache-ttl-2025-04-11'],
      defaultMaxTokens: 1024,
      headers: { 'x-proxy-tenant': 'claims' },
    });
    try {
      server.enqueue({ headers: json, body: await fixture('message-text.json') });
      await custom.converse({ modelId: MODEL, messages: [user('Hi')] });
      const sent = server.lastRequest();
      expect(sent.headers['x-api-key']).toBeUndefined();
      expect(sent.headers['anthropic-version']).toBe('2024-01-01');
      expect(sent.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,extended-cache-ttl-2025-04-11');
      expect(sent.headers['x-proxy-tenant']).toBe('claims');
      expect((sent.json as { max_tokens: number }).max_tokens).toBe(1024);
    } finally {
      await custom.close?.();
    }
  });
});

describe('anthropic converse: response', () => {
  it('returns text, stop reason and usage with cache tokens, total counting every input token', async () => {
    const { response } = await converseWith({ modelId: MODEL, messages: [user('Status?')] });
    expect(response.output.message).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Claim CLM-1042 was filed on 3 March and is awaiting an adjuster.' }],
    });
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toEqual({
      inputTokens: 21,
      outputTokens: 19,
      cacheReadInputTokens: 2048,
      cacheWriteInputTokens: 1536,
      totalTokens: 21 + 19 + 2048 + 1536,
    });
    expect(response.metrics.latencyMs).toBeGreaterThanOrEqual(0);
    expect(response.warnings).toBeUndefined();
  });

  it('returns a tool call as a toolUse block', async () => {
    const { response } = await converseWith(
      { modelId: MODEL, messages: [user('Look up CLM-1042')] },
      'message-tool-use.json',
    );
    expect(response.stopReason).toBe('tool_use');
    expect(response.output.message.content).toEqual([
      { type: 'text', text: "I'll look up that claim." },
      {
        type: 'toolUse',
        toolUseId: 'toolu_01A09q90qw90lq917835lq9',
        name: 'get_claim',
        input: { claim_id: 'CLM-1042', include_history: true },
      },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 412,
      outputTokens: 74,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
      totalTokens: 486,
    });
  });

  it('returns thinking as reasoning with its signature and redacted thinking as bytes', async () => {
    const { response } = await converseWith(
      { modelId: MODEL, messages: [user('Within limits?')] },
      'message-thinking.json',
    );
    const data = 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP';
    expect(response.output.message.content).toEqual([
      {
        type: 'reasoning',
        text: 'The policy limit is 50,000 and the claim is 12,400, so it is within limits.',
        signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
      },
      { type: 'reasoning', text: '', redacted: new Uint8Array(Buffer.from(data, 'base64')) },
      { type: 'text', text: 'Yes, the claim is within the policy limit.' },
    ]);
    const redacted = response.output.message.content[1];
    // The bytes must survive the trip back to Anthropic unchanged.
    expect(redacted?.type === 'reasoning' && Buffer.from(redacted.redacted!).toString('base64')).toBe(data);
  });

  it('skips server-tool blocks with a warning and maps pause_turn to end_turn', async () => {
    const { response } = await converseWith(
      { modelId: MODEL, messages: [user('Search')] },
      'message-server-tool.json',
    );
    expect(response.output.message.content).toEqual([
      { type: 'text', text: 'I could not find a published deadline.' },
    ]);
    expect(response.stopReason).toBe('end_turn');
    expect(response.warnings?.map((w) => w.setting)).toEqual([
      'response.content.server_tool_use',
      'response.content.web_search_tool_result',
    ]);
    expect(response.usage).toEqual({ inputTokens: 530, outputTokens: 41, totalTokens: 571 });
  });

  it.each<[string, StopReason]>([
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['stop_sequence', 'stop_sequence'],
    ['tool_use', 'tool_use'],
    ['refusal', 'content_filtered'],
    ['pause_turn', 'end_turn'],
    ['model_context_window_exceeded', 'model_context_window_exceeded'],
  ])('maps stop_reason %s to %s', async (wire, canonical) => {
    const body = JSON.parse(await fixture('message-text.json')) as Record<string, unknown>;
    server.enqueue({ headers: json, body: { ...body, stop_reason: wire } });
    const response = await provider.converse({ modelId: MODEL, messages: [user('x')] });
    expect(response.stopReason).toBe(canonical);
  });
});

describe('anthropic countTokens, listModels, embeddings', () => {
  it('posts the prompt without generation settings to /v1/messages/count_tokens', async () => {
    server.enqueue({ headers: json, body: await fixture('count-tokens.json') });
    const counted = await provider.countTokens!({
      modelId: MODEL,
      system: [{ type: 'text', text: 'You are a claims assistant.' }],
      messages: [user('Status of CLM-1042?')],
      inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.8, stopSequences: ['END'] },
      toolConfig: {
        tools: [{ type: 'tool', name: 'get_claim', inputSchema: { type: 'object' } }],
        toolChoice: { type: 'auto' },
      },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 }, top_k: 5 },
    });
    expect(counted).toEqual({ inputTokens: 2095 });
    const sent = server.lastRequest();
    expect(sent.url).toBe('/v1/messages/count_tokens');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test-key');
    expect(sent.json).toEqual({
      model: MODEL,
      system: [{ type: 'text', text: 'You are a claims assistant.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] }],
      tools: [{ name: 'get_claim', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
  });

  it('lists the configured models and has no embeddings', () => {
    expect(provider.listModels?.()).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']);
    expect(provider.embed).toBeUndefined();
    expect(provider.name).toBe('anthropic');
  });

  it('reports a count_tokens error body as a LakegateError', async () => {
    server.enqueue({ status: 400, headers: json, body: await fixture('error-invalid-request.json') });
    const error = await provider.countTokens!({ modelId: MODEL, messages: [user('')] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_REJECTED', upstreamStatus: 400 });
  });
});
