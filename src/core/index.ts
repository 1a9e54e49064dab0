export { CancellationSource } from './cancellation-source.js';
export type {
  EndpointConfig,
  LakegateConfig,
  ModelPriceConfig,
  ProviderConfig,
  RetryPolicy,
  TimeoutPolicy,
} from './config.js';
export {
  configSchema,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT,
  endpointConfigSchema,
  modelPriceSchema,
  parseConfig,
  providerConfigSchema,
} from './config.js';
export type {
  CachePointBlock,
  ContentBlock,
  ContentBlockStart,
  ConverseRequest,
  ConverseResponse,
  CountTokensResponse,
  DocumentBlock,
  DocumentFormat,
  EmbeddingInputType,
  EmbedRequest,
  EmbedResponse,
  ImageBlock,
  ImageFormat,
  InferenceConfig,
  Message,
  ReasoningBlock,
  RerankRequest,
  RerankResponse,
  Role,
  StopReason,
  StreamEvent,
  SystemBlock,
  TextBlock,
  ToolChoice,
  ToolConfig,
  ToolDefinition,
  ToolResultBlock,
  ToolResultContent,
  ToolUseBlock,
  Usage,
  Warning,
} from './conversation.js';
export {
  DOCUMENT_FORMATS,
  emptyUsage,
  IMAGE_FORMATS,
  relevanceByDocument,
  STOP_REASONS,
  textOf,
} from './conversation.js';
export { copyData } from './copy-data.js';
export { crc32, tableCrc32 } from './crc32.js';
export type { ErrorCategory, ErrorCode, LakegateErrorOptions } from './errors.js';
export {
  ERROR_CODES,
  isLakegateError,
  LakegateError,
  toLakegateError,
  validationError,
} from './errors.js';
export { newId, nowIso } from './ids.js';
export { nextThen } from './next-then.js';
export { OldestFirst } from './oldest-first.js';
export type { JsonParseResult } from './safe-json.js';
export { isRecord, safeParseJson } from './safe-json.js';
export { seededRandom } from './seeded-random.js';
export { type DigestEncoding, sha256 } from './sha256.js';
export { untilClosed } from './stream-closed.js';
export { withProperty } from './with-property.js';
