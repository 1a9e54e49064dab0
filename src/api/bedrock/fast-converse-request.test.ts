// The fast check may only say yes where the zod schema says yes with the same values; everything it
// declines still goes through zod (and its error messages).

import { describe, expect, it } from 'vitest';
import { validationError } from '../../core/index.js';
import { isCommonConverseBody } from './fast-converse-request.js';
import { fromBedrockConverse } from './from-bedrock-converse.js';

const base = {
  system: [{ text: 'Be terse.' }],
  messages: [
    { role: 'user', content: [{ text: 'Hello' }] },
    { role: 'assistant', content: [{ text: 'Hi' }] },
    { role: 'user', content: [{ text: 'Bye' }, { text: 'now' }] },
  ],
  inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
};

function variants(): unknown[] {
  const values: unknown[] = [
    undefined,
    null,
    0,
    1,
    1.5,
    3,
    -1,
    '',
    'x',
    [],
    [{}],
    [{ text: 1 }],
    [{ text: 'a', image: {} }],
    {},
    { maxTokens: 0 },
    { maxTokens: 1.5 },
    { temperature: 3 },
    { topP: 2 },
    { other: 1 },
    { stopSequences: [1] },
    Array.from({ length: 17 }, () => 's'),
  ];
  const out: unknown[] = [];
  for (const key of ['system', 'messages', 'inferenceConfig', 'toolConfig', 'guardrailConfig', 'extra']) {
    for (const value of values) {
      const body: Record<string, unknown> = { ...base };
      if (value === undefined) delete body[key];
      else body[key] = value;
      out.push(body);
    }
  }
  for (const message of [
    null,
    { role: 'system', content: [{ text: 'x' }] },
    { role: 'user' },
    { role: 'user', content: [] },
    { role: 'user', content: [{ text: 'x' }], extra: 1 },
    { role: 'user', content: [{ image: {} }] },
    JSON.parse('{"role":"user","content":[{"__proto__":{"text":"x"}}]}'),
  ]) {
    out.push({ ...base, messages: [message] });
  }
  out.push(null, [], 'body');
  return out;
}

/** What fromBedrockConverse makes of a body, or the error it throws. */
function outcome(body: unknown): unknown {
  try {
    return fromBedrockConverse(body);
  } catch (error) {
    return error instanceof Error ? error.message : error;
  }
}

describe('isCommonConverseBody', () => {
  it('accepts the usual request as it is', () => {
    expect(isCommonConverseBody(base)).toBe(true);
  });

  it.each(variants().map((body) => [JSON.stringify(body)?.slice(0, 120), body]))(
    'gives what the schema path gives: %s',
    (_label, body) => {
      const fast = outcome(body);
      // The same body with a key zod drops and the fast check refuses: forces the schema path.
      const slow = outcome(
        body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, zzz: 1 } : body,
      );
      expect(fast).toEqual(slow);
    },
  );

  it('is a real validation error path for what it declines', () => {
    expect(() => fromBedrockConverse({ messages: [] })).toThrow(validationError('x').constructor);
  });
});
