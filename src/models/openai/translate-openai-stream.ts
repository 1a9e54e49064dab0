// Chat completion chunks (SSE) as canonical stream events. Every block, text included, gets
// contentBlockStart/Stop; an open block is closed before the next one starts, because the canonical
// order has one block open at a time while OpenAI interleaves fields freely within a delta.

import {
  LakegateError,
  nextThen,
  type StreamEvent,
  safeParseJson,
  type Usage,
  type Warning,
} from '../../core/index.js';
import { type SseEvent, SseParser, streamReadError } from '../http/index.js';
import { isCommonChatCompletionChunk } from './fast-openai-shapes.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import { openAIStreamError } from './openai-error.js';
import { type ChatCompletionChunk, chatCompletionChunkSchema } from './openai-schemas.js';
import { newToolCallId, parseToolArguments } from './parse-openai-chat-response.js';

type ToolCallDelta = NonNullable<
  NonNullable<NonNullable<ChatCompletionChunk['choices']>[number]['delta']>['tool_calls']
>[number];

type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'reasoning'; index: number }
  | { kind: 'toolUse'; index: number; callIndex: number; args: string };

class OpenAIStreamState {
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private readonly closedCalls = new Set<number>();
  private callCount = 0;
  private malformed = false;
  private refused = false;
  private usage: Usage | undefined;
  finishReason: string | undefined;

  constructor(
    private readonly provider: string,
    private readonly warnings: Warning[],
  ) {}

  *push(chunk: ChatCompletionChunk): Generator<StreamEvent> {
    if (chunk.error) throw openAIStreamError(this.provider, chunk.error);
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage) this.usage = mapOpenAIUsage(usage);
    // Only the first choice is the canonical message; n > 1 is not something we ask for.
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return;
    const delta = choice.delta;
    const reasoning = delta?.reasoning_content ?? delta?.reasoning;
    if (reasoning) yield* this.append('reasoning', reasoning);
    if (delta?.refusal && !delta.content) this.refused = true;
    const text = delta?.content || delta?.refusal;
    if (text) yield* this.append('text', text);
    for (const call of delta?.tool_calls ?? []) yield* this.toolCall(call);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  *finish(latencyMs: number): Generator<StreamEvent> {
    yield* this.close();
    let stopReason = mapOpenAIFinishReason(this.finishReason, this.callCount > 0);
    if (this.malformed) stopReason = 'malformed_tool_use';
    else if (this.refused) stopReason = 'content_filtered';
    yield { type: 'messageStop', stopReason };
    yield {
      type: 'metadata',
      usage: this.usage ?? mapOpenAIUsage(undefined),
      metrics: { latencyMs },
      ...(this.warnings.length > 0 ? { warnings: this.warnings } : {}),
    };
  }

  private *append(kind: 'text' | 'reasoning', text: string): Generator<StreamEvent> {
    let index = this.open?.kind === kind ? this.open.index : undefined;
    if (index === undefined) {
      yield* this.close();
      index = this.nextIndex++;
      this.open = { kind, index };
      yield { type: 'contentBlockStart', index, start: { type: kind } };
    }
    yield kind === 'text' ? { type: 'textDelta', index, text } : { type: 'reasoningDelta', index, text };
  }

  private *toolCall(call: ToolCallDelta): Generator<StreamEvent> {
    // Servers that omit `index` send a new call with an id and its fragments without one.
    const openCall = this.open?.kind === 'toolUse' ? this.open.callIndex : undefined;
    const callIndex = call.index ?? (call.id || openCall === undefined ? this.callCount : openCall);
    if (this.open?.kind !== 'toolUse' || this.open.callIndex !== callIndex) {
      if (this.closedCalls.has(callIndex)) {
        throw this.badStream(`a fragment of tool call ${callIndex} arrived after the call was complete`);
      }
      const name = call.function?.name;
      if (!name) throw this.badStream(`tool call ${callIndex} started without a function name`);
      yield* this.close();
      this.callCount++;
      this.open = { kind: 'toolUse', index: this.nextIndex++, callIndex, args: '' };
      yield {
        type: 'contentBlockStart',
        index: this.open.index,
        start: { type: 'toolUse', toolUseId: call.id ?? newToolCallId(), name },
      };
    }
    const fragment = call.function?.arguments;
    if (fragment) {
      this.open.args += fragment;
      yield { type: 'toolUseDelta', index: this.open.index, input: fragment };
    }
  }

  private *close(): Generator<StreamEvent> {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.kind === 'toolUse') {
      this.closedCalls.add(open.callIndex);
      // A call without arguments still gets an input, so consumers always have JSON to parse.
      if (open.args.trim() === '') yield { type: 'toolUseDelta', index: open.index, input: '{}' };
      else if (!parseToolArguments(open.args).ok) {
        this.malformed = true;
        this.warnings.push({
          setting: 'toolUse.input',
          message: `The arguments of tool call ${open.callIndex} are not valid JSON; the raw text was streamed as it came.`,
        });
      }
    }
    yield { type: 'contentBlockStop', index: open.index };
  }

  badStream(reason: string): LakegateError {
    return new LakegateError(
      'MODEL_UPSTREAM_BAD_RESPONSE',
      `${this.provider} sent a broken stream: ${reason}.`,
      {
        details: { provider: this.provider },
      },
    );
  }
}

const DONE: IteratorResult<StreamEvent> = { done: true, value: undefined };

/**
 * The translation, written out as an async iterator rather than an async generator: a generator costs
 * several promises and microtask turns for every event it yields and every read it awaits (a streamed
 * answer is a dozen events over as many network reads); this costs one promise per event handed out and
 * one per read. Events are translated a network read at a time, synchronously, into a queue.
 */
class OpenAIStreamTranslation implements AsyncIterableIterator<StreamEvent> {
  private readonly state: OpenAIStreamState;
  private readonly sse = new SseParser();
  /** The body's iterator, asked for on the first read. */
  private body: AsyncIterator<Uint8Array> | undefined;
  /** Events translated and not yet handed out, from `head` on. */
  private queue: StreamEvent[] = [{ type: 'messageStart', role: 'assistant' }];
  private head = 0;
  /**
   * [DONE] has come. The body is still read to its end, untranslated: stopping early would destroy the
   * response and with it a keep-alive connection to the provider that could serve the next call.
   */
  private sawDone = false;
  /** The body has ended, or the stream failed or was closed: nothing more is read. */
  private finished = false;
  /** What broke the stream, thrown once the events translated before it have been handed out. */
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly provider: string,
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly startedAt: number,
    /** Settings the request could not carry, reported on the closing metadata event. */
    warnings: Warning[],
  ) {
    this.state = new OpenAIStreamState(provider, [...warnings]);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    if (this.failure !== undefined) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(streamReadError(this.provider, error));
    }
    if (this.finished) return Promise.resolve(DONE);
    this.body ??= this.source[Symbol.asyncIterator]();
    return nextThen(this.body, this.translateRead, this.failed);
  }

  /** The consumer stopped reading: the rest of the answer is not wanted, so the body is let go. */
  return(): Promise<IteratorResult<StreamEvent>> {
    if (this.finished) return Promise.resolve(DONE);
    this.stop();
    this.body ??= this.source[Symbol.asyncIterator]();
    const closing = this.body.return?.();
    return closing ? closing.then(() => DONE) : Promise.resolve(DONE);
  }

  private readonly translateRead = (
    read: IteratorResult<Uint8Array>,
  ): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> => {
    this.queue = [];
    this.head = 0;
    try {
      if (!read.done) {
        this.translate(this.sse.push(read.value));
      } else {
        this.finished = true;
        this.translate(this.sse.end());
        // Without [DONE] a finish reason still marks a complete answer (some servers end there); without
        // either, the connection closed cleanly in the middle of the answer.
        if (!this.sawDone && this.state.finishReason === undefined)
          throw this.state.badStream('it ended before the answer was complete');
        for (const out of this.state.finish(Math.round(performance.now() - this.startedAt)))
          this.queue.push(out);
      }
    } catch (error) {
      // The events before the fault are still handed out, then the error, as a generator would.
      this.failure = { error };
      if (!this.finished) {
        this.finished = true;
        // A broken event: the rest of the body is not read.
        void this.body?.return?.()?.catch(() => undefined);
      }
    }
    // Handed out from here when it can be: returning next()'s promise would be adopted, a turn more.
    return this.head < this.queue.length ? this.take() : this.next();
  };

  private take(): IteratorResult<StreamEvent> {
    return { done: false, value: this.queue[this.head++] as StreamEvent };
  }

  private translate(events: SseEvent[]): void {
    for (const event of events) {
      if (this.sawDone) continue;
      if (event.data === '[DONE]') {
        this.sawDone = true;
        continue;
      }
      const json = safeParseJson(event.data);
      if (!json.ok) throw this.state.badStream(`an event is not JSON (${json.error})`);
      let chunk: ChatCompletionChunk;
      if (isCommonChatCompletionChunk(json.value)) chunk = json.value;
      else {
        const parsed = chatCompletionChunkSchema.safeParse(json.value);
        if (!parsed.success) throw this.state.badStream('an event is not a chat completion chunk');
        chunk = parsed.data;
      }
      // The state's sync generators are walked with for...of, not spread: no array per chunk.
      for (const out of this.state.push(chunk)) this.queue.push(out);
    }
  }

  private readonly failed = (error: unknown): Promise<never> => {
    this.stop();
    return Promise.reject(streamReadError(this.provider, error));
  };

  private stop(): void {
    this.finished = true;
    this.failure = undefined;
    this.queue = [];
    this.head = 0;
  }
}

/** The canonical events of a chat completion stream (SSE of chat.completion.chunk), read once. */
export function translateOpenAIStream(
  provider: string,
  body: AsyncIterable<Uint8Array>,
  startedAt: number,
  /** Settings the request could not carry, reported on the closing metadata event. */
  warnings: Warning[],
): AsyncIterableIterator<StreamEvent> {
  return new OpenAIStreamTranslation(provider, body, startedAt, warnings);
}
