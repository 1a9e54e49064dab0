import {
  type ContentBlock,
  LakegateError,
  type Message,
  type StopReason,
  type StreamEvent,
  safeParseJson,
  type Usage,
} from '../../core/index.js';
import { GeminiPartReader } from './gemini-parts-to-events.js';
import type { GenerateContentResponse } from './gemini-response-schema.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { mapGeminiUsage } from './map-gemini-usage.js';
import type { WarningList } from './warning-list.js';

export interface ParsedGeminiResponse {
  message: Message;
  stopReason: StopReason;
  usage: Usage;
}

export function parseGeminiResponse(
  provider: string,
  response: GenerateContentResponse,
  warnings: WarningList,
): ParsedGeminiResponse {
  const usage = mapGeminiUsage(response.usageMetadata);
  const candidate = response.candidates?.[0];
  if (!candidate && response.promptFeedback?.blockReason) {
    return { message: { role: 'assistant', content: [] }, stopReason: 'content_filtered', usage };
  }
  const reader = new GeminiPartReader();
  const events: StreamEvent[] = [];
  for (const part of candidate?.content?.parts ?? []) events.push(...reader.read(part));
  events.push(...reader.finish());
  if (reader.unmappedParts > 0) {
    warnings.add('response.parts', 'Gemini returned parts this adapter does not map; they were left out.');
  }
  return {
    message: { role: 'assistant', content: foldEvents(provider, events) },
    stopReason: mapGeminiFinishReason(candidate?.finishReason, reader.sawToolCall),
    usage,
  };
}

/** Builds the content blocks a sequence of stream events describes. */
function foldEvents(provider: string, events: readonly StreamEvent[]): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  const toolInputs = new Map<number, string>();
  for (const event of events) {
    if (event.type === 'contentBlockStart') {
      const { start } = event;
      if (start.type === 'text') blocks[event.index] = { type: 'text', text: '' };
      else if (start.type === 'reasoning') blocks[event.index] = { type: 'reasoning', text: '' };
      else {
        blocks[event.index] = { type: 'toolUse', toolUseId: start.toolUseId, name: start.name, input: {} };
      }
      continue;
    }
    const block = 'index' in event ? blocks[event.index] : undefined;
    if (event.type === 'textDelta' && block?.type === 'text') block.text += event.text;
    else if (event.type === 'reasoningDelta' && block?.type === 'reasoning') {
      if (event.text !== undefined) block.text += event.text;
      if (event.signature !== undefined) block.signature = event.signature;
    } else if (event.type === 'toolUseDelta') {
      toolInputs.set(event.index, (toolInputs.get(event.index) ?? '') + event.input);
    }
  }
  for (const [index, json] of toolInputs) {
    const block = blocks[index];
    const parsed = safeParseJson(json);
    if (block?.type !== 'toolUse' || !parsed.ok) {
      throw new LakegateError(
        'MODEL_UPSTREAM_BAD_RESPONSE',
        `${provider} returned unusable function call arguments.`,
        {
          details: { provider },
        },
      );
    }
    block.input = parsed.value;
  }
  return blocks;
}
