// The sensitive-information policy on one text: entities of the configured types and matches of the
// custom regexes, each with its action; BLOCK blocks, ANONYMIZE replaces the match with `{TYPE}` (or
// `{regex name}`), NONE only reports.

import type { CompiledRegex, DirectionRules, SensitiveAction } from './compile-guardrail.js';
import { detectPii } from './detect-pii.js';
import type { GuardrailAssessment } from './guardrail-types.js';
import { nonEmptyMatches } from './regex-matches.js';

type Reported = 'BLOCKED' | 'ANONYMIZED' | 'NONE';
type SensitiveAssessment = NonNullable<GuardrailAssessment['sensitiveInformationPolicy']>;

const REPORTED: Record<SensitiveAction, Reported> = {
  BLOCK: 'BLOCKED',
  ANONYMIZE: 'ANONYMIZED',
  NONE: 'NONE',
};

const MAX_REGEX_MATCHES = 1000;

interface Replacement {
  start: number;
  end: number;
  placeholder: string;
}

export interface SensitiveOutcome {
  assessment: SensitiveAssessment;
  blocked: boolean;
  /** The text with anonymized matches replaced; the same string when nothing was. */
  masked: string;
}

/** Custom regex matches, capped so a pattern that matches everywhere cannot flood the response. */
function regexMatches(regex: CompiledRegex, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of nonEmptyMatches(regex.regex, text)) {
    out.push([m.index, m.index + m[0].length]);
    if (out.length === MAX_REGEX_MATCHES) break;
  }
  return out;
}

export function applySensitiveInformation(rules: DirectionRules, text: string): SensitiveOutcome {
  const assessment: SensitiveAssessment = { piiEntities: [], regexes: [] };
  const replacements: Replacement[] = [];
  let blocked = false;
  for (const span of detectPii(text, rules.piiTypes)) {
    const action = rules.piiActions.get(span.type) ?? 'NONE';
    assessment.piiEntities.push({
      match: text.slice(span.start, span.end),
      type: span.type,
      action: REPORTED[action],
      detected: true,
    });
    if (action === 'BLOCK') blocked = true;
    if (action === 'ANONYMIZE')
      replacements.push({ start: span.start, end: span.end, placeholder: `{${span.type}}` });
  }
  for (const regex of rules.regexes) {
    for (const [start, end] of regexMatches(regex, text)) {
      assessment.regexes.push({
        name: regex.name,
        match: text.slice(start, end),
        regex: regex.pattern,
        action: REPORTED[regex.action],
        detected: true,
      });
      if (regex.action === 'BLOCK') blocked = true;
      // Entities were placed first; a regex match overlapping one is already covered.
      if (regex.action === 'ANONYMIZE' && !replacements.some((r) => start < r.end && r.start < end)) {
        replacements.push({ start, end, placeholder: `{${regex.name}}` });
      }
    }
  }
  if (replacements.length === 0) return { assessment, blocked, masked: text };
  replacements.sort((a, b) => a.start - b.start);
  let masked = '';
  let at = 0;
  for (const r of replacements) {
    masked += text.slice(at, r.start) + r.placeholder;
    at = r.end;
  }
  return { assessment, blocked, masked: masked + text.slice(at) };
}
