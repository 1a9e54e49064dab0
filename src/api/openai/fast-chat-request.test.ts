// The fast check may only say yes where the zod schema says yes with the same values; everything it
// declines still goes through zod, so it can never change what is accepted or the error a client sees.

import { describe, expect, it } from 'vitest';
import { isCommonChatRequest } from './fast-chat-request.js';
import { chatRequestSchema } from './from-openai-chat.js';

const base = {
  model: 'upstream/bench-model',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hello', name: 'ana' },
    { role: 'assistant', content: null, reasoning_content: 'thinking' },
    { role: 'tool', content: 'result', tool_call_id: 'call_1' },
    { role: 'developer', content: 'Be kind.' },
  ],
  max_tokens: 256,
  max_completion_tokens: null,
  temperature: 0.2,
  top_p: 1,
  stop: ['\n\n'],
  n: 1,
  stream: true,
  stream_options: { include_usage: true },
  user: 'someone',
};

/** Variants of `base` with one field replaced (or removed, for `undefined`). */
function variants(): unknown[] {
  const values: unknown[] = [
    undefined,
    null,
    0,
    1,
    -1,
    1.5,
    2,
    3,
    257,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    'x',
    true,
    false,
    [],
    ['a'],
    Array.from({ length: 17 }, () => 's'),
    {},
    { include_usage: 'yes' },
    { include_usage: false, other: 1 },
  ];
  const out: unknown[] = [];
  for (const key of [...Object.keys(base), 'tools', 'tool_choice', 'extra']) {
    for (const value of values) {
      const body: Record<string, unknown> = { ...base };
      if (value === undefined) delete body[key];
      else body[key] = value;
      out.push(body);
    }
  }
  const messageValues: unknown[] = [
    null,
    'text',
    [],
    { role: 'user' },
    { role: 'user', content: 5 },
    { role: 'user', content: [{ type: 'text', text: 'x' }] },
    { role: 'assistant' },
    { role: 'assistant', content: 'x', tool_calls: [] },
    { role: 'tool', content: 'x' },
    { role: 'wizard', content: 'x' },
    { role: 'constructor', content: 'x' },
    { role: 'user', content: 'x', extra: 1 },
    { role: 'user', content: 'x', name: null },
    { role: 'assistant', content: 'x', reasoning_content: 3 },
    JSON.parse('{"role":"user","content":"x","__proto__":{"a":1}}'),
  ];
  for (const message of messageValues) out.push({ ...base, messages: [message] });
  out.push(JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"x":1}}'));
  out.push(null, [], 'body', 42);
  return out;
}

describe('isCommonChatRequest', () => {
  it('accepts the usual request as it is', () => {
    expect(isCommonChatRequest(base)).toBe(true);
    expect(isCommonChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).toBe(true);
  });

  it.each(variants().map((body) => [JSON.stringify(body)?.slice(0, 120), body]))(
    'agrees with the schema: %s',
    (_label, body) => {
      if (!isCommonChatRequest(body)) return;
      const parsed = chatRequestSchema.safeParse(body);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(body);
    },
  );

  it('declines what zod must word the error for, and tools', () => {
    for (const body of [
      { ...base, model: '' },
      { ...base, messages: [] },
      { ...base, temperature: 2.5 },
      { ...base, max_tokens: 0 },
      { ...base, stop: Array.from({ length: 17 }, () => 's') },
      { ...base, tools: [] },
      { ...base, messages: [{ role: 'wizard', content: 'x' }] },
    ]) {
      expect(isCommonChatRequest(body)).toBe(false);
    }
  });
});
