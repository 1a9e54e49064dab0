// A guardrail's policy, in the shape of Bedrock's CreateGuardrail request (so what a client sends is what
// is stored and versioned), validated with zod. What Lakegate cannot enforce is refused here, at
// creation, with a message that says so: a guardrail that silently skips part of its policy is worse
// than none.

import { z } from 'zod';
import { validationError } from '../core/index.js';
import { PII_ENTITY_TYPES } from './pii-types.js';

const sensitiveAction = z.enum(['BLOCK', 'ANONYMIZE', 'NONE']);
const blockOrNone = z.enum(['BLOCK', 'NONE']);
const strength = z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH']);
const perDirection = {
  inputEnabled: z.boolean().optional(),
  outputEnabled: z.boolean().optional(),
};

const piiEntityConfig = z.strictObject({
  type: z.enum(PII_ENTITY_TYPES),
  action: sensitiveAction,
  inputAction: sensitiveAction.optional(),
  outputAction: sensitiveAction.optional(),
  ...perDirection,
});

/** Custom patterns run on every guarded text: bounded in length, and they must compile. */
const regexConfig = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(1000).optional(),
  pattern: z
    .string()
    .min(1)
    .max(500)
    .refine((p) => {
      try {
        new RegExp(p, 'g');
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression'),
  action: sensitiveAction,
  inputAction: sensitiveAction.optional(),
  outputAction: sensitiveAction.optional(),
  ...perDirection,
});

const topicConfig = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[0-9a-zA-Z\-_ !?.]+$/, 'letters, digits, spaces and - _ ! ? .'),
  definition: z.string().min(1).max(1000),
  examples: z.array(z.string().min(1).max(100)).max(5).optional(),
  type: z.literal('DENY'),
  inputAction: blockOrNone.optional(),
  outputAction: blockOrNone.optional(),
  ...perDirection,
});

const wordConfig = z.strictObject({
  text: z.string().min(1).max(100),
  inputAction: blockOrNone.optional(),
  outputAction: blockOrNone.optional(),
  ...perDirection,
});

const managedWordsConfig = z.strictObject({
  type: z.literal('PROFANITY'),
  inputAction: blockOrNone.optional(),
  outputAction: blockOrNone.optional(),
  ...perDirection,
});

const contentFilterConfig = z.strictObject({
  type: z.enum(['SEXUAL', 'VIOLENCE', 'HATE', 'INSULTS', 'MISCONDUCT', 'PROMPT_ATTACK']),
  inputStrength: strength,
  outputStrength: strength,
  inputModalities: z.array(z.enum(['TEXT', 'IMAGE'])).optional(),
  outputModalities: z.array(z.enum(['TEXT', 'IMAGE'])).optional(),
  inputAction: blockOrNone.optional(),
  outputAction: blockOrNone.optional(),
  ...perDirection,
});

const groundingFilterConfig = z.strictObject({
  type: z.enum(['GROUNDING', 'RELEVANCE']),
  threshold: z.number().min(0).max(0.99),
  action: blockOrNone.optional(),
  enabled: z.boolean().optional(),
});

/** Tiers choose Bedrock's model generation; there is one implementation here, so any tier is that one. */
const tierConfig = z.strictObject({ tierName: z.string() }).optional();

export const guardrailPolicySchema = z.strictObject({
  topicPolicyConfig: z
    .strictObject({ topicsConfig: z.array(topicConfig).min(1).max(30), tierConfig })
    .optional(),
  contentPolicyConfig: z
    .strictObject({ filtersConfig: z.array(contentFilterConfig).min(1).max(6), tierConfig })
    .optional(),
  wordPolicyConfig: z
    .strictObject({
      wordsConfig: z.array(wordConfig).max(10_000).optional(),
      managedWordListsConfig: z.array(managedWordsConfig).max(1).optional(),
    })
    .optional(),
  sensitiveInformationPolicyConfig: z
    .strictObject({
      piiEntitiesConfig: z.array(piiEntityConfig).max(PII_ENTITY_TYPES.length).optional(),
      regexesConfig: z.array(regexConfig).max(10).optional(),
    })
    .optional(),
  contextualGroundingPolicyConfig: z
    .strictObject({ filtersConfig: z.array(groundingFilterConfig).min(1).max(2), tierConfig })
    .optional(),
  blockedInputMessaging: z.string().min(1).max(500),
  blockedOutputsMessaging: z.string().min(1).max(500),
});

export type GuardrailPolicy = z.infer<typeof guardrailPolicySchema>;
export type PiiEntityConfig = z.infer<typeof piiEntityConfig>;
export type RegexConfig = z.infer<typeof regexConfig>;
export type TopicConfig = z.infer<typeof topicConfig>;
export type ContentFilterConfig = z.infer<typeof contentFilterConfig>;
export type GroundingFilterConfig = z.infer<typeof groundingFilterConfig>;
export type FilterStrength = z.infer<typeof strength>;

/**
 * The checks zod cannot express: only PROMPT_ATTACK among the content filters is implemented (the others
 * need a trained classifier), prompt attacks are judged on input only (as in Bedrock), and a type or
 * name appears once.
 */
export function checkPolicySemantics(policy: GuardrailPolicy): void {
  for (const filter of policy.contentPolicyConfig?.filtersConfig ?? []) {
    if (
      filter.type !== 'PROMPT_ATTACK' &&
      (filter.inputStrength !== 'NONE' || filter.outputStrength !== 'NONE')
    ) {
      throw validationError(
        `contentPolicyConfig: the ${filter.type} filter is not implemented by Lakegate (only PROMPT_ATTACK is); set its strengths to NONE or remove it.`,
      );
    }
    if (filter.type === 'PROMPT_ATTACK' && filter.outputStrength !== 'NONE') {
      throw validationError(
        'contentPolicyConfig: PROMPT_ATTACK applies to input only; its outputStrength must be NONE.',
      );
    }
  }
  const unique = (what: string, keys: string[]) => {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) throw validationError(`${what} "${key}" appears more than once.`);
      seen.add(key);
    }
  };
  unique(
    'contentPolicyConfig filter',
    (policy.contentPolicyConfig?.filtersConfig ?? []).map((f) => f.type),
  );
  unique(
    'PII entity type',
    (policy.sensitiveInformationPolicyConfig?.piiEntitiesConfig ?? []).map((e) => e.type),
  );
  unique(
    'regex name',
    (policy.sensitiveInformationPolicyConfig?.regexesConfig ?? []).map((r) => r.name),
  );
  unique(
    'topic name',
    (policy.topicPolicyConfig?.topicsConfig ?? []).map((t) => t.name.toLowerCase()),
  );
  unique(
    'contextual grounding filter',
    (policy.contextualGroundingPolicyConfig?.filtersConfig ?? []).map((f) => f.type),
  );
}
