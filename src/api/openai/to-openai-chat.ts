// Canonical responses and stream events as OpenAI chat completions and chunks.

import type { ConverseResponse, StopReason, StreamEvent, Usage } from '../../core/index.js';

export function finishReasonOf(stopReason: StopReason): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function usageToOpenAI(usage: Usage): Record<string, unknown> {
  // OpenAI counts cached tokens inside prompt_tokens; the canonical inputTokens excludes them.
  const cached = usage.cacheReadInputTokens ?? 0;
  const written = usage.cacheWriteInputTokens ?? 0;
  return {
    prompt_tokens: usage.inputTokens + cached + written,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: cached },
  };
}

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function chatCompletionOf(
  identity: CompletionIdentity,
  response: ConverseResponse,
): Record<string, unknown> {
  let text = '';
  let reasoning = '';
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const block of response.output.message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'reasoning') reasoning += block.text;
    else if (block.type === 'toolUse') {
      toolCalls.push({
        id: block.toolUseId,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
    refusal: null,
  };
  if (reasoning) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, finish_reason: finishReasonOf(response.stopReason), logprobs: null }],
    usage: usageToOpenAI(response.usage),
    system_fingerprint: null,
  };
}

/** Turns canonical stream events into chat.completion.chunk objects, keeping OpenAI's tool-call indexes. */
export class ChunkEncoder {
  private readonly toolIndexByBlock = new Map<number, number>();
  /** The JSON of a chunk up to its delta, the same for every chunk of the stream. */
  private readonly deltaPrefix: string;

  constructor(
    private readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {
    this.deltaPrefix =
      `{"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk",` +
      `"created":${JSON.stringify(identity.created)},"model":${JSON.stringify(identity.model)},` +
      `"choices":[{"index":0,"delta":`;
  }

  /**
   * The chunk for an event as JSON text, exactly as JSON.stringify(encode(event)) writes it. A text
   * delta, nearly every chunk of a stream, is written from the stream's fixed prefix and its text alone,
   * instead of building and serialising the whole chunk object again each time.
   */
  encodeJson(event: StreamEvent): string | undefined {
    if (event.type === 'textDelta') {
      return `${this.deltaPrefix}{"content":${JSON.stringify(event.text)}},"finish_reason":null,"logprobs":null}]}`;
    }
    const chunk = this.encode(event);
    return chunk ? JSON.stringify(chunk) : undefined;
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
    return {
      id: this.identity.id,
      object: 'chat.completion.chunk',
      created: this.identity.created,
      model: this.identity.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    };
  }

  encode(event: StreamEvent): Record<string, unknown> | undefined {
    switch (event.type) {
      case 'messageStart':
        return this.chunk({ role: 'assistant', content: '' });
      case 'contentBlockStart': {
        if (event.start.type !== 'toolUse') return undefined;
        const index = this.toolIndexByBlock.size;
        this.toolIndexByBlock.set(event.index, index);
        return this.chunk({
          tool_calls: [
            {
              index,
              id: event.start.toolUseId,
              type: 'function',
              function: { name: event.start.name, arguments: '' },
            },
          ],
        });
      }
      case 'textDelta':
        return this.chunk({ content: event.text });
      case 'toolUseDelta':
        return this.chunk({
          tool_calls: [
            { index: this.toolIndexByBlock.get(event.index) ?? 0, function: { arguments: event.input } },
          ],
        });
      case 'reasoningDelta':
        return event.text ? this.chunk({ reasoning_content: event.text }) : undefined;
      case 'contentBlockStop':
        return undefined;
      case 'messageStop':
        return this.chunk({}, finishReasonOf(event.stopReason));
      case 'metadata':
        if (!this.includeUsage) return undefined;
        return {
          id: this.identity.id,
          object: 'chat.completion.chunk',
          created: this.identity.created,
          model: this.identity.model,
          choices: [],
          usage: usageToOpenAI(event.usage),
        };
    }
  }
}
