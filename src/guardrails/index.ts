export type { ApplyOptions } from './apply-guardrail.js';
export { applyGuardrail, interventionSummary } from './apply-guardrail.js';
export type { CompiledGuardrail } from './compile-guardrail.js';
export { compileGuardrail } from './compile-guardrail.js';
export { DEFAULT_TOPIC_THRESHOLD } from './denied-topics.js';
export { detectPii } from './detect-pii.js';
export type { EmbedTexts } from './embedding.js';
export { guardrailIdOf, parseGuardrailVersion } from './guardrail-identifier.js';
export type { GuardrailInput } from './guardrail-input.js';
export type { GuardrailPolicy } from './guardrail-policy.js';
export { guardrailPolicySchema } from './guardrail-policy.js';
export type {
  GuardrailRecord,
  GuardrailServiceOptions,
  ListOptions,
  ResolvedGuardrail,
} from './guardrail-service.js';
export { DEFAULT_GUARDRAIL_SCHEMA, GuardrailService } from './guardrail-service.js';
export type {
  ApplyGuardrailRequest,
  ApplyGuardrailResult,
  ContentQualifier,
  GuardrailAssessment,
  GuardrailContentBlock,
  GuardrailSource,
  GuardrailUsage,
} from './guardrail-types.js';
export type { PiiEntityType, PiiSpan } from './pii-types.js';
export { PII_ENTITY_TYPES } from './pii-types.js';
export type { ContentOrigin } from './prompt-attack.js';
