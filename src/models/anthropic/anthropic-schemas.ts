// zod shapes of what Anthropic sends back: the Message, its content blocks, usage, error bodies, the
// count_tokens answer and the streaming events. Minimal on purpose: fields we do not read are not listed.

import { z } from 'zod';

export const anthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

/** The blocks this adapter understands; other types (server tools, their results) are skipped by type. */
export const anthropicKnownBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
]);
export type AnthropicKnownBlock = z.infer<typeof anthropicKnownBlockSchema>;
export const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'text',
  'tool_use',
  'thinking',
  'redacted_thinking',
]);

const anyBlockSchema = z.looseObject({ type: z.string() });

export const anthropicMessageSchema = z.object({
  type: z.literal('message').nullish(),
  role: z.literal('assistant'),
  content: z.array(anyBlockSchema),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema,
});
export type AnthropicMessageResponse = z.infer<typeof anthropicMessageSchema>;

export const anthropicErrorBodySchema = z.object({
  type: z.literal('error').nullish(),
  error: z.object({ type: z.string(), message: z.string().nullish() }),
});

export const anthropicCountTokensSchema = z.object({ input_tokens: z.number() });

export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message_start'),
    message: z.object({ usage: anthropicUsageSchema.nullish() }),
  }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: anyBlockSchema }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.looseObject({
      type: z.string(),
      text: z.string().nullish(),
      partial_json: z.string().nullish(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
    }),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish() }).nullish(),
    usage: anthropicUsageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({
    type: z.literal('error'),
    error: z.object({ type: z.string(), message: z.string().nullish() }),
  }),
]);
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;
