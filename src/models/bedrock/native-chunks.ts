// InvokeModelWithResponseStream: the event stream carries `chunk` events whose JSON payload holds the
// model's own bytes in base64. They are handed on as they are: the body is the model's native format,
// which Lakegate does not interpret.

import { z } from 'zod';
import { LakegateError, safeParseJson } from '../../core/index.js';
import { failureOfFrame } from './bedrock-error.js';
import type { EventStreamFrame } from './decode-event-stream.js';

const chunkSchema = z.object({ bytes: z.string() });

export async function* nativeChunks(
  provider: string,
  frames: AsyncIterable<EventStreamFrame>,
): AsyncGenerator<Uint8Array> {
  for await (const frame of frames) {
    const failure = failureOfFrame(provider, frame);
    if (failure) throw failure;
    if (frame.headers[':message-type'] !== 'event' || frame.headers[':event-type'] !== 'chunk') continue;
    const json = safeParseJson(new TextDecoder().decode(frame.body));
    const chunk = json.ok ? chunkSchema.safeParse(json.value) : undefined;
    if (!chunk?.success) {
      throw new LakegateError(
        'MODEL_UPSTREAM_BAD_RESPONSE',
        `${provider} sent a chunk event without bytes.`,
        {
          details: { provider },
        },
      );
    }
    yield new Uint8Array(Buffer.from(chunk.data.bytes, 'base64'));
  }
}
