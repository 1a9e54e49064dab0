import { describe, expect, it } from 'vitest';
import { bedrockErrorAnswer, scriptedBedrock } from './test-support.js';

const bedrock = scriptedBedrock();

describe('countTokens', () => {
  it('posts the conversation to /count-tokens wrapped in input.converse', async () => {
    bedrock.server.enqueue({ body: { inputTokens: 123 } });

    const response = await bedrock.provider.countTokens!({
      modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
      system: [{ type: 'text', text: 'You are a claims assistant.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Status of CLM-1042?' }] }],
      toolConfig: {
        tools: [{ type: 'tool', name: 'lookup_claim', inputSchema: { type: 'object' } }],
        toolChoice: { type: 'auto' },
      },
      inferenceConfig: { maxTokens: 100 },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
    });

    const request = bedrock.server.lastRequest();
    expect(request.url).toBe('/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/count-tokens');
    expect(request.json).toEqual({
      input: {
        converse: {
          system: [{ text: 'You are a claims assistant.' }],
          messages: [{ role: 'user', content: [{ text: 'Status of CLM-1042?' }] }],
          toolConfig: {
            tools: [{ toolSpec: { name: 'lookup_claim', inputSchema: { json: { type: 'object' } } } }],
            toolChoice: { auto: {} },
          },
          additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } },
        },
      },
    });
    expect(response).toEqual({ inputTokens: 123 });
  });

  it('rejects a response without inputTokens as a bad response', async () => {
    bedrock.server.enqueue({ body: { tokens: 5 } });
    await expect(
      bedrock.provider.countTokens!({
        modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
      }),
    ).rejects.toMatchObject({ code: 'MODEL_UPSTREAM_BAD_RESPONSE' });
  });
});

describe('invokeNative', () => {
  it('passes the native body, content type and accept through, and the answer back', async () => {
    const native = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const answer = JSON.stringify({
      id: 'msg_bdrk_01',
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 8, output_tokens: 4 },
    });
    bedrock.server.enqueue({ headers: { 'content-type': 'application/json' }, body: answer });

    const response = await bedrock.provider.invokeNative!({
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      body: new TextEncoder().encode(native),
      contentType: 'application/json',
      accept: '*/*',
    });

    const request = bedrock.server.lastRequest();
    expect(request.url).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['accept']).toBe('*/*');
    expect(request.body.toString('utf8')).toBe(native);
    expect(new TextDecoder().decode(response.body)).toBe(answer);
    expect(response.contentType).toBe('application/json');
  });

  it('maps a rejected native body like any other Bedrock error', async () => {
    bedrock.server.enqueue(
      bedrockErrorAnswer(
        400,
        'ValidationException',
        'Malformed input request: #: required key [messages] not found',
      ),
    );
    await expect(
      bedrock.provider.invokeNative!({
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        body: new TextEncoder().encode('{}'),
        contentType: 'application/json',
      }),
    ).rejects.toMatchObject({
      code: 'MODEL_UPSTREAM_REJECTED',
      details: { errorType: 'ValidationException' },
    });
  });
});
