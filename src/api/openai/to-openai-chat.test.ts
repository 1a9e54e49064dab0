import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../core/index.js';
import { ChunkEncoder } from './to-openai-chat.js';

const events: StreamEvent[] = [
  { type: 'messageStart', role: 'assistant' },
  { type: 'contentBlockStart', index: 0, start: { type: 'text' } },
  { type: 'textDelta', index: 0, text: 'The adjuster estimated ' },
  { type: 'textDelta', index: 0, text: 'quotes " and \\ and \n newlines, Grüße 🙂 \u2028' },
  { type: 'textDelta', index: 0, text: '' },
  { type: 'contentBlockStop', index: 0 },
  { type: 'contentBlockStart', index: 1, start: { type: 'toolUse', toolUseId: 't1', name: 'lookup' } },
  { type: 'toolUseDelta', index: 1, input: '{"a":' },
  { type: 'reasoningDelta', index: 2, text: 'hmm' },
  { type: 'messageStop', stopReason: 'tool_use' },
  { type: 'metadata', usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, metrics: { latencyMs: 5 } },
];

describe('ChunkEncoder.encodeJson', () => {
  it('writes exactly what JSON.stringify of the chunk object writes', () => {
    const identity = { id: 'chatcmpl-"x"', created: 1_760_000_000, model: 'up/model "β"' };
    const fast = new ChunkEncoder(identity, true);
    const slow = new ChunkEncoder(identity, true);
    for (const event of events) {
      const chunk = slow.encode(event);
      expect(fast.encodeJson(event)).toBe(chunk ? JSON.stringify(chunk) : undefined);
    }
  });
});
