// The fast checks may only say yes where the zod schemas accept the value and read the same fields;
// whatever they decline goes through the schemas, as before.

import { describe, expect, it } from 'vitest';
import { isCommonChatCompletion, isCommonChatCompletionChunk } from './fast-openai-shapes.js';
import { chatCompletionChunkSchema, chatCompletionSchema } from './openai-schemas.js';

const usage = {
  prompt_tokens: 96,
  completion_tokens: 38,
  total_tokens: 134,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
};
const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'm',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'Hi',
        refusal: null,
        reasoning_content: 'hmm',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage,
};
const chunk = {
  id: 'chatcmpl-1',
  choices: [
    {
      index: 0,
      delta: { content: 'Hi', tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{' } }] },
      finish_reason: null,
    },
  ],
  usage: null,
  x_groq: { usage },
};

const odd: unknown[] = [undefined, null, 0, Number.POSITIVE_INFINITY, 'x', true, [], {}, [{}], { a: 1 }];

/** Every value at every path of `value`, each replaced by each odd value (or removed). */
function mutations(value: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, set: (replacement: unknown) => unknown) => {
    for (const replacement of odd) out.push(set(replacement));
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      walk(child, (replacement) => {
        const copy = Array.isArray(node) ? [...node] : { ...(node as object) };
        if (replacement === undefined && !Array.isArray(copy)) delete (copy as Record<string, unknown>)[key];
        else (copy as Record<string, unknown>)[key] = replacement;
        return set(copy);
      });
    }
  };
  walk(value, (replacement) => replacement);
  return out;
}

/** The fields the adapter reads, as the schema would hand them over. */
function readFields(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe.each([
  ['completion', completion, isCommonChatCompletion, chatCompletionSchema],
  ['chunk', chunk, isCommonChatCompletionChunk, chatCompletionChunkSchema],
] as const)('fast %s check', (_name, sample, isCommon, schema) => {
  it('accepts the usual shape', () => {
    expect(isCommon(sample)).toBe(true);
  });

  it('never accepts what the schema refuses, nor reads other values than the schema gives', () => {
    let accepted = 0;
    for (const value of mutations(sample)) {
      if (!isCommon(value)) continue;
      accepted++;
      const parsed = schema.safeParse(value);
      expect(parsed.success, JSON.stringify(value)).toBe(true);
      // Zod drops unknown keys; every key it keeps has the same value in the original.
      expect(readFields(value)).toMatchObject(readFields(parsed.data) as object);
    }
    expect(accepted).toBeGreaterThan(10);
  });
});
