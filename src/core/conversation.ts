// The canonical conversation model. It is shaped like Bedrock's Converse API (the richest of the wire
// formats we speak), but uses a `type` discriminator on every block so TypeScript can narrow it.
// Surfaces (api/) translate their wire formats to this model; provider adapters (models/) translate
// from it. The two translations never meet.

export type Role = 'user' | 'assistant';

export const IMAGE_FORMATS = ['png', 'jpeg', 'gif', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const DOCUMENT_FORMATS = ['pdf', 'csv', 'doc', 'docx', 'xls', 'xlsx', 'html', 'txt', 'md'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ImageBlock {
  type: 'image';
  format: ImageFormat;
  bytes: Uint8Array;
}

/** A document attached to a message. `text` is set when the document's content is plain text. */
export interface DocumentBlock {
  type: 'document';
  name: string;
  format: DocumentFormat;
  bytes?: Uint8Array;
  text?: string;
}

export interface ToolUseBlock {
  type: 'toolUse';
  toolUseId: string;
  name: string;
  input: unknown;
}

export type ToolResultContent = TextBlock | { type: 'json'; json: unknown } | ImageBlock | DocumentBlock;

export interface ToolResultBlock {
  type: 'toolResult';
  toolUseId: string;
  content: ToolResultContent[];
  status?: 'success' | 'error';
}

export interface ReasoningBlock {
  type: 'reasoning';
  text: string;
  signature?: string;
  /** Encrypted reasoning some providers return instead of text. */
  redacted?: Uint8Array;
}

/** Marks the end of a prefix the provider may cache (Bedrock cachePoint, Anthropic cache_control). */
export interface CachePointBlock {
  type: 'cachePoint';
  ttl?: '5m' | '1h';
}

export type ContentBlock =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | ToolUseBlock
  | ToolResultBlock
  | ReasoningBlock
  | CachePointBlock;

export type SystemBlock = TextBlock | CachePointBlock;

export interface Message {
  role: Role;
  content: ContentBlock[];
}

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface ToolDefinition {
  type: 'tool';
  name: string;
  description?: string;
  /** JSON Schema of the tool's input. */
  inputSchema: Record<string, unknown>;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'any' }
  | { type: 'none' }
  | { type: 'tool'; name: string };

export interface ToolConfig {
  /** A cachePoint among the tools caches the tool definitions before it. */
  tools: Array<ToolDefinition | CachePointBlock>;
  toolChoice?: ToolChoice;
}

export interface ConverseRequest {
  /** The provider's own model id: routing has already stripped the `provider/` prefix. */
  modelId: string;
  system?: SystemBlock[];
  messages: Message[];
  inferenceConfig?: InferenceConfig;
  toolConfig?: ToolConfig;
  /** Provider-specific fields passed through to the provider's request body as they are. */
  additionalModelRequestFields?: Record<string, unknown>;
  requestMetadata?: Record<string, string>;
}

export const STOP_REASONS = [
  'end_turn',
  'tool_use',
  'max_tokens',
  'stop_sequence',
  'guardrail_intervened',
  'content_filtered',
  'malformed_model_output',
  'malformed_tool_use',
  'model_context_window_exceeded',
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/**
 * Token usage, with Bedrock's and Anthropic's semantics: `inputTokens` counts only the input tokens that
 * were neither read from nor written to a prompt cache, and
 * `totalTokens = inputTokens + cacheReadInputTokens + cacheWriteInputTokens + outputTokens`.
 * (OpenAI's `prompt_tokens` includes its cached tokens: its adapter subtracts them.)
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** A setting the provider cannot honour: reported, never silently dropped and never a crash. */
export interface Warning {
  setting: string;
  message: string;
}

export interface ConverseResponse {
  output: { message: Message };
  stopReason: StopReason;
  usage: Usage;
  metrics: { latencyMs: number };
  warnings?: Warning[];
}

export type ContentBlockStart =
  | { type: 'text' }
  | { type: 'toolUse'; toolUseId: string; name: string }
  | { type: 'reasoning' };

/** One typed part of a streamed response. Wire framing (SSE, AWS event stream) exists only at the edges. */
export type StreamEvent =
  | { type: 'messageStart'; role: 'assistant' }
  | { type: 'contentBlockStart'; index: number; start: ContentBlockStart }
  | { type: 'textDelta'; index: number; text: string }
  /** A fragment of the tool input's JSON text; fragments concatenate to the whole input. */
  | { type: 'toolUseDelta'; index: number; input: string }
  | { type: 'reasoningDelta'; index: number; text?: string; signature?: string; redacted?: Uint8Array }
  | { type: 'contentBlockStop'; index: number }
  | { type: 'messageStop'; stopReason: StopReason }
  /** Last event. `warnings` reports settings the provider could not honour, as on ConverseResponse. */
  | { type: 'metadata'; usage: Usage; metrics: { latencyMs: number }; warnings?: Warning[] };

export type EmbeddingInputType = 'search_document' | 'search_query' | 'classification' | 'clustering';

export interface EmbedRequest {
  modelId: string;
  inputs: string[];
  inputType?: EmbeddingInputType;
  /** Output dimension, for models that can shorten their embeddings. */
  dimensions?: number;
}

export interface EmbedResponse {
  embeddings: Float32Array[];
  usage: { inputTokens: number };
}

/** Reranking: the documents ordered by relevance to the query (Cohere / Bedrock Rerank shape). */
export interface RerankRequest {
  modelId: string;
  query: string;
  documents: string[];
  /** Only the best `topN` come back (default: all). */
  topN?: number;
}

export interface RerankResponse {
  /** Best first: each document's index in the request and its relevance (higher is better). */
  results: Array<{ index: number; relevanceScore: number }>;
  usage: { inputTokens: number };
}

/** A rerank answer as one relevance per document, in document order (−Infinity for any it left out). */
export function relevanceByDocument(response: RerankResponse, documentCount: number): number[] {
  const scores = new Array<number>(documentCount).fill(Number.NEGATIVE_INFINITY);
  for (const { index, relevanceScore } of response.results) {
    if (Number.isInteger(index) && index >= 0 && index < documentCount) scores[index] = relevanceScore;
  }
  return scores;
}

export interface CountTokensResponse {
  inputTokens: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
}

export function textOf(blocks: readonly ContentBlock[] | readonly SystemBlock[]): string {
  let out = '';
  for (const block of blocks) if (block.type === 'text') out += block.text;
  return out;
}
