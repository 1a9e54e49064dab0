// Bedrock's Converse response in the canonical model. Bedrock's stop reasons and usage are already the
// canonical ones; blocks the canonical model has no place for are reported as warnings, not dropped silently.

import { z } from 'zod';
import {
  type ContentBlock,
  IMAGE_FORMATS,
  STOP_REASONS,
  type StopReason,
  type Usage,
  type Warning,
} from '../../core/index.js';

export const usageSchema = z.object({
  inputTokens: z.number().nullish(),
  outputTokens: z.number().nullish(),
  totalTokens: z.number().nullish(),
  cacheReadInputTokens: z.number().nullish(),
  cacheWriteInputTokens: z.number().nullish(),
});

const blockSchema = z.looseObject({
  text: z.string().nullish(),
  toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).nullish(),
  reasoningContent: z
    .object({
      reasoningText: z.object({ text: z.string(), signature: z.string().nullish() }).nullish(),
      redactedContent: z.string().nullish(),
    })
    .nullish(),
  image: z.object({ format: z.enum(IMAGE_FORMATS), source: z.object({ bytes: z.string() }) }).nullish(),
});

export const converseResponseSchema = z.object({
  output: z.object({
    message: z.object({ role: z.literal('assistant'), content: z.array(blockSchema) }),
  }),
  stopReason: z.string(),
  usage: usageSchema.nullish(),
});

export type BedrockConverseResponse = z.infer<typeof converseResponseSchema>;

export function toUsage(usage: z.infer<typeof usageSchema> | null | undefined): Usage {
  const inputTokens = usage?.inputTokens ?? 0;
  const outputTokens = usage?.outputTokens ?? 0;
  // Bedrock's inputTokens excludes cached tokens and its totalTokens includes them, as the canonical Usage does.
  const cached = (usage?.cacheReadInputTokens ?? 0) + (usage?.cacheWriteInputTokens ?? 0);
  const out: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: usage?.totalTokens ?? inputTokens + cached + outputTokens,
  };
  if (usage?.cacheReadInputTokens != null) out.cacheReadInputTokens = usage.cacheReadInputTokens;
  if (usage?.cacheWriteInputTokens != null) out.cacheWriteInputTokens = usage.cacheWriteInputTokens;
  return out;
}

const KNOWN_STOP_REASONS: ReadonlySet<string> = new Set(STOP_REASONS);

/** Bedrock's stop reason, or `end_turn` with a warning for one added after this adapter was written. */
export function toStopReason(value: string): { stopReason: StopReason; warning?: Warning } {
  if (KNOWN_STOP_REASONS.has(value)) return { stopReason: value as StopReason };
  return {
    stopReason: 'end_turn',
    warning: {
      setting: 'stopReason',
      message: `Bedrock stop reason '${value}' is not a canonical one; reported as end_turn.`,
    },
  };
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

function contentBlock(block: z.infer<typeof blockSchema>): ContentBlock | undefined {
  if (block.text != null) return { type: 'text', text: block.text };
  if (block.toolUse) {
    const { toolUseId, name, input } = block.toolUse;
    return { type: 'toolUse', toolUseId, name, input: input ?? {} };
  }
  if (block.reasoningContent?.reasoningText) {
    const { text, signature } = block.reasoningContent.reasoningText;
    return { type: 'reasoning', text, ...(signature != null ? { signature } : {}) };
  }
  if (block.reasoningContent?.redactedContent != null) {
    return { type: 'reasoning', text: '', redacted: fromBase64(block.reasoningContent.redactedContent) };
  }
  if (block.image)
    return { type: 'image', format: block.image.format, bytes: fromBase64(block.image.source.bytes) };
  return undefined;
}

export function fromBedrockConverse(response: BedrockConverseResponse): {
  content: ContentBlock[];
  stopReason: StopReason;
  usage: Usage;
  warnings: Warning[];
} {
  const warnings: Warning[] = [];
  const content: ContentBlock[] = [];
  for (const block of response.output.message.content) {
    const converted = contentBlock(block);
    if (converted) content.push(converted);
    else
      warnings.push({
        setting: 'output.message.content',
        message: `Dropped a Bedrock output block of kind ${Object.keys(block).join(', ') || '(empty)'}: the canonical model has no place for it.`,
      });
  }
  const { stopReason, warning } = toStopReason(response.stopReason);
  if (warning) warnings.push(warning);
  return { content, stopReason, usage: toUsage(response.usage), warnings };
}
