// ConverseStream frames as canonical stream events. Bedrock sends contentBlockStart only for tool calls
// (text and reasoning blocks begin with their first delta), so starts are synthesised, and block indexes
// are renumbered so blocks the canonical model cannot carry leave no gaps.

import { z } from 'zod';
import {
  emptyUsage,
  LakegateError,
  type StreamEvent,
  safeParseJson,
  type Usage,
  type Warning,
} from '../../core/index.js';
import { failureOfFrame } from './bedrock-error.js';
import type { EventStreamFrame } from './decode-event-stream.js';
import { fromBase64, toStopReason, toUsage, usageSchema } from './from-bedrock-converse.js';

const indexed = { contentBlockIndex: z.number().int().nonnegative() };

const eventSchemas = {
  messageStart: z.object({ role: z.string().nullish() }),
  contentBlockStart: z.object({
    ...indexed,
    start: z
      .looseObject({ toolUse: z.object({ toolUseId: z.string(), name: z.string() }).nullish() })
      .nullish(),
  }),
  contentBlockDelta: z.object({
    ...indexed,
    delta: z.looseObject({
      text: z.string().nullish(),
      toolUse: z.object({ input: z.string() }).nullish(),
      reasoningContent: z
        .object({
          text: z.string().nullish(),
          signature: z.string().nullish(),
          redactedContent: z.string().nullish(),
        })
        .nullish(),
    }),
  }),
  contentBlockStop: z.object(indexed),
  messageStop: z.object({ stopReason: z.string() }),
  metadata: z.object({ usage: usageSchema.nullish() }),
} as const;

type EventType = keyof typeof eventSchemas;

function badEvent(provider: string, message: string): LakegateError {
  return new LakegateError(
    'MODEL_UPSTREAM_BAD_RESPONSE',
    `${provider} sent an unexpected stream event: ${message}`,
    {
      details: { provider },
    },
  );
}

function parseEvent<T extends EventType>(
  provider: string,
  type: T,
  body: Uint8Array,
): z.infer<(typeof eventSchemas)[T]> {
  const json = safeParseJson(new TextDecoder().decode(body));
  if (!json.ok) throw badEvent(provider, `${type} payload is not JSON`);
  const result = eventSchemas[type].safeParse(json.value);
  if (!result.success) throw badEvent(provider, `${type}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data as z.infer<(typeof eventSchemas)[T]>;
}

export interface StreamContext {
  provider: string;
  /** performance.now() when the call began: the reported latency is our own, up to the last event. */
  startedAt: number;
  /** Warnings from translating the request; the stream reports them on its metadata event. */
  warnings: Warning[];
}

export async function* toStreamEvents(
  frames: AsyncIterable<EventStreamFrame>,
  { provider, startedAt, warnings: requestWarnings }: StreamContext,
): AsyncGenerator<StreamEvent> {
  /** Bedrock block index -> ours, for blocks that have started. */
  const open = new Map<number, number>();
  /** Bedrock blocks announced without a kind we know yet (a start with neither toolUse nor a delta). */
  const announced = new Set<number>();
  /** Bedrock blocks the canonical model cannot carry (e.g. server-side tool results). */
  const skipped = new Set<number>();
  let nextIndex = 0;
  let started = false;
  let stopped = false;
  let usage: Usage | undefined;
  const warnings = [...requestWarnings];

  const begin = function* (): Generator<StreamEvent> {
    if (started) return;
    started = true;
    yield { type: 'messageStart', role: 'assistant' };
  };
  const openBlock = function* (
    bedrockIndex: number,
    start: Extract<StreamEvent, { type: 'contentBlockStart' }>['start'],
  ): Generator<StreamEvent, number> {
    const index = nextIndex++;
    open.set(bedrockIndex, index);
    announced.delete(bedrockIndex);
    yield { type: 'contentBlockStart', index, start };
    return index;
  };
  const metadata = (): StreamEvent => ({
    type: 'metadata',
    usage: usage ?? emptyUsage(),
    metrics: { latencyMs: Math.round(performance.now() - startedAt) },
    ...(warnings.length > 0 ? { warnings } : {}),
  });
  const closeAll = function* (): Generator<StreamEvent> {
    for (const index of [...open.values()].sort((a, b) => a - b)) yield { type: 'contentBlockStop', index };
    open.clear();
  };

  for await (const frame of frames) {
    const failure = failureOfFrame(provider, frame);
    if (failure) throw failure;
    const messageType = frame.headers[':message-type'];
    const eventType = frame.headers[':event-type'];
    if (messageType !== 'event' || eventType === undefined || !Object.hasOwn(eventSchemas, eventType))
      continue;
    if (stopped && eventType !== 'metadata') throw badEvent(provider, `${eventType} after messageStop`);

    switch (eventType as EventType) {
      case 'messageStart':
        parseEvent(provider, 'messageStart', frame.body);
        yield* begin();
        break;
      case 'contentBlockStart': {
        const { contentBlockIndex: at, start } = parseEvent(provider, 'contentBlockStart', frame.body);
        yield* begin();
        if (open.has(at)) break;
        if (start?.toolUse) {
          yield* openBlock(at, {
            type: 'toolUse',
            toolUseId: start.toolUse.toolUseId,
            name: start.toolUse.name,
          });
        } else if (start && Object.keys(start).some((key) => start[key] != null)) {
          skipped.add(at);
          warnings.push({
            setting: 'output.message.content',
            message: `Dropped a streamed Bedrock block of kind ${Object.keys(start).join(', ')}: the canonical model has no place for it.`,
          });
        } else announced.add(at);
        break;
      }
      case 'contentBlockDelta': {
        const { contentBlockIndex: at, delta } = parseEvent(provider, 'contentBlockDelta', frame.body);
        if (skipped.has(at)) break;
        yield* begin();
        let index = open.get(at);
        if (delta.text != null) {
          index ??= yield* openBlock(at, { type: 'text' });
          yield { type: 'textDelta', index, text: delta.text };
        } else if (delta.toolUse) {
          if (index === undefined) throw badEvent(provider, `tool input for block ${at} that never started`);
          yield { type: 'toolUseDelta', index, input: delta.toolUse.input };
        } else if (delta.reasoningContent) {
          const { text, signature, redactedContent } = delta.reasoningContent;
          index ??= yield* openBlock(at, { type: 'reasoning' });
          yield {
            type: 'reasoningDelta',
            index,
            ...(text != null ? { text } : {}),
            ...(signature != null ? { signature } : {}),
            ...(redactedContent != null ? { redacted: fromBase64(redactedContent) } : {}),
          };
        }
        break;
      }
      case 'contentBlockStop': {
        const { contentBlockIndex: at } = parseEvent(provider, 'contentBlockStop', frame.body);
        // A block announced and stopped without a delta is an empty text block.
        if (announced.has(at)) yield* openBlock(at, { type: 'text' });
        const index = open.get(at);
        if (index === undefined) break;
        open.delete(at);
        yield { type: 'contentBlockStop', index };
        break;
      }
      case 'messageStop': {
        const { stopReason } = parseEvent(provider, 'messageStop', frame.body);
        yield* begin();
        yield* closeAll();
        stopped = true;
        const mapped = toStopReason(stopReason);
        if (mapped.warning) warnings.push(mapped.warning);
        yield { type: 'messageStop', stopReason: mapped.stopReason };
        break;
      }
      case 'metadata': {
        usage = toUsage(parseEvent(provider, 'metadata', frame.body).usage);
        // Bedrock sends metadata after messageStop; if it ever comes first it is held back until then.
        if (stopped) {
          yield metadata();
          return;
        }
        break;
      }
    }
  }
  if (!stopped)
    throw new LakegateError(
      'MODEL_UPSTREAM_BAD_RESPONSE',
      `${provider} ended the stream before messageStop.`,
      {
        retryable: true,
        details: { provider },
      },
    );
  yield metadata();
}
