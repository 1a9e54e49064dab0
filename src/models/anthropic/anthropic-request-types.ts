// The Anthropic Messages API request body, as far as this adapter writes it. Typed so the converters
// cannot drift from the wire format; fields from `additionalModelRequestFields` ride on the index signature.

export interface AnthropicCacheControl {
  type: 'ephemeral';
  /** Omitted for the default five minutes. */
  ttl?: '1h';
}

interface Cacheable {
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicTextBlock extends Cacheable {
  type: 'text';
  text: string;
}

export interface AnthropicImageBlock extends Cacheable {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string };
}

export type AnthropicDocumentSource =
  | { type: 'base64'; media_type: 'application/pdf'; data: string }
  | { type: 'text'; media_type: 'text/plain'; data: string };

export interface AnthropicDocumentBlock extends Cacheable {
  type: 'document';
  source: AnthropicDocumentSource;
  title?: string;
}

export interface AnthropicToolUseBlock extends Cacheable {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export type AnthropicToolResultContent = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

export interface AnthropicToolResultBlock extends Cacheable {
  type: 'tool_result';
  tool_use_id: string;
  content: AnthropicToolResultContent[];
  is_error?: boolean;
}

export interface AnthropicThinkingBlock extends Cacheable {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlock extends Cacheable {
  type: 'redacted_thinking';
  data: string;
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicContentBlock[];
}

export interface AnthropicTool extends Cacheable {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto' }
  | { type: 'any' }
  | { type: 'none' }
  | { type: 'tool'; name: string };

export interface AnthropicMessagesBody {
  model: string;
  messages: AnthropicMessage[];
  max_tokens?: number;
  system?: AnthropicTextBlock[];
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  stream?: boolean;
  [field: string]: unknown;
}
