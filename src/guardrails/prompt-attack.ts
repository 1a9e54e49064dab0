// Prompt-attack detection by patterns: phrases of known jailbreaks (role-play without rules, "developer
// mode", DAN), instruction overrides ("ignore all previous instructions"), system-prompt extraction, and
// chat-template tokens smuggled into text. Each cue has a weight; the sum is the confidence. Text that
// arrived as data (a document, a tool result, a retrieved passage) has no business giving the model
// orders at all, so cues addressed to the model count double there and a few more apply ("do not tell
// the user", "send ... to http..."). A pattern list, not a classifier: it catches the common forms and
// their paraphrases within the patterns, and says so in its name.

import type { FilterStrength } from './guardrail-policy.js';

export type ContentOrigin = 'user' | 'data';
export type Confidence = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

interface Cue {
  regex: RegExp;
  weight: number;
  /** Applies only to text that arrived as data. */
  dataOnly?: boolean;
}

const CUES: readonly Cue[] = [
  {
    regex:
      /\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{0,30}\b(?:previous|prior|above|earlier|preceding|all|any|your|the|system|original)\b[^.\n]{0,20}\b(?:instructions?|prompts?|rules|guidelines|directives|context|policies|restrictions)\b/i,
    weight: 3,
  },
  { regex: /\b(?:new|updated|real|actual)\s+(?:system\s+)?instructions?\s*(?::|are|follow)/i, weight: 2 },
  {
    regex:
      /\b(?:reveal|show|print|repeat|output|tell me|what (?:is|are)|leak|dump)\b[^.\n]{0,25}\b(?:system prompt|initial prompt|hidden (?:prompt|instructions)|your instructions|the instructions above|developer message)\b/i,
    weight: 3,
  },
  {
    regex: /\b(?:DAN|do anything now|developer mode|jailbreak(?:ed)?|god mode|sudo mode|unfiltered mode)\b/i,
    weight: 3,
  },
  {
    regex:
      /\b(?:pretend|act|behave|roleplay|role-play)\b[^.\n]{0,40}\b(?:no|without|free of|free from|not bound by|unrestricted|uncensored|any)\b[^.\n]{0,20}\b(?:restrictions?|rules|limits|filters?|guidelines|ethics|censorship|policies|morals)\b/i,
    weight: 3,
  },
  { regex: /\byou are (?:now|no longer)\b[^.\n]{0,60}/i, weight: 1 },
  {
    regex: /\b(?:from now on|for the rest of this conversation)\b[^.\n]{0,40}\b(?:you|respond|answer|act)\b/i,
    weight: 1,
  },
  {
    regex: /\b(?:stay in character|never refuse|must not refuse|cannot refuse|without any warnings?)\b/i,
    weight: 2,
  },
  {
    regex:
      /<\|im_start\|>|<\|system\|>|\[\/?INST\]|<<SYS>>|<\/?system>|^\s*#{2,}\s*(?:system|instruction)s?\b/im,
    weight: 3,
  },
  {
    regex:
      /\b(?:base64|rot13|hex)[- ]?(?:decode|encoded)\b[^.\n]{0,40}\b(?:instructions?|and (?:follow|execute|run))\b/i,
    weight: 2,
  },
  // Addressed to the model from inside data.
  {
    regex:
      /\b(?:AI|assistant|language model|LLM|chatbot|model)\b\s*[,:]?\s*(?:please\s+)?(?:you must|you should|now|ignore|do not|don't|always|never)\b/i,
    weight: 2,
    dataOnly: true,
  },
  {
    regex:
      /\b(?:do not|don't|never)\s+(?:tell|inform|mention (?:this|it) to|reveal (?:this|it) to)\s+the user\b/i,
    weight: 3,
    dataOnly: true,
  },
  {
    regex:
      /\b(?:send|post|forward|upload|exfiltrate|email)\b[^.\n]{0,60}\b(?:to|at)\s+(?:https?:\/\/|[\w.-]+@[\w-]+\.)/i,
    weight: 2,
    dataOnly: true,
  },
  {
    regex: /\b(?:when you (?:read|see|process) this|if you are an? (?:AI|assistant|language model|LLM))\b/i,
    weight: 2,
    dataOnly: true,
  },
  {
    regex: /\b(?:important|attention|note)\s*(?:to|for)?\s*(?:the\s+)?(?:AI|assistant|model|LLM)\b/i,
    weight: 2,
    dataOnly: true,
  },
];

export function promptAttackConfidence(text: string, origin: ContentOrigin): Confidence {
  let score = 0;
  for (const cue of CUES) {
    if (cue.dataOnly && origin !== 'data') continue;
    if (cue.regex.test(text)) score += cue.dataOnly || origin !== 'data' ? cue.weight : cue.weight * 2;
  }
  if (score >= 3) return 'HIGH';
  if (score >= 2) return 'MEDIUM';
  if (score >= 1) return 'LOW';
  return 'NONE';
}

export const CONFIDENCE_RANK: Record<Confidence, number> = { NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

/** Bedrock's semantics: a stronger filter blocks at lower confidence (HIGH strength blocks LOW and up). */
export function strengthBlocks(strength: FilterStrength, confidence: Confidence): boolean {
  if (strength === 'NONE' || confidence === 'NONE') return false;
  const needed: Record<Exclude<FilterStrength, 'NONE'>, number> = { HIGH: 1, MEDIUM: 2, LOW: 3 };
  return CONFIDENCE_RANK[confidence] >= needed[strength];
}
