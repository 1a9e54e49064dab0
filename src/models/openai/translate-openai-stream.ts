// Chat completion chunks (SSE) as canonical stream events. Every block, text included, gets
// contentBlockStart/Stop; an open block is closed before the next one starts, because the canonical
// order has one block open at a time while OpenAI interleaves fields freely within a delta.

import {
  LakegateError,
  type StreamEvent,
  safeParseJson,
  type Usage,
  type Warning,
} from '../../core/index.js';
import { parseSseBatches, streamReadError } from '../http/index.js';
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

export async function* translateOpenAIStream(
  provider: string,
  body: AsyncIterable<Uint8Array>,
  startedAt: number,
  /** Settings the request could not carry, reported on the closing metadata event. */
  warnings: Warning[],
): AsyncGenerator<StreamEvent> {
  const state = new OpenAIStreamState(provider, [...warnings]);
  yield { type: 'messageStart', role: 'assistant' };
  let done = false;
  // Events come a network read at a time and are translated synchronously; the sync generators of
  // the state are walked with for...of, since `yield*` of a sync generator inside an async one wraps
  // it in an async iterator per call (a cost per chunk that showed in profiles).
  try {
    for await (const events of parseSseBatches(body)) {
      for (const event of events) {
        // Read on after [DONE] to the end of the body: breaking out would destroy the response and with
        // it a keep-alive connection to the provider that could have served the next call.
        if (done) continue;
        if (event.data === '[DONE]') {
          done = true;
          continue;
        }
        const json = safeParseJson(event.data);
        if (!json.ok) throw state.badStream(`an event is not JSON (${json.error})`);
        let chunk: ChatCompletionChunk;
        if (isCommonChatCompletionChunk(json.value)) chunk = json.value;
        else {
          const parsed = chatCompletionChunkSchema.safeParse(json.value);
          if (!parsed.success) throw state.badStream('an event is not a chat completion chunk');
          chunk = parsed.data;
        }
        for (const out of state.push(chunk)) yield out;
      }
    }
  } catch (error) {
    throw streamReadError(provider, error);
  }
  // Without [DONE] a finish reason still marks a complete answer (some servers end there); without
  // either, the connection closed cleanly in the middle of the answer.
  if (!done && state.finishReason === undefined)
    throw state.badStream('it ended before the answer was complete');
  for (const out of state.finish(Math.round(performance.now() - startedAt))) yield out;
}
