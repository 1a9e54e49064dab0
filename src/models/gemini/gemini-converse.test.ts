import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  readFixture,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ConverseRequest, Message } from '../../core/index.js';
import type { ModelProvider } from '../spec.js';
import { createGeminiProvider } from './index.js';

const fixture = (name: string) => readFixture(new URL(`./fixtures/${name}`, import.meta.url));
const jsonBody = async (name: string) => ({
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: await fixture(name),
});

let server: ScriptedServer;
let provider: ModelProvider;

beforeAll(async () => {
  server = await startScriptedServer();
  provider = createGeminiProvider({
    name: 'gemini',
    baseUrl: server.url,
    apiKey: 'test-key-123',
    headers: { 'x-team': 'claims' },
    models: ['gemini-2.5-flash'],
  });
});
afterAll(async () => {
  await provider.close?.();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const ask = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });

describe('gemini converse', () => {
  it('sends a plain text request and maps the answer', async () => {
    server.enqueue(await jsonBody('generate-text.json'));
    const response = await provider.converse({
      modelId: 'gemini-2.5-flash',
      messages: [ask('When does a claim need a second reviewer?')],
    });

    const request = server.lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request.url).not.toContain('key=');
    expect(request.headers['x-goog-api-key']).toBe('test-key-123');
    expect(request.headers['x-team']).toBe('claims');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'When does a claim need a second reviewer?' }] }],
    });

    expect(response.output.message).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Claims over 10,000 EUR need a second reviewer before payment.' }],
    });
    expect(response.stopReason).toBe('end_turn');
    expect(response.usage).toEqual({ inputTokens: 42, outputTokens: 14, totalTokens: 56 });
    expect(response.metrics.latencyMs).toBeGreaterThanOrEqual(0);
    expect(response.warnings).toBeUndefined();
    expect(provider.listModels?.()).toEqual(['gemini-2.5-flash']);
  });

  it('sends the system prompt, the turns and the inference config', async () => {
    server.enqueue(await jsonBody('generate-text.json'));
    await provider.converse({
      modelId: 'gemini-2.5-flash',
      system: [
        { type: 'text', text: 'You answer claims questions.' },
        { type: 'text', text: 'Be brief.' },
      ],
      messages: [
        ask('Hello'),
        { role: 'assistant', content: [{ type: 'text', text: 'Hi, how can I help?' }] },
        ask('What is the review threshold?'),
      ],
      inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    });
    expect(server.lastRequest().json).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Hello' }] },
        { role: 'model', parts: [{ text: 'Hi, how can I help?' }] },
        { role: 'user', parts: [{ text: 'What is the review threshold?' }] },
      ],
      systemInstruction: { parts: [{ text: 'You answer claims questions.' }, { text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    });
  });

  it('declares tools in Gemini schema subset, maps the tool choice and warns about what it stripped', async () => {
    server.enqueue(await jsonBody('generate-text.json'));
    const response = await provider.converse({
      modelId: 'gemini-2.5-flash',
      messages: [ask('Look up claim CLM-1')],
      toolConfig: {
        tools: [
          {
            type: 'tool',
            name: 'get_claim',
            description: 'Fetch a claim by id',
            inputSchema: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: {
                claimId: { type: 'string', description: 'The claim id' },
                note: { type: ['string', 'null'] },
                address: {
                  type: 'object',
                  properties: { city: { type: 'string' } },
                  additionalProperties: false,
                },
              },
              required: ['claimId'],
              additionalProperties: false,
            },
          },
          { type: 'tool', name: 'list_open_claims', inputSchema: { type: 'object', properties: {} } },
          { type: 'cachePoint' },
        ],
        toolChoice: { type: 'tool', name: 'get_claim' },
      },
    });
    expect(server.lastRequest().json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Look up claim CLM-1' }] }],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_claim',
              description: 'Fetch a claim by id',
              parameters: {
                type: 'object',
                properties: {
                  claimId: { type: 'string', description: 'The claim id' },
                  note: { type: 'string', nullable: true },
                  address: { type: 'object', properties: { city: { type: 'string' } } },
                },
                required: ['claimId'],
              },
            },
            { name: 'list_open_claims' },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_claim'] } },
    });
    expect(response.warnings).toEqual([
      {
        setting: 'toolConfig.tools.get_claim.inputSchema',
        message:
          'Gemini rejects these JSON Schema keywords, so they were removed: $schema, properties.address.additionalProperties, additionalProperties.',
      },
      {
        setting: 'toolConfig.tools.cachePoint',
        message: 'Gemini caches only through explicit cachedContents resources; the cache point was ignored.',
      },
    ]);
  });

  it.each([
    [{ type: 'auto' as const }, { mode: 'AUTO' }],
    [{ type: 'any' as const }, { mode: 'ANY' }],
    [{ type: 'none' as const }, { mode: 'NONE' }],
  ])('maps tool choice %j', async (toolChoice, functionCallingConfig) => {
    server.enqueue(await jsonBody('generate-text.json'));
    await provider.converse({
      modelId: 'gemini-2.5-flash',
      messages: [ask('hi')],
      toolConfig: { tools: [{ type: 'tool', name: 'f', inputSchema: { type: 'object' } }], toolChoice },
    });
    expect(server.lastRequest().json).toMatchObject({ toolConfig: { functionCallingConfig } });
  });

  it('maps function calls to toolUse blocks, keeping the thought signature and making ids', async () => {
    server.enqueue(await jsonBody('generate-tool-call.json'));
    const response = await provider.converse({
      modelId: 'gemini-3-flash-preview',
      messages: [ask('Claim 42?')],
    });
    expect(response.stopReason).toBe('tool_use');
    const [text, signature, claim, policy, ...rest] = response.output.message.content;
    expect(rest).toEqual([]);
    expect(text).toEqual({ type: 'text', text: 'Let me look that claim up.' });
    expect(signature).toEqual({
      type: 'reasoning',
      text: '',
      signature: 'CiQBVKhc7mQ1bWq0+2i1aZ0Xq3n6yWcBXu7Fh1m9tJzJq8sL0ZMKYwFUqFzu',
    });
    expect(claim).toMatchObject({
      type: 'toolUse',
      name: 'get_claim',
      input: { claimId: 'CLM-2024-0042', fields: ['status', 'amount'] },
    });
    expect(policy).toMatchObject({ type: 'toolUse', name: 'get_policy', input: { policyId: 'POL-7781' } });
    const ids = [claim, policy].map((b) => (b?.type === 'toolUse' ? b.toolUseId : ''));
    expect(ids[0]).toMatch(/^call_1_[0-9a-f]{12}$/);
    expect(ids[1]).toMatch(/^call_2_[0-9a-f]{12}$/);
    // Thinking tokens are billed as output.
    expect(response.usage).toEqual({ inputTokens: 120, outputTokens: 92, totalTokens: 212 });
  });

  it('sends a tool call back with its signature and the tool results as named function responses', async () => {
    server.enqueue(await jsonBody('generate-text.json'));
    await provider.converse({
      modelId: 'gemini-3-flash-preview',
      messages: [
        ask('Claim 42?'),
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look that claim up.' },
            { type: 'reasoning', text: '', signature: 'sig-A' },
            { type: 'toolUse', toolUseId: 'call_1_abc', name: 'get_claim', input: { claimId: '42' } },
            { type: 'toolUse', toolUseId: 'call_2_abc', name: 'get_policy', input: { policyId: 'P' } },
            { type: 'toolUse', toolUseId: 'call_3_abc', name: 'get_notes', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 'call_1_abc',
              content: [{ type: 'json', json: { status: 'open' } }],
            },
            {
              type: 'toolResult',
              toolUseId: 'call_2_abc',
              status: 'error',
              content: [{ type: 'text', text: 'policy not found' }],
            },
            { type: 'toolResult', toolUseId: 'call_3_abc', content: [{ type: 'text', text: 'no notes' }] },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
    });
    expect(server.lastRequest().json).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Claim 42?' }] },
        {
          role: 'model',
          parts: [
            { text: 'Let me look that claim up.' },
            { functionCall: { name: 'get_claim', args: { claimId: '42' } }, thoughtSignature: 'sig-A' },
            { functionCall: { name: 'get_policy', args: { policyId: 'P' } } },
            { functionCall: { name: 'get_notes', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_claim', response: { status: 'open' } } },
            { functionResponse: { name: 'get_policy', response: { error: 'policy not found' } } },
            { functionResponse: { name: 'get_notes', response: { content: 'no notes' } } },
            { text: 'Summarise.' },
          ],
        },
      ],
    });
  });

  it('rejects a tool result that answers no tool call, before calling Gemini', async () => {
    const request: ConverseRequest = {
      modelId: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: [{ type: 'toolResult', toolUseId: 'nope', content: [] }] }],
    };
    await expect(provider.converse(request)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(server.requests).toHaveLength(0);
  });

  it('sends images and PDFs inline and text documents as text', async () => {
    server.enqueue(await jsonBody('generate-text.json'));
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const pdf = new TextEncoder().encode('%PDF-1.7');
    const response = await provider.converse({
      modelId: 'gemini-2.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', format: 'png', bytes: png },
            { type: 'document', name: 'policy', format: 'pdf', bytes: pdf },
            { type: 'document', name: 'notes', format: 'md', bytes: new TextEncoder().encode('# Notes') },
            { type: 'document', name: 'summary', format: 'txt', text: 'All good.' },
            { type: 'document', name: 'sheet', format: 'xlsx', bytes: new Uint8Array([1, 2]) },
            { type: 'cachePoint' },
            { type: 'text', text: 'Describe these.' },
          ],
        },
      ],
      additionalModelRequestFields: {
        generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
    });
    expect(server.lastRequest().json).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjc=' } },
            { text: '# Notes' },
            { text: 'All good.' },
            { text: 'Describe these.' },
          ],
        },
      ],
      generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    });
    expect(response.warnings?.map((w) => w.setting)).toEqual(['messages.document', 'messages.cachePoint']);
  });

  it('merges additional generationConfig fields into the built one', async () => {
    server.enqueue(await jsonBody('generate-text.json'));
    await provider.converse({
      modelId: 'gemini-2.5-flash',
      messages: [ask('hi')],
      inferenceConfig: { maxTokens: 100 },
      additionalModelRequestFields: { generationConfig: { thinkingConfig: { includeThoughts: true } } },
    });
    expect(server.lastRequest().json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: { maxOutputTokens: 100, thinkingConfig: { includeThoughts: true } },
    });
  });

  it('maps thoughts to reasoning and cached tokens to cache reads', async () => {
    server.enqueue(await jsonBody('generate-thinking-cached.json'));
    const response = await provider.converse({ modelId: 'gemini-2.5-pro', messages: [ask('Review?')] });
    expect(response.output.message.content).toEqual([
      {
        type: 'reasoning',
        text: '**Checking the threshold**\n\nThe policy says claims above 10,000 EUR need review.',
      },
      { type: 'reasoning', text: '', signature: 'EpYDCpMDAdHtim9j1pH5zQe0Y6V2hH6Zx9sYt1w0XbVq' },
      { type: 'text', text: 'Yes: this claim needs a second reviewer.' },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 512,
      outputTokens: 62,
      totalTokens: 2110,
      cacheReadInputTokens: 1536,
    });
  });

  it('sends reasoning back as thought parts', async () => {
    server.enqueue(await jsonBody('generate-text.json'));
    await provider.converse({
      modelId: 'gemini-2.5-pro',
      messages: [
        ask('Review?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Thinking about it.', signature: 'sig-T' },
            { type: 'reasoning', text: '', signature: 'sig-X' },
            { type: 'text', text: 'Yes.' },
          ],
        },
        ask('Why?'),
      ],
    });
    expect(server.lastRequest().json).toMatchObject({
      contents: [
        { role: 'user' },
        {
          role: 'model',
          parts: [
            { text: 'Thinking about it.', thought: true, thoughtSignature: 'sig-T' },
            { text: 'Yes.', thoughtSignature: 'sig-X' },
          ],
        },
        { role: 'user' },
      ],
    });
  });

  it('answers a blocked prompt with content_filtered and an empty message', async () => {
    server.enqueue(await jsonBody('generate-blocked-prompt.json'));
    const response = await provider.converse({ modelId: 'gemini-2.5-flash', messages: [ask('...')] });
    expect(response.stopReason).toBe('content_filtered');
    expect(response.output.message).toEqual({ role: 'assistant', content: [] });
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 0, totalTokens: 9 });
  });

  it.each([
    ['STOP', 'end_turn'],
    ['MAX_TOKENS', 'max_tokens'],
    ['SAFETY', 'content_filtered'],
    ['RECITATION', 'content_filtered'],
    ['BLOCKLIST', 'content_filtered'],
    ['PROHIBITED_CONTENT', 'content_filtered'],
    ['SPII', 'content_filtered'],
    ['MALFORMED_FUNCTION_CALL', 'malformed_tool_use'],
    ['OTHER', 'end_turn'],
  ])('maps finishReason %s to %s', async (finishReason, stopReason) => {
    server.enqueue({
      body: {
        candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] }, finishReason, index: 0 }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
      },
    });
    const response = await provider.converse({ modelId: 'gemini-2.5-flash', messages: [ask('hi')] });
    expect(response.stopReason).toBe(stopReason);
  });
});
