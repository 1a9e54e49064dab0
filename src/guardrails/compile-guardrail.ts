// A policy prepared for use: per direction, which entity types to look for and what to do with each, the
// custom regexes and word lists compiled, the topic index built on first use. Cached per policy object,
// so a guardrail version is prepared once however many requests use it.

import { DEFAULT_TOPIC_THRESHOLD, indexTopics, type TopicIndex } from './denied-topics.js';
import type { EmbedTexts } from './embedding.js';
import type {
  ContentFilterConfig,
  GroundingFilterConfig,
  GuardrailPolicy,
  TopicConfig,
} from './guardrail-policy.js';
import type { GuardrailSource } from './guardrail-types.js';
import type { PiiEntityType } from './pii-types.js';
import { compileWordList, profanityRegex } from './word-filter.js';

export type SensitiveAction = 'BLOCK' | 'ANONYMIZE' | 'NONE';

export interface CompiledRegex {
  name: string;
  pattern: string;
  regex: RegExp;
  action: SensitiveAction;
}

export interface DirectionRules {
  piiActions: Map<PiiEntityType, SensitiveAction>;
  piiTypes: Set<PiiEntityType>;
  regexes: CompiledRegex[];
  customWords: Array<{ regex: RegExp; block: boolean }>;
  profanity?: { regex: RegExp; block: boolean };
  topics: Array<{ topic: TopicConfig; block: boolean }>;
  promptAttack?: ContentFilterConfig;
  grounding: GroundingFilterConfig[];
}

export interface CompiledGuardrail {
  policy: GuardrailPolicy;
  input: DirectionRules;
  output: DirectionRules;
  topicThreshold: number;
  topicIndex(embed: EmbedTexts): Promise<TopicIndex>;
}

interface Directional {
  action?: string;
  inputAction?: string;
  outputAction?: string;
  inputEnabled?: boolean;
  outputEnabled?: boolean;
}

/** The action for one direction, or undefined when the rule is switched off there. */
function actionFor<A extends string>(rule: Directional, source: GuardrailSource, fallback: A): A | undefined {
  const enabled = source === 'INPUT' ? rule.inputEnabled : rule.outputEnabled;
  if (enabled === false) return undefined;
  const own = source === 'INPUT' ? rule.inputAction : rule.outputAction;
  return (own ?? rule.action ?? fallback) as A;
}

function rulesFor(policy: GuardrailPolicy, source: GuardrailSource): DirectionRules {
  const piiActions = new Map<PiiEntityType, SensitiveAction>();
  for (const entity of policy.sensitiveInformationPolicyConfig?.piiEntitiesConfig ?? []) {
    const action = actionFor<SensitiveAction>(entity, source, 'BLOCK');
    if (action) piiActions.set(entity.type, action);
  }
  const regexes: CompiledRegex[] = [];
  for (const r of policy.sensitiveInformationPolicyConfig?.regexesConfig ?? []) {
    const action = actionFor<SensitiveAction>(r, source, 'BLOCK');
    if (action) regexes.push({ name: r.name, pattern: r.pattern, regex: new RegExp(r.pattern, 'g'), action });
  }
  const rules: DirectionRules = {
    piiActions,
    piiTypes: new Set(piiActions.keys()),
    regexes,
    customWords: [],
    topics: [],
    grounding: [],
  };

  const words = policy.wordPolicyConfig?.wordsConfig ?? [];
  // Words may differ in action per direction: blocking ones and detect-only ones share one regex each.
  const blocking = words
    .filter((w) => actionFor<'BLOCK' | 'NONE'>(w, source, 'BLOCK') === 'BLOCK')
    .map((w) => w.text);
  const detectOnly = words
    .filter((w) => actionFor<'BLOCK' | 'NONE'>(w, source, 'BLOCK') === 'NONE')
    .map((w) => w.text);
  const blockingRegex = compileWordList(blocking);
  const detectRegex = compileWordList(detectOnly);
  if (blockingRegex) rules.customWords.push({ regex: blockingRegex, block: true });
  if (detectRegex) rules.customWords.push({ regex: detectRegex, block: false });
  for (const managed of policy.wordPolicyConfig?.managedWordListsConfig ?? []) {
    const action = actionFor(managed, source, 'BLOCK');
    if (action) rules.profanity = { regex: profanityRegex(), block: action === 'BLOCK' };
  }
  for (const topic of policy.topicPolicyConfig?.topicsConfig ?? []) {
    const action = actionFor(topic, source, 'BLOCK');
    if (action) rules.topics.push({ topic, block: action === 'BLOCK' });
  }
  for (const filter of policy.contentPolicyConfig?.filtersConfig ?? []) {
    const strength = source === 'INPUT' ? filter.inputStrength : filter.outputStrength;
    const enabled = source === 'INPUT' ? filter.inputEnabled : filter.outputEnabled;
    if (filter.type === 'PROMPT_ATTACK' && strength !== 'NONE' && enabled !== false)
      rules.promptAttack = filter;
  }
  // Grounding judges a model's answer: output only, as in Bedrock.
  if (source === 'OUTPUT') {
    rules.grounding = (policy.contextualGroundingPolicyConfig?.filtersConfig ?? []).filter(
      (f) => f.enabled !== false,
    );
  }
  return rules;
}

const cache = new WeakMap<GuardrailPolicy, CompiledGuardrail>();

export function compileGuardrail(
  policy: GuardrailPolicy,
  topicThreshold = DEFAULT_TOPIC_THRESHOLD,
): CompiledGuardrail {
  const cached = cache.get(policy);
  if (cached && cached.topicThreshold === topicThreshold) return cached;
  let index: Promise<TopicIndex> | undefined;
  const compiled: CompiledGuardrail = {
    policy,
    input: rulesFor(policy, 'INPUT'),
    output: rulesFor(policy, 'OUTPUT'),
    topicThreshold,
    topicIndex(embed) {
      index ??= indexTopics(policy.topicPolicyConfig?.topicsConfig ?? [], embed).catch((error: unknown) => {
        index = undefined; // A failed embedding call is retried by the next request.
        throw error;
      });
      return index;
    },
  };
  cache.set(policy, compiled);
  return compiled;
}
