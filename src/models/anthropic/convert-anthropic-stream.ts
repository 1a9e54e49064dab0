// Anthropic's SSE events -> canonical stream events. Anthropic numbers its content blocks itself and may
// send blocks we skip (server tools and their results); canonical indexes count only the blocks we emit.

import type { ContentBlockStart, StopReason, StreamEvent, Warning } from '../../core/index.js';
import { LakegateError, safeParseJson } from '../../core/index.js';
import { parseSse, streamReadError } from '../http/index.js';
import { anthropicStreamError } from './anthropic-error.js';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-schemas.js';
import { anthropicStreamEventSchema } from './anthropic-schemas.js';
import { mergeUsage, toCanonicalUsage } from './anthropic-usage.js';
import { parseAnthropicBlock } from './convert-from-anthropic-response.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

const EVENT_TYPES: ReadonlySet<string> = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
]);

function badEvent(provider: string, message: string, details: Record<string, unknown> = {}): LakegateError {
  return new LakegateError('MODEL_UPSTREAM_BAD_RESPONSE', `${provider} sent ${message}`, {
    details: { provider, ...details },
  });
}

function parseEvent(provider: string, data: string): AnthropicStreamEvent | undefined {
  const json = safeParseJson(data);
  if (!json.ok) throw badEvent(provider, 'a stream event that is not JSON.', { parseError: json.error });
  const type = (json.value as { type?: unknown } | null)?.type;
  // New event types may appear at any time; Anthropic asks clients to ignore the ones they do not know.
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) return undefined;
  const parsed = anthropicStreamEventSchema.safeParse(json.value);
  if (!parsed.success) {
    throw badEvent(provider, `a malformed ${type} event.`, {
      issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return parsed.data;
}

/** Translates one Anthropic stream; `startedAt` is when the call began (performance.now()). */
export async function* convertAnthropicStream(
  provider: string,
  body: AsyncIterable<Uint8Array>,
  startedAt: number,
  warnings: Warning[] = [],
): AsyncGenerator<StreamEvent> {
  // Anthropic index -> canonical index, or null for a block we skip.
  const blocks = new Map<number, number | null>();
  const open = new Set<number>();
  let nextIndex = 0;
  let started = false;
  let finished = false;
  let usage: AnthropicUsage = {};
  let stopReason: StopReason = 'end_turn';

  const canonicalIndex = (index: number): number | null => {
    const mapped = blocks.get(index);
    if (mapped === undefined)
      throw badEvent(provider, `an event for content block ${index}, which never started.`);
    return mapped;
  };

  function* startBlock(index: number, raw: { type: string }): Generator<StreamEvent> {
    const block = parseAnthropicBlock(provider, raw);
    if (!block) {
      blocks.set(index, null);
      return;
    }
    const at = nextIndex++;
    blocks.set(index, at);
    open.add(at);
    let start: ContentBlockStart;
    if (block.type === 'tool_use') start = { type: 'toolUse', toolUseId: block.id, name: block.name };
    else if (block.type === 'text') start = { type: 'text' };
    else start = { type: 'reasoning' };
    yield { type: 'contentBlockStart', index: at, start };
    // Start blocks are normally empty and filled by deltas, but carry any content they do have.
    if (block.type === 'text' && block.text) yield { type: 'textDelta', index: at, text: block.text };
    if (block.type === 'thinking' && block.thinking)
      yield { type: 'reasoningDelta', index: at, text: block.thinking };
    if (block.type === 'thinking' && block.signature)
      yield { type: 'reasoningDelta', index: at, signature: block.signature };
    if (block.type === 'redacted_thinking')
      yield {
        type: 'reasoningDelta',
        index: at,
        redacted: new Uint8Array(Buffer.from(block.data, 'base64')),
      };
    if (block.type === 'tool_use' && isNonEmptyObject(block.input))
      yield { type: 'toolUseDelta', index: at, input: JSON.stringify(block.input) };
  }

  function* translate(event: AnthropicStreamEvent): Generator<StreamEvent> {
    if (!started && event.type !== 'ping' && event.type !== 'error') {
      started = true;
      yield { type: 'messageStart', role: 'assistant' };
    }
    switch (event.type) {
      case 'message_start':
        usage = mergeUsage(usage, event.message.usage);
        return;
      case 'content_block_start':
        yield* startBlock(event.index, event.content_block);
        return;
      case 'content_block_delta': {
        const at = canonicalIndex(event.index);
        if (at === null) return;
        const { delta } = event;
        if (delta.type === 'text_delta' && delta.text)
          yield { type: 'textDelta', index: at, text: delta.text };
        else if (delta.type === 'input_json_delta' && delta.partial_json)
          yield { type: 'toolUseDelta', index: at, input: delta.partial_json };
        else if (delta.type === 'thinking_delta' && delta.thinking)
          yield { type: 'reasoningDelta', index: at, text: delta.thinking };
        else if (delta.type === 'signature_delta' && delta.signature)
          yield { type: 'reasoningDelta', index: at, signature: delta.signature };
        return;
      }
      case 'content_block_stop': {
        const at = canonicalIndex(event.index);
        if (at === null || !open.delete(at)) return;
        yield { type: 'contentBlockStop', index: at };
        return;
      }
      case 'message_delta':
        if (event.delta?.stop_reason) stopReason = mapAnthropicStopReason(event.delta.stop_reason);
        usage = mergeUsage(usage, event.usage);
        return;
      case 'message_stop':
        for (const at of [...open].sort((a, b) => a - b)) yield { type: 'contentBlockStop', index: at };
        open.clear();
        finished = true;
        yield { type: 'messageStop', stopReason };
        yield {
          type: 'metadata',
          usage: toCanonicalUsage(usage),
          metrics: { latencyMs: Math.round(performance.now() - startedAt) },
          ...(warnings.length > 0 ? { warnings } : {}),
        };
        return;
      case 'ping':
        return;
      case 'error':
        throw anthropicStreamError(provider, event.error);
    }
  }

  try {
    for await (const sse of parseSse(body)) {
      // Keep reading after message_stop so the connection ends cleanly and goes back to the pool.
      if (finished) continue;
      const event = parseEvent(provider, sse.data);
      if (event) yield* translate(event);
    }
  } catch (error) {
    throw streamReadError(provider, error);
  }
  if (!finished) {
    throw new LakegateError(
      'MODEL_UPSTREAM_BAD_RESPONSE',
      `${provider} ended the stream before message_stop.`,
      {
        details: { provider },
        retryable: true,
      },
    );
  }
}

function isNonEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}
