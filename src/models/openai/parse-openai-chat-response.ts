// A chat completion as the canonical assistant message, stop reason and usage.

import { randomUUID } from 'node:crypto';
import {
  type ContentBlock,
  LakegateError,
  type StopReason,
  safeParseJson,
  type Usage,
  type Warning,
} from '../../core/index.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import type { ChatCompletion } from './openai-schemas.js';

export interface ParsedChatResponse {
  content: ContentBlock[];
  stopReason: StopReason;
  usage: Usage;
  warnings: Warning[];
}

export function parseOpenAIChatResponse(provider: string, response: ChatCompletion): ParsedChatResponse {
  const choice = response.choices[0];
  if (!choice) {
    throw new LakegateError('MODEL_UPSTREAM_BAD_RESPONSE', `${provider} returned no choices.`, {
      details: { provider },
    });
  }
  const { message } = choice;
  const content: ContentBlock[] = [];
  const warnings: Warning[] = [];

  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (message.content) content.push({ type: 'text', text: message.content });
  // A refusal replaces the content; it is shown as text so the caller sees why nothing else came.
  else if (message.refusal) content.push({ type: 'text', text: message.refusal });

  let malformed = false;
  for (const call of message.tool_calls ?? []) {
    const parsed = parseToolArguments(call.function.arguments);
    if (!parsed.ok) {
      malformed = true;
      warnings.push({
        setting: 'toolUse.input',
        message: `The arguments of the call to ${call.function.name} are not valid JSON; the raw text is kept as its input.`,
      });
    }
    content.push({
      type: 'toolUse',
      toolUseId: call.id ?? newToolCallId(),
      name: call.function.name,
      input: parsed.ok ? parsed.value : (call.function.arguments ?? ''),
    });
  }

  const hasToolCalls = (message.tool_calls?.length ?? 0) > 0;
  let stopReason = mapOpenAIFinishReason(choice.finish_reason, hasToolCalls);
  if (malformed) stopReason = 'malformed_tool_use';
  else if (!message.content && message.refusal) stopReason = 'content_filtered';
  return { content, stopReason, usage: mapOpenAIUsage(response.usage), warnings };
}

/** Servers send "" for a call without arguments; that is an empty object, not malformed JSON. */
export function parseToolArguments(text: string | null | undefined): ReturnType<typeof safeParseJson> {
  if (text == null || text.trim() === '') return { ok: true, value: {} };
  return safeParseJson(text);
}

/** Some compatible servers omit tool call ids; the canonical model needs one to pair the result. */
export function newToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
