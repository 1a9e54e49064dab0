import { describe, expect, it } from 'vitest';
import { formatModelRef, parseModelRef, requireModelRef } from './model-ref.js';

describe('parseModelRef', () => {
  it('splits provider/model at the first slash', () => {
    expect(parseModelRef('anthropic/claude-sonnet-4-5')).toEqual({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    });
  });

  it('keeps the slashes of Hugging Face ids and the colons of Bedrock ids in the model', () => {
    expect(parseModelRef('vllm/meta-llama/Llama-3.1-8B-Instruct')).toEqual({
      provider: 'vllm',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
    });
    expect(parseModelRef('bedrock/anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual({
      provider: 'bedrock',
      model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    });
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku';
    expect(parseModelRef(`bedrock/${arn}`)).toEqual({ provider: 'bedrock', model: arn });
  });

  it('is undefined without a provider, without a model, or without a slash', () => {
    for (const id of ['gpt-4o', '/gpt-4o', 'openai/', '/', '']) expect(parseModelRef(id)).toBeUndefined();
  });

  it('round-trips with formatModelRef', () => {
    for (const id of ['local/extractive', 'vllm/Qwen/Qwen2.5-7B-Instruct', 'ollama/llama3.2:3b']) {
      expect(formatModelRef(parseModelRef(id)!)).toBe(id);
    }
  });
});

describe('requireModelRef', () => {
  it('returns the ref, or throws VALIDATION_FAILED naming the bad id', () => {
    expect(requireModelRef('openai/gpt-4.1')).toEqual({ provider: 'openai', model: 'gpt-4.1' });
    expect(() => requireModelRef('gpt-4.1')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('"gpt-4.1"') }),
    );
  });
});
