// ApplyGuardrail: every policy of a guardrail on the text of one request or response, with Bedrock's
// result shape. The policies that need no model (patterns, words, prompt-attack cues, lexical grounding)
// cost microseconds; denied topics and embedding relevance need the embedding function, and run only
// when the policy has them.

import { type CompiledGuardrail, compileGuardrail, type DirectionRules } from './compile-guardrail.js';
import { groundingScore, relevanceScore } from './contextual-grounding.js';
import { scoreTopics } from './denied-topics.js';
import type { EmbedTexts } from './embedding.js';
import type { GuardrailPolicy } from './guardrail-policy.js';
import type {
  ApplyGuardrailRequest,
  ApplyGuardrailResult,
  GuardrailAssessment,
  GuardrailContentBlock,
  GuardrailUsage,
} from './guardrail-types.js';
import { CONFIDENCE_RANK, type Confidence, promptAttackConfidence, strengthBlocks } from './prompt-attack.js';
import { applySensitiveInformation } from './sensitive-information.js';
import { findWords } from './word-filter.js';

export interface ApplyOptions {
  /** Needed when the policy has denied topics; improves relevance scoring when given. */
  embed?: EmbedTexts;
  /** Cosine at or above which a denied topic is detected. */
  topicThreshold?: number;
}

function isGuarded(block: GuardrailContentBlock): boolean {
  const q = block.qualifiers;
  return !q || q.length === 0 || q.includes('guard_content');
}

function units(chars: number, on: boolean): number {
  return on && chars > 0 ? Math.ceil(chars / 1000) : 0;
}

function usageOf(
  rules: DirectionRules,
  guardedChars: number,
  topicsOn: boolean,
  groundingOn: boolean,
): GuardrailUsage {
  return {
    topicPolicyUnits: units(guardedChars, topicsOn),
    contentPolicyUnits: units(guardedChars, rules.promptAttack !== undefined),
    wordPolicyUnits: units(guardedChars, rules.customWords.length > 0 || rules.profanity !== undefined),
    sensitiveInformationPolicyUnits: units(guardedChars, rules.regexes.length > 0),
    sensitiveInformationPolicyFreeUnits: units(guardedChars, rules.piiTypes.size > 0),
    contextualGroundingPolicyUnits: units(guardedChars, groundingOn),
  };
}

export async function applyGuardrail(
  policy: GuardrailPolicy | CompiledGuardrail,
  request: ApplyGuardrailRequest,
  options: ApplyOptions = {},
): Promise<ApplyGuardrailResult> {
  const started = performance.now();
  const compiled = 'input' in policy ? policy : compileGuardrail(policy, options.topicThreshold);
  const rules = request.source === 'INPUT' ? compiled.input : compiled.output;
  const blocks: GuardrailContentBlock[] =
    typeof request.content === 'string' ? [{ text: request.content }] : request.content;
  const guarded = blocks.filter(isGuarded);
  const assessment: GuardrailAssessment = {};
  let blocked = false;
  let anonymized = false;

  const masked: string[] = [];
  let guardedChars = 0;
  let attack: Confidence = 'NONE';
  const customWords: NonNullable<GuardrailAssessment['wordPolicy']>['customWords'] = [];
  const managedWordLists: NonNullable<GuardrailAssessment['wordPolicy']>['managedWordLists'] = [];
  const pii: NonNullable<GuardrailAssessment['sensitiveInformationPolicy']> = {
    piiEntities: [],
    regexes: [],
  };

  for (const block of guarded) {
    const text = block.text;
    guardedChars += text.length;
    for (const list of rules.customWords) {
      for (const found of findWords(list.regex, text)) {
        customWords.push({ match: found.match, action: list.block ? 'BLOCKED' : 'NONE', detected: true });
        if (list.block) blocked = true;
      }
    }
    if (rules.profanity) {
      for (const found of findWords(rules.profanity.regex, text)) {
        managedWordLists.push({
          match: found.match,
          type: 'PROFANITY',
          action: rules.profanity.block ? 'BLOCKED' : 'NONE',
          detected: true,
        });
        if (rules.profanity.block) blocked = true;
      }
    }
    if (rules.piiTypes.size > 0 || rules.regexes.length > 0) {
      const outcome = applySensitiveInformation(rules, text);
      pii.piiEntities.push(...outcome.assessment.piiEntities);
      pii.regexes.push(...outcome.assessment.regexes);
      if (outcome.blocked) blocked = true;
      if (outcome.masked !== text) anonymized = true;
      masked.push(outcome.masked);
    } else {
      masked.push(text);
    }
    if (rules.promptAttack) {
      const confidence = promptAttackConfidence(text, block.origin ?? 'user');
      if (CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[attack]) attack = confidence;
    }
  }

  if (customWords.length > 0 || managedWordLists.length > 0)
    assessment.wordPolicy = { customWords, managedWordLists };
  if (pii.piiEntities.length > 0 || pii.regexes.length > 0) assessment.sensitiveInformationPolicy = pii;

  if (rules.promptAttack && attack !== 'NONE') {
    const filter = rules.promptAttack;
    const block = strengthBlocks(filter.inputStrength, attack) && (filter.inputAction ?? 'BLOCK') === 'BLOCK';
    if (block) blocked = true;
    assessment.contentPolicy = {
      filters: [
        {
          type: 'PROMPT_ATTACK',
          confidence: attack,
          filterStrength: filter.inputStrength,
          action: block ? 'BLOCKED' : 'NONE',
          detected: true,
        },
      ],
    };
  }

  const guardedText = guarded.map((b) => b.text).join('\n');
  const topicsOn = rules.topics.length > 0 && guardedText.trim().length > 0;
  if (topicsOn) {
    if (!options.embed) throw new Error('Denied topics need an embedding function (ApplyOptions.embed).');
    const index = await compiled.topicIndex(options.embed);
    const scores = await scoreTopics(index, guardedText, options.embed);
    const topics: NonNullable<GuardrailAssessment['topicPolicy']>['topics'] = [];
    for (const { topic, score } of scores) {
      if (score < compiled.topicThreshold) continue;
      const rule = rules.topics.find((t) => t.topic === topic);
      if (!rule) continue; // Switched off in this direction.
      topics.push({
        name: topic.name,
        type: 'DENY',
        action: rule.block ? 'BLOCKED' : 'NONE',
        detected: true,
      });
      if (rule.block) blocked = true;
    }
    if (topics.length > 0) assessment.topicPolicy = { topics };
  }

  const sources = blocks.filter((b) => b.qualifiers?.includes('grounding_source')).map((b) => b.text);
  const query = blocks
    .filter((b) => b.qualifiers?.includes('query'))
    .map((b) => b.text)
    .join('\n');
  // Grounding needs something to ground on: without a source (or, for relevance, a query) it is not scored.
  const groundingOn = rules.grounding.length > 0 && sources.length > 0;
  if (groundingOn) {
    const filters: NonNullable<GuardrailAssessment['contextualGroundingPolicy']>['filters'] = [];
    for (const filter of rules.grounding) {
      if (filter.type === 'RELEVANCE' && query.trim() === '') continue;
      const score =
        filter.type === 'GROUNDING'
          ? groundingScore(guardedText, sources)
          : await relevanceScore(guardedText, query, options.embed);
      const below = score < filter.threshold;
      const block = below && (filter.action ?? 'BLOCK') === 'BLOCK';
      if (block) blocked = true;
      filters.push({
        type: filter.type,
        threshold: filter.threshold,
        score,
        action: block ? 'BLOCKED' : 'NONE',
        detected: below,
      });
    }
    if (filters.length > 0) assessment.contextualGroundingPolicy = { filters };
  }

  const usage = usageOf(rules, guardedChars, topicsOn, groundingOn);
  const total = blocks.reduce((n, b) => n + b.text.length, 0);
  const guardrailCoverage = { textCharacters: { guarded: guardedChars, total } };
  assessment.invocationMetrics = {
    guardrailProcessingLatency: Math.round(performance.now() - started),
    usage,
    guardrailCoverage,
  };

  const intervened = blocked || anonymized;
  let outputs: Array<{ text: string }> = [];
  if (blocked) {
    const message =
      request.source === 'INPUT'
        ? compiled.policy.blockedInputMessaging
        : compiled.policy.blockedOutputsMessaging;
    outputs = [{ text: message }];
  } else if (anonymized || request.outputScope === 'FULL') {
    outputs = masked.map((text) => ({ text }));
  }
  return {
    action: intervened ? 'GUARDRAIL_INTERVENED' : 'NONE',
    actionReason: blocked ? 'Guardrail blocked.' : anonymized ? 'Guardrail masked.' : 'No action.',
    outputs,
    assessments: [assessment],
    usage,
    guardrailCoverage,
    blocked,
  };
}

/** What an audit record may say about an intervention: policies and types, never the matched text. */
export function interventionSummary(result: ApplyGuardrailResult): Record<string, unknown> {
  const policies = new Set<string>();
  const entityTypes = new Set<string>();
  const regexes = new Set<string>();
  const topics = new Set<string>();
  const filters = new Set<string>();
  for (const a of result.assessments) {
    if (a.topicPolicy) {
      policies.add('topicPolicy');
      for (const t of a.topicPolicy.topics) topics.add(t.name);
    }
    if (a.wordPolicy) {
      policies.add('wordPolicy');
      if (a.wordPolicy.managedWordLists.length > 0) filters.add('PROFANITY');
      if (a.wordPolicy.customWords.length > 0) filters.add('CUSTOM_WORDS');
    }
    if (a.sensitiveInformationPolicy) {
      policies.add('sensitiveInformationPolicy');
      for (const e of a.sensitiveInformationPolicy.piiEntities) entityTypes.add(e.type);
      for (const r of a.sensitiveInformationPolicy.regexes) regexes.add(r.name);
    }
    if (a.contentPolicy) {
      policies.add('contentPolicy');
      for (const f of a.contentPolicy.filters) filters.add(f.type);
    }
    if (a.contextualGroundingPolicy?.filters.some((f) => f.detected)) {
      policies.add('contextualGroundingPolicy');
      for (const f of a.contextualGroundingPolicy.filters) if (f.detected) filters.add(f.type);
    }
  }
  return {
    action: result.blocked ? 'BLOCKED' : 'ANONYMIZED',
    policies: [...policies],
    entity_types: [...entityTypes],
    regexes: [...regexes],
    topics: [...topics],
    filters: [...filters],
  };
}
