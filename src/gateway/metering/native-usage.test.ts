import { describe, expect, it } from 'vitest';
import { usageOfNativeBody, usageOfNativeJson } from './native-usage.js';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('usage of native bodies', () => {
  it('reads Anthropic Messages usage, cache reads and writes included', () => {
    const body = bytes({
      type: 'message',
      usage: {
        input_tokens: 12,
        output_tokens: 30,
        cache_read_input_tokens: 900,
        cache_creation_input_tokens: 40,
      },
    });
    expect(usageOfNativeBody(body, 'application/json')).toEqual({
      inputTokens: 12,
      outputTokens: 30,
      totalTokens: 982,
      cacheReadInputTokens: 900,
      cacheWriteInputTokens: 40,
    });
  });

  it('reads Nova, OpenAI-style (cached tokens taken out of the prompt), Llama and Titan bodies', () => {
    expect(usageOfNativeJson({ usage: { inputTokens: 5, outputTokens: 7 } })).toMatchObject({
      inputTokens: 5,
      outputTokens: 7,
    });
    expect(
      usageOfNativeJson({
        usage: { prompt_tokens: 100, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 60 } },
      }),
    ).toMatchObject({ inputTokens: 40, cacheReadInputTokens: 60, outputTokens: 3 });
    expect(
      usageOfNativeJson({ generation: 'x', prompt_token_count: 9, generation_token_count: 2 }),
    ).toMatchObject({
      inputTokens: 9,
      outputTokens: 2,
    });
    expect(usageOfNativeJson({ inputTextTokenCount: 4, results: [{ tokenCount: 6 }] })).toMatchObject({
      inputTokens: 4,
      outputTokens: 6,
    });
  });

  it('reads the invocation metrics Bedrock appends to the last chunk of a stream', () => {
    const last = {
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': { inputTokenCount: 21, outputTokenCount: 8 },
    };
    expect(usageOfNativeBody(bytes(last), 'application/json')).toMatchObject({
      inputTokens: 21,
      outputTokens: 8,
    });
  });

  it('yields nothing for bodies that are not JSON, not usage, or malformed', () => {
    expect(usageOfNativeBody(bytes({ usage: { input_tokens: 1 } }), 'audio/mpeg')).toBeUndefined();
    expect(usageOfNativeBody(new TextEncoder().encode('{"usage":'), 'application/json')).toBeUndefined();
    expect(usageOfNativeJson({ content: [] })).toBeUndefined();
    expect(usageOfNativeJson([1, 2])).toBeUndefined();
  });
});
