// Bedrock's guardrail wire shapes: the bodies @aws-sdk/client-bedrock sends for CreateGuardrail and
// UpdateGuardrail, what GetGuardrail and ListGuardrails answer, and ApplyGuardrail's request
// (@aws-sdk/client-bedrock-runtime). The policy parts are validated by the guardrails layer; this file
// separates them from the envelope and refuses the settings Lakegate does not implement.

import { z } from 'zod';
import { validationError } from '../../core/index.js';
import type {
  ApplyGuardrailRequest,
  GuardrailContentBlock,
  GuardrailRecord,
} from '../../guardrails/index.js';
import { parseOrThrow } from '../http/validate.js';

const POLICY_KEYS = [
  'topicPolicyConfig',
  'contentPolicyConfig',
  'wordPolicyConfig',
  'sensitiveInformationPolicyConfig',
  'contextualGroundingPolicyConfig',
  'blockedInputMessaging',
  'blockedOutputsMessaging',
] as const;

/** Settings Bedrock has and Lakegate refuses rather than ignores. */
const UNSUPPORTED: Record<string, string> = {
  automatedReasoningPolicyConfig: 'automated reasoning policies are not implemented',
  crossRegionConfig: 'there are no regions to route guardrails across',
  kmsKeyId: 'guardrails are stored in the control-plane store, not encrypted with a KMS key',
  tags: 'tag the guardrail in the catalog instead (catalog tags on its securable)',
};

const envelope = z.object({
  name: z.string(),
  description: z.string().optional(),
  /** An idempotency token: accepted; a retried create meets the unique name and gets a ConflictException. */
  clientRequestToken: z.string().optional(),
});

export interface GuardrailBody {
  name: string;
  description?: string;
  policy: Record<string, unknown>;
}

export function guardrailBodyOf(body: unknown): GuardrailBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError('The request body must be a JSON object.');
  }
  const record = body as Record<string, unknown>;
  for (const [key, why] of Object.entries(UNSUPPORTED)) {
    if (record[key] !== undefined) throw validationError(`${key} is not supported: ${why}.`);
  }
  // A misspelt key would otherwise be dropped and leave a guardrail that silently checks less.
  const known = new Set<string>([...Object.keys(envelope.shape), ...POLICY_KEYS]);
  const unknown = Object.keys(record).filter((key) => !known.has(key));
  if (unknown.length > 0) throw validationError(`Unknown field(s) in the guardrail: ${unknown.join(', ')}.`);
  const head = parseOrThrow(envelope, record);
  const policy: Record<string, unknown> = {};
  for (const key of POLICY_KEYS) if (record[key] !== undefined) policy[key] = record[key];
  const out: GuardrailBody = { name: head.name, policy };
  if (head.description !== undefined) out.description = head.description;
  return out;
}

export const createVersionWire = z.strictObject({
  description: z.string().optional(),
  clientRequestToken: z.string().optional(),
});

/** GetGuardrail: the stored config keys (…Config, …sConfig) under their read names. */
export function guardrailToWire(record: GuardrailRecord): Record<string, unknown> {
  const p = record.policy;
  const out: Record<string, unknown> = {
    name: record.name,
    guardrailId: record.guardrailId,
    guardrailArn: record.arn,
    version: record.version,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    blockedInputMessaging: p.blockedInputMessaging,
    blockedOutputsMessaging: p.blockedOutputsMessaging,
  };
  if (record.description !== null) out.description = record.description;
  if (p.topicPolicyConfig) out.topicPolicy = { topics: p.topicPolicyConfig.topicsConfig };
  if (p.contentPolicyConfig) out.contentPolicy = { filters: p.contentPolicyConfig.filtersConfig };
  if (p.wordPolicyConfig) {
    out.wordPolicy = {
      words: p.wordPolicyConfig.wordsConfig ?? [],
      managedWordLists: p.wordPolicyConfig.managedWordListsConfig ?? [],
    };
  }
  if (p.sensitiveInformationPolicyConfig) {
    out.sensitiveInformationPolicy = {
      piiEntities: p.sensitiveInformationPolicyConfig.piiEntitiesConfig ?? [],
      regexes: p.sensitiveInformationPolicyConfig.regexesConfig ?? [],
    };
  }
  if (p.contextualGroundingPolicyConfig) {
    out.contextualGroundingPolicy = { filters: p.contextualGroundingPolicyConfig.filtersConfig };
  }
  return out;
}

export function guardrailSummaryToWire(record: GuardrailRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: record.guardrailId,
    arn: record.arn,
    status: record.status,
    name: record.name,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.description !== null) out.description = record.description;
  return out;
}

const qualifier = z.enum(['grounding_source', 'query', 'guard_content']);
const applyWire = z.strictObject({
  source: z.enum(['INPUT', 'OUTPUT']),
  content: z
    .array(
      z.union([
        z.strictObject({
          text: z.strictObject({ text: z.string(), qualifiers: z.array(qualifier).optional() }),
        }),
        z.strictObject({ image: z.unknown() }),
      ]),
    )
    .min(1),
  outputScope: z.enum(['INTERVENTIONS', 'FULL']).optional(),
});

export function applyRequestOf(body: unknown): ApplyGuardrailRequest {
  const wire = parseOrThrow(applyWire, body);
  const content: GuardrailContentBlock[] = wire.content.map((block, i) => {
    if (!('text' in block))
      throw validationError(`content.${i}: image content is not supported by Lakegate guardrails.`);
    const out: GuardrailContentBlock = { text: block.text.text };
    if (block.text.qualifiers) out.qualifiers = block.text.qualifiers;
    return out;
  });
  const request: ApplyGuardrailRequest = { source: wire.source, content };
  if (wire.outputScope) request.outputScope = wire.outputScope;
  return request;
}
