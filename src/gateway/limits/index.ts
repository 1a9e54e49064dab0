export { Admission } from './admission.js';
export { AdmittedCalls } from './admitted-calls.js';
export type {
  BudgetGate,
  LimitBackend,
  RateCharge,
  ReserveRequest,
  ReserveResult,
  SettleRequest,
  SettleResult,
  SlotPool,
} from './backend.js';
export { createLimitsEngine, REDIS_URL_ENV } from './create-limits-engine.js';
export type { EstimateOptions } from './estimate-tokens.js';
export {
  DEFAULT_OUTPUT_ALLOWANCE,
  estimateEmbedTokens,
  estimateNativeTokens,
  estimateTokens,
} from './estimate-tokens.js';
export type { GroupNamesOf } from './group-names.js';
export { groupNamesResolver } from './group-names.js';
export type { LimitSubject } from './limit-subject.js';
export type { AdmitRequest, BudgetStatus, LimitsEngineOptions, LimitsEvent } from './limits-engine.js';
export { DEFAULT_KEY_PREFIX, LimitsEngine } from './limits-engine.js';
export type {
  BudgetRuleInput,
  ConcurrencyRuleInput,
  FailMode,
  LimitsPolicy,
  LimitsPolicyInput,
  RateRuleInput,
} from './limits-policy.js';
export { buildPolicy, policyFromConfig } from './limits-policy.js';
export { MemoryLimitBackend } from './memory-backend.js';
export type { RedisLimitBackendOptions } from './redis-backend.js';
export { RedisLimitBackend } from './redis-backend.js';
