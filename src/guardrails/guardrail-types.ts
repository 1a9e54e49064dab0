// ApplyGuardrail's request and result, in Bedrock's wire shape (what ApplyGuardrailCommand sends and
// reads), plus `origin`, Lakegate's own mark for text that arrived as data rather than from the user.

import type { ContentOrigin } from './prompt-attack.js';

export type GuardrailSource = 'INPUT' | 'OUTPUT';
export type ContentQualifier = 'grounding_source' | 'query' | 'guard_content';

export interface GuardrailContentBlock {
  text: string;
  qualifiers?: ContentQualifier[];
  /** 'data' for documents, tool results and retrieved passages; judged more strictly for prompt attacks. */
  origin?: ContentOrigin;
}

export interface ApplyGuardrailRequest {
  source: GuardrailSource;
  content: string | GuardrailContentBlock[];
  /** INTERVENTIONS (default): outputs only when the guardrail intervened; FULL: always. */
  outputScope?: 'INTERVENTIONS' | 'FULL';
}

export type PolicyAction = 'BLOCKED' | 'NONE';

export interface GuardrailAssessment {
  topicPolicy?: { topics: Array<{ name: string; type: 'DENY'; action: PolicyAction; detected: boolean }> };
  contentPolicy?: {
    filters: Array<{
      type: string;
      confidence: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
      filterStrength: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
      action: PolicyAction;
      detected: boolean;
    }>;
  };
  wordPolicy?: {
    customWords: Array<{ match: string; action: PolicyAction; detected: boolean }>;
    managedWordLists: Array<{ match: string; type: 'PROFANITY'; action: PolicyAction; detected: boolean }>;
  };
  sensitiveInformationPolicy?: {
    piiEntities: Array<{
      match: string;
      type: string;
      action: 'BLOCKED' | 'ANONYMIZED' | 'NONE';
      detected: boolean;
    }>;
    regexes: Array<{
      name: string;
      match: string;
      regex: string;
      action: 'BLOCKED' | 'ANONYMIZED' | 'NONE';
      detected: boolean;
    }>;
  };
  contextualGroundingPolicy?: {
    filters: Array<{
      type: 'GROUNDING' | 'RELEVANCE';
      threshold: number;
      score: number;
      action: PolicyAction;
      detected: boolean;
    }>;
  };
  invocationMetrics?: {
    guardrailProcessingLatency: number;
    usage: GuardrailUsage;
    guardrailCoverage: GuardrailCoverage;
  };
}

export interface GuardrailUsage {
  topicPolicyUnits: number;
  contentPolicyUnits: number;
  wordPolicyUnits: number;
  sensitiveInformationPolicyUnits: number;
  sensitiveInformationPolicyFreeUnits: number;
  contextualGroundingPolicyUnits: number;
}

export interface GuardrailCoverage {
  textCharacters: { guarded: number; total: number };
}

export interface ApplyGuardrailResult {
  action: 'GUARDRAIL_INTERVENED' | 'NONE';
  actionReason?: string;
  outputs: Array<{ text: string }>;
  assessments: GuardrailAssessment[];
  usage: GuardrailUsage;
  guardrailCoverage: GuardrailCoverage;
  /** True when a policy blocked (the output is the blocked message); false for masking alone. */
  blocked: boolean;
}
