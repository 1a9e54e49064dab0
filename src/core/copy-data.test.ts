import { describe, expect, it } from 'vitest';
import { copyData } from './copy-data.js';

describe('copyData', () => {
  it('copies nested objects, arrays and bytes so that changing the copy leaves the original alone', () => {
    const original = {
      output: {
        message: {
          role: 'assistant',
          content: [{ text: 'hi' }, { image: { bytes: new Uint8Array([1, 2]) } }],
        },
      },
      usage: { inputTokens: 1, outputTokens: 2 },
      stopReason: 'end_turn',
      nothing: null,
      absent: undefined,
    };
    const copy = copyData(original);
    expect(copy).toEqual(original);
    copy.output.message.content[0] = { text: 'changed' };
    (copy.output.message.content[1] as { image: { bytes: Uint8Array } }).image.bytes[0] = 9;
    copy.usage.inputTokens = 99;
    expect(original.output.message.content[0]).toEqual({ text: 'hi' });
    expect((original.output.message.content[1] as { image: { bytes: Uint8Array } }).image.bytes[0]).toBe(1);
    expect(original.usage.inputTokens).toBe(1);
    expect('absent' in copy).toBe(true);
  });

  it('copies what is not plain data as structuredClone does', () => {
    const when = new Date(0);
    const copy = copyData({ when, tags: new Set(['a']) });
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(0);
    expect([...copy.tags]).toEqual(['a']);
  });
});
