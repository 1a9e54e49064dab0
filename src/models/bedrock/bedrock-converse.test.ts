import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/support/scripted-server.js';
import { type ConverseRequest, LakegateError, STOP_REASONS } from '../../core/index.js';
import { scriptedBedrock } from './test-support.js';

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const CLAUDE_PATH = '/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse';

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFixture(new URL(`./fixtures/${name}`, import.meta.url)));
}

function ask(text: string, extra: Partial<ConverseRequest> = {}): ConverseRequest {
  return { modelId: CLAUDE, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

const bedrock = scriptedBedrock((url) => ({
  endpoint: url,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
}));

describe('converse request', () => {
  it('sends a plain text turn to /model/{id}/converse and maps the answer', async () => {
    const body = await fixture('converse-text.json');
    // Bedrock reports 812 ms; the latency we report is our own, measured around the call.
    bedrock.server.enqueue(async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return { body };
    });

    const response = await bedrock.provider.converse(ask('What is the status of claim CLM-1042?'));

    const request = bedrock.server.lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe(CLAUDE_PATH);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['accept']).toBe('application/json');
    expect(request.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, /,
    );
    expect(request.json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'What is the status of claim CLM-1042?' }] }],
    });
    expect(response).toEqual({
      output: {
        message: {
          role: 'assistant',
          content: [
            { type: 'text', text: 'The claim CLM-1042 was filed on 3 March and is awaiting an adjuster.' },
          ],
        },
      },
      stopReason: 'end_turn',
      usage: { inputTokens: 42, outputTokens: 19, totalTokens: 61 },
      metrics: { latencyMs: expect.any(Number) },
    });
    expect(response.metrics.latencyMs).toBeGreaterThanOrEqual(35);
    expect(response.metrics.latencyMs).not.toBe(812);
  });

  it('sends system prompt, multi-turn history, inference config, cache points and passthrough fields', async () => {
    bedrock.server.enqueue({ body: await fixture('converse-text.json') });

    await bedrock.provider.converse({
      modelId: CLAUDE,
      system: [
        { type: 'text', text: 'You are a claims assistant.' },
        { type: 'cachePoint' },
        { type: 'text', text: 'Answer in one sentence.' },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello, how can I help?' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Status of CLM-1042?' },
            { type: 'cachePoint', ttl: '1h' },
          ],
        },
      ],
      inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['\n\nHuman:'] },
      additionalModelRequestFields: { top_k: 40 },
      requestMetadata: { tenant: 'insurer-a' },
    });

    expect(bedrock.server.lastRequest().json).toEqual({
      system: [
        { text: 'You are a claims assistant.' },
        { cachePoint: { type: 'default' } },
        { text: 'Answer in one sentence.' },
      ],
      messages: [
        { role: 'user', content: [{ text: 'Hi' }] },
        { role: 'assistant', content: [{ text: 'Hello, how can I help?' }] },
        {
          role: 'user',
          content: [{ text: 'Status of CLM-1042?' }, { cachePoint: { type: 'default', ttl: '1h' } }],
        },
      ],
      inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['\n\nHuman:'] },
      additionalModelRequestFields: { top_k: 40 },
      requestMetadata: { tenant: 'insurer-a' },
    });
  });

  const lookupClaim = {
    type: 'tool' as const,
    name: 'lookup_claim',
    description: 'Looks up a claim by id.',
    inputSchema: { type: 'object', properties: { claimId: { type: 'string' } }, required: ['claimId'] },
  };
  const lookupClaimWire = {
    toolSpec: {
      name: 'lookup_claim',
      description: 'Looks up a claim by id.',
      inputSchema: {
        json: { type: 'object', properties: { claimId: { type: 'string' } }, required: ['claimId'] },
      },
    },
  };

  it.each([
    [{ type: 'auto' } as const, { auto: {} }],
    [{ type: 'any' } as const, { any: {} }],
    [{ type: 'tool', name: 'lookup_claim' } as const, { tool: { name: 'lookup_claim' } }],
  ])('sends tool definitions with tool choice %j', async (toolChoice, wireChoice) => {
    bedrock.server.enqueue({ body: await fixture('converse-text.json') });

    const response = await bedrock.provider.converse(
      ask('Look up CLM-1042', {
        toolConfig: {
          tools: [
            lookupClaim,
            { type: 'cachePoint' },
            { type: 'tool', name: 'now', inputSchema: { type: 'object' } },
          ],
          toolChoice,
        },
      }),
    );

    expect(bedrock.server.lastRequest().json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Look up CLM-1042' }] }],
      toolConfig: {
        tools: [
          lookupClaimWire,
          { cachePoint: { type: 'default' } },
          { toolSpec: { name: 'now', inputSchema: { json: { type: 'object' } } } },
        ],
        toolChoice: wireChoice,
      },
    });
    expect(response.warnings).toBeUndefined();
  });

  it("omits tool choice 'none', which Converse lacks, and warns", async () => {
    bedrock.server.enqueue({ body: await fixture('converse-text.json') });

    const response = await bedrock.provider.converse(
      ask('Just talk', { toolConfig: { tools: [lookupClaim], toolChoice: { type: 'none' } } }),
    );

    expect(bedrock.server.lastRequest().json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Just talk' }] }],
      toolConfig: { tools: [lookupClaimWire] },
    });
    expect(response.warnings).toEqual([
      { setting: 'toolConfig.toolChoice', message: expect.stringContaining('none') },
    ]);
  });

  it('leaves toolConfig out when there are no tools', async () => {
    bedrock.server.enqueue({ body: await fixture('converse-text.json') });
    await bedrock.provider.converse(ask('Hi', { toolConfig: { tools: [] } }));
    expect(bedrock.server.lastRequest().json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
    });
  });

  it('sends a tool call and its results back in the Converse shapes', async () => {
    bedrock.server.enqueue({ body: await fixture('converse-text.json') });

    await bedrock.provider.converse({
      modelId: CLAUDE,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look up CLM-1042 and CLM-9' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: "I'll look them up." },
            { type: 'toolUse', toolUseId: 'tooluse_1', name: 'lookup_claim', input: { claimId: 'CLM-1042' } },
            { type: 'toolUse', toolUseId: 'tooluse_2', name: 'lookup_claim', input: { claimId: 'CLM-9' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 'tooluse_1',
              content: [
                { type: 'json', json: { status: 'open', adjuster: 'R. Diaz' } },
                { type: 'text', text: 'Filed 3 March.' },
              ],
              status: 'success',
            },
            {
              type: 'toolResult',
              toolUseId: 'tooluse_2',
              content: [{ type: 'text', text: 'No such claim.' }],
              status: 'error',
            },
            { type: 'toolResult', toolUseId: 'tooluse_3', content: [{ type: 'text', text: 'ok' }] },
          ],
        },
      ],
    });

    expect(bedrock.server.lastRequest().json).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Look up CLM-1042 and CLM-9' }] },
        {
          role: 'assistant',
          content: [
            { text: "I'll look them up." },
            { toolUse: { toolUseId: 'tooluse_1', name: 'lookup_claim', input: { claimId: 'CLM-1042' } } },
            { toolUse: { toolUseId: 'tooluse_2', name: 'lookup_claim', input: { claimId: 'CLM-9' } } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              toolResult: {
                toolUseId: 'tooluse_1',
                content: [{ json: { status: 'open', adjuster: 'R. Diaz' } }, { text: 'Filed 3 March.' }],
                status: 'success',
              },
            },
            {
              toolResult: { toolUseId: 'tooluse_2', content: [{ text: 'No such claim.' }], status: 'error' },
            },
            { toolResult: { toolUseId: 'tooluse_3', content: [{ text: 'ok' }] } },
          ],
        },
      ],
    });
  });

  it('sends images, documents and reasoning as base64 / keyed unions', async () => {
    bedrock.server.enqueue({ body: await fixture('converse-text.json') });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const pdf = new TextEncoder().encode('%PDF-1.7');

    await bedrock.provider.converse({
      modelId: CLAUDE,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', format: 'png', bytes: png },
            { type: 'document', name: 'policy', format: 'pdf', bytes: pdf },
            { type: 'document', name: 'notes', format: 'md', text: '# Notes\nWater damage.' },
            { type: 'text', text: 'Is this covered?' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Check the exclusions.', signature: 'sig-1' },
            { type: 'reasoning', text: '', redacted: new Uint8Array([1, 2, 3]) },
            { type: 'toolUse', toolUseId: 't1', name: 'photo', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'toolResult',
              toolUseId: 't1',
              content: [
                { type: 'image', format: 'jpeg', bytes: new Uint8Array([0xff, 0xd8, 0xff]) },
                { type: 'document', name: 'report', format: 'txt', text: 'Adjuster report' },
              ],
            },
          ],
        },
      ],
    });

    expect(bedrock.server.lastRequest().json).toEqual({
      messages: [
        {
          role: 'user',
          content: [
            { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } },
            { document: { name: 'policy', format: 'pdf', source: { bytes: 'JVBERi0xLjc=' } } },
            { document: { name: 'notes', format: 'md', source: { text: '# Notes\nWater damage.' } } },
            { text: 'Is this covered?' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'Check the exclusions.', signature: 'sig-1' } } },
            { reasoningContent: { redactedContent: 'AQID' } },
            { toolUse: { toolUseId: 't1', name: 'photo', input: {} } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              toolResult: {
                toolUseId: 't1',
                content: [
                  { image: { format: 'jpeg', source: { bytes: '/9j/' } } },
                  { document: { name: 'report', format: 'txt', source: { text: 'Adjuster report' } } },
                ],
              },
            },
          ],
        },
      ],
    });
  });
});

describe('converse response', () => {
  it('maps a tool call', async () => {
    bedrock.server.enqueue({ body: await fixture('converse-tool-use.json') });

    const response = await bedrock.provider.converse(ask('Look up CLM-1042'));

    expect(response.stopReason).toBe('tool_use');
    expect(response.output.message.content).toEqual([
      { type: 'text', text: "I'll look up that claim." },
      {
        type: 'toolUse',
        toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
        name: 'lookup_claim',
        input: { claimId: 'CLM-1042', fields: ['status', 'adjuster'] },
      },
    ]);
    expect(response.usage).toEqual({ inputTokens: 388, outputTokens: 71, totalTokens: 459 });
  });

  it('maps reasoning (text and redacted) and cache token usage', async () => {
    bedrock.server.enqueue({ body: await fixture('converse-reasoning-cached.json') });

    const response = await bedrock.provider.converse(ask('Is flood covered?'));

    expect(response.output.message.content).toEqual([
      {
        type: 'reasoning',
        text: 'The policy excludes flood damage, so the claim should be declined.',
        signature: 'EqoBCkgIARABGAIiQL3xn2Q1bH0c8tYVdM9t3o7Kz4hEo2Cq0n4v1eA=',
      },
      { type: 'reasoning', text: '', redacted: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
      { type: 'text', text: 'The claim falls under the flood exclusion.' },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 12,
      outputTokens: 88,
      totalTokens: 1380,
      cacheReadInputTokens: 1024,
      cacheWriteInputTokens: 256,
    });
  });

  it('computes a missing totalTokens including cached tokens', async () => {
    const body = await fixture('converse-text.json');
    bedrock.server.enqueue({
      body: {
        ...body,
        usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 100, cacheWriteInputTokens: 20 },
      },
    });
    const response = await bedrock.provider.converse(ask('Hi'));
    expect(response.usage).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 135,
      cacheReadInputTokens: 100,
      cacheWriteInputTokens: 20,
    });
  });

  it.each(STOP_REASONS)('passes stop reason %s through', async (stopReason) => {
    bedrock.server.enqueue({ body: { ...(await fixture('converse-text.json')), stopReason } });
    const response = await bedrock.provider.converse(ask('Hi'));
    expect(response.stopReason).toBe(stopReason);
    expect(response.warnings).toBeUndefined();
  });

  it('reports a stop reason it does not know as end_turn with a warning', async () => {
    bedrock.server.enqueue({
      body: { ...(await fixture('converse-text.json')), stopReason: 'brand_new_reason' },
    });
    const response = await bedrock.provider.converse(ask('Hi'));
    expect(response.stopReason).toBe('end_turn');
    expect(response.warnings).toEqual([
      { setting: 'stopReason', message: expect.stringContaining('brand_new_reason') },
    ]);
  });

  it('drops output blocks the canonical model cannot hold, with a warning', async () => {
    const body = await fixture('converse-text.json');
    bedrock.server.enqueue({
      body: {
        ...body,
        output: {
          message: {
            role: 'assistant',
            content: [{ citationsContent: { content: [{ text: 'x' }], citations: [] } }, { text: 'Answer.' }],
          },
        },
      },
    });

    const response = await bedrock.provider.converse(ask('Hi'));

    expect(response.output.message.content).toEqual([{ type: 'text', text: 'Answer.' }]);
    expect(response.warnings).toEqual([
      { setting: 'output.message.content', message: expect.stringContaining('citationsContent') },
    ]);
  });

  it('turns a body that is not JSON into MODEL_UPSTREAM_BAD_RESPONSE', async () => {
    bedrock.server.enqueue({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"output": {"mess',
    });
    const error = await bedrock.provider.converse(ask('Hi')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakegateError);
    expect(error).toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });

  it('turns a JSON body of the wrong shape into MODEL_UPSTREAM_BAD_RESPONSE', async () => {
    bedrock.server.enqueue({ body: { stopReason: 'end_turn', usage: { inputTokens: 1 } } });
    await expect(bedrock.provider.converse(ask('Hi'))).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_BAD_RESPONSE',
    });
  });
});
