export { backoffDelayMs } from './backoff.js';
export type { CachedAnswer, ResponseCacheOptions } from './cache/index.js';
export {
  answerOfHit,
  cachedAnswerOf,
  converseCacheKey,
  EndpointCaches,
  isCacheable,
  ResponseCache,
  stableSerialise,
} from './cache/index.js';
export type {
  AdmitRequest,
  BudgetStatus,
  FailMode,
  GroupNamesOf,
  LimitSubject,
  LimitsEngineOptions,
  LimitsEvent,
  LimitsPolicy,
  LimitsPolicyInput,
} from './limits/index.js';
export {
  Admission,
  AdmittedCalls,
  buildPolicy,
  createLimitsEngine,
  DEFAULT_OUTPUT_ALLOWANCE,
  estimateEmbedTokens,
  estimateNativeTokens,
  estimateTokens,
  groupNamesResolver,
  LimitsEngine,
  MemoryLimitBackend,
  policyFromConfig,
  REDIS_URL_ENV,
  RedisLimitBackend,
} from './limits/index.js';
export type { UsageMeterOptions, UsageSink } from './metering/index.js';
export { MeteredStream, UsageMeter, usageOfNativeBody } from './metering/index.js';
export type { ModelAccessOptions } from './model-access.js';
export { ModelAccess } from './model-access.js';
export type { ModelRef } from './model-ref.js';
export { formatModelRef, parseModelRef } from './model-ref.js';
export type {
  LoggedResponse,
  PayloadLogOptions,
  PayloadRow,
  PayloadSink,
} from './payload-log/index.js';
export { LoggedStream, PayloadLog, requestJson, responseJson } from './payload-log/index.js';
export type {
  AttemptedModel,
  ClientCancellation,
  ConverseInput,
  EmbedInput,
  RoutePlan,
  RouterCallOptions,
  RouterOptions,
  ServedBy,
} from './router.js';
export { ModelRouter } from './router.js';
export { pickByTraffic } from './traffic.js';
