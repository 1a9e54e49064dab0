// AWS event-stream framing (application/vnd.amazon.eventstream) decoded incrementally: network chunks
// split and join frames arbitrarily, so bytes are buffered until the prelude's total length is there.

import type { EventStreamCodec } from '@smithy/core/event-streams';
import { LakegateError } from '../../core/index.js';
import { streamReadError } from '../http/index.js';

export interface EventStreamFrame {
  /** String-valued headers only (`:message-type`, `:event-type`, ...); Bedrock sends no others. */
  headers: Record<string, string>;
  body: Uint8Array;
}

// Prelude (12) + message CRC (4) is the smallest frame; AWS caps payloads at 16 MiB and headers at 128 KiB.
const MIN_FRAME_BYTES = 16;
const MAX_FRAME_BYTES = 16 * 1024 * 1024 + 128 * 1024 + MIN_FRAME_BYTES;

function badFrame(provider: string, message: string, cause?: unknown): LakegateError {
  return new LakegateError(
    'MODEL_UPSTREAM_BAD_RESPONSE',
    `${provider} sent a broken event stream: ${message}`,
    {
      retryable: true,
      details: { provider },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

/**
 * The AWS SDK's own frame codec, loaded with the first Bedrock stream: a gateway with no Bedrock
 * provider never reads one, and @smithy/core is megabytes of heap (the module system keeps it after).
 */
async function newCodec(): Promise<EventStreamCodec> {
  const [events, serde] = await Promise.all([
    import('@smithy/core/event-streams'),
    import('@smithy/core/serde'),
  ]);
  return new events.EventStreamCodec(serde.toUtf8, serde.fromUtf8);
}

export async function* decodeEventStream(
  body: AsyncIterable<Uint8Array>,
  provider: string,
): AsyncGenerator<EventStreamFrame> {
  const codec = await newCodec();
  let buffer: Uint8Array = new Uint8Array(0);
  try {
    for await (const chunk of body) {
      buffer = concat(buffer, chunk);
      while (buffer.byteLength >= 4) {
        const total = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0);
        if (total < MIN_FRAME_BYTES || total > MAX_FRAME_BYTES)
          throw badFrame(provider, `frame length ${total} is impossible`);
        if (buffer.byteLength < total) break;
        const frame = buffer.subarray(0, total);
        buffer = buffer.subarray(total);
        let decoded: ReturnType<EventStreamCodec['decode']>;
        try {
          decoded = codec.decode(frame);
        } catch (error) {
          throw badFrame(provider, error instanceof Error ? error.message : String(error), error);
        }
        const headers: Record<string, string> = {};
        for (const [name, header] of Object.entries(decoded.headers))
          if (header.type === 'string') headers[name] = header.value;
        yield { headers, body: decoded.body };
      }
    }
  } catch (error) {
    throw streamReadError(provider, error);
  }
  if (buffer.byteLength > 0)
    throw badFrame(provider, `the stream ended inside a frame (${buffer.byteLength} bytes left)`);
}
