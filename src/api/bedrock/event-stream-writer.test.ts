// The frames are written by hand; Smithy's codec (what the AWS SDK reads them with) must read them back.

import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { describe, expect, it } from 'vitest';
import { eventFrame, exceptionFrame } from './event-stream-writer.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function smithyFrame(headers: Record<string, string>, payload: unknown): Uint8Array {
  const tagged: Record<string, { type: 'string'; value: string }> = {};
  for (const [name, value] of Object.entries(headers)) tagged[name] = { type: 'string', value };
  return codec.encode({ headers: tagged, body: new TextEncoder().encode(JSON.stringify(payload)) });
}

describe('event stream frames', () => {
  const payloads: unknown[] = [
    { role: 'assistant' },
    { contentBlockIndex: 0, delta: { text: 'Grüße, 12,400 € — 日本語 🙂' } },
    { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }, metrics: { latencyMs: 7 } },
    {},
  ];

  it.each(payloads)('writes the bytes Smithy writes, and Smithy reads them back: %j', (payload) => {
    const frame = eventFrame('contentBlockDelta', payload);
    expect(Buffer.from(frame)).toEqual(
      Buffer.from(
        smithyFrame(
          {
            ':event-type': 'contentBlockDelta',
            ':content-type': 'application/json',
            ':message-type': 'event',
          },
          payload,
        ),
      ),
    );
    const decoded = codec.decode(frame);
    expect(decoded.headers[':event-type']?.value).toBe('contentBlockDelta');
    expect(JSON.parse(toUtf8(decoded.body))).toEqual(payload);
  });

  it('writes modeled exceptions the same way', () => {
    const frame = exceptionFrame('throttlingException', 'Slow down: €');
    expect(Buffer.from(frame)).toEqual(
      Buffer.from(
        smithyFrame(
          {
            ':exception-type': 'throttlingException',
            ':content-type': 'application/json',
            ':message-type': 'exception',
          },
          { message: 'Slow down: €' },
        ),
      ),
    );
  });

  it('refuses a header value longer than the format allows', () => {
    expect(() => eventFrame('x'.repeat(40_000), {})).toThrow(/exceeds/);
  });
});
