// Replays a finished answer as the canonical stream: one text block, delivered a few words at a time.

import type { ConverseResponse, StreamEvent } from '../../core/index.js';
import { LakegateError } from '../../core/index.js';

const WORDS_PER_DELTA = 4;

/** Cuts text into deltas of a few words each; the deltas concatenate to exactly the text. */
export function deltaChunks(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  let words = 0;
  for (const word of text.matchAll(/\S+/g)) {
    words++;
    if (words % WORDS_PER_DELTA !== 0) continue;
    const end = word.index + word[0].length;
    chunks.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LakegateError('REQUEST_CANCELLED', 'The request was cancelled.');
}

/** @param startedAt `performance.now()` when the call began, so latency covers the whole stream */
export async function* answerStream(
  response: ConverseResponse,
  startedAt: number,
  signal?: AbortSignal,
): AsyncGenerator<StreamEvent> {
  yield { type: 'messageStart', role: 'assistant' };
  yield { type: 'contentBlockStart', index: 0, start: { type: 'text' } };
  const block = response.output.message.content[0];
  const text = block?.type === 'text' ? block.text : '';
  for (const chunk of deltaChunks(text)) {
    throwIfAborted(signal);
    yield { type: 'textDelta', index: 0, text: chunk };
  }
  yield { type: 'contentBlockStop', index: 0 };
  yield { type: 'messageStop', stopReason: response.stopReason };
  yield {
    type: 'metadata',
    usage: response.usage,
    metrics: { latencyMs: Math.max(0, Math.round(performance.now() - startedAt)) },
    ...(response.warnings !== undefined ? { warnings: response.warnings } : {}),
  };
}
