// streamGenerateContent?alt=sse: each SSE `data` is a whole GenerateContentResponse chunk. The last
// chunk carries finishReason; usageMetadata grows with every chunk, so the last one seen counts.

import {
  LakegateError,
  type StopReason,
  type StreamEvent,
  safeParseJson,
  type Warning,
} from '../../core/index.js';
import { parseSse, streamReadError } from '../http/index.js';
import { geminiStreamError } from './gemini-error.js';
import { GeminiPartReader } from './gemini-parts-to-events.js';
import { type GeminiUsage, generateContentResponseSchema } from './gemini-response-schema.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';

export async function* geminiStreamEvents(
  provider: string,
  body: AsyncIterable<Uint8Array>,
  startedAt: number,
  warnings: Warning[] = [],
): AsyncGenerator<StreamEvent> {
  const reader = new GeminiPartReader();
  let finishReason: string | undefined;
  let blocked = false;
  let usage: GeminiUsage | undefined;

  yield { type: 'messageStart', role: 'assistant' };
  for await (const data of sseData(provider, body)) {
    const chunk = parseChunk(provider, data);
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
    if (chunk.promptFeedback?.blockReason) blocked = true;
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) yield* reader.read(part);
    if (candidate?.finishReason) finishReason = candidate.finishReason;
  }
  yield* reader.finish();

  let stopReason: StopReason;
  if (finishReason !== undefined) stopReason = mapGeminiFinishReason(finishReason, reader.sawToolCall);
  else if (blocked) stopReason = 'content_filtered';
  else {
    // The connection closed cleanly, but Gemini always ends a whole answer with a finishReason.
    throw new LakegateError(
      'MODEL_UPSTREAM_BAD_RESPONSE',
      `${provider} ended the stream before it finished.`,
      {
        details: { provider },
        retryable: true,
      },
    );
  }
  yield { type: 'messageStop', stopReason };
  yield {
    type: 'metadata',
    usage: mapGeminiUsage(usage),
    metrics: { latencyMs: Math.round(performance.now() - startedAt) },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

async function* sseData(provider: string, body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  try {
    for await (const event of parseSse(body)) yield event.data;
  } catch (error) {
    throw streamReadError(provider, error);
  }
}

function parseChunk(provider: string, data: string) {
  const json = safeParseJson(data);
  if (!json.ok) {
    throw new LakegateError(
      'MODEL_UPSTREAM_BAD_RESPONSE',
      `${provider} streamed an event that is not JSON.`,
      {
        details: { provider, parseError: json.error },
        retryable: true,
      },
    );
  }
  const streamError = geminiStreamError(provider, json.value, data);
  if (streamError) throw streamError;
  const chunk = generateContentResponseSchema.safeParse(json.value);
  if (!chunk.success) {
    throw new LakegateError(
      'MODEL_UPSTREAM_BAD_RESPONSE',
      `${provider} streamed an event of unexpected shape.`,
      {
        details: {
          provider,
          issues: chunk.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
        },
      },
    );
  }
  return chunk.data;
}
