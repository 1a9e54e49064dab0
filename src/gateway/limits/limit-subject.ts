// Which counters one call is charged to: each rule that applies, once per distinct thing it counts
// (a rule on "each group" counts the call once for every group of the caller).

import type { ConcurrencyRule, RuleScope } from './limits-policy.js';

/** The caller and target of one model call, as the limits see them. */
export interface LimitSubject {
  /** The principal (Actor from the catalog fits): its name and whether it is a user or a service. */
  actor: { name: string; kind: 'user' | 'service' };
  /** Names of every group the principal belongs to, directly or through nested groups. */
  groups?: readonly string[];
  /** The API key the request authenticated with, when it used one. */
  keyId?: string | undefined;
  /** The endpoint name (or model id) the call addresses. */
  endpoint?: string | undefined;
}

/** The subject with names lower-cased once, as rules store them. */
export interface NormalisedSubject {
  user: string;
  kind: 'user' | 'service';
  groups: readonly string[];
  keyId: string | undefined;
  endpoint: string | undefined;
}

export function normaliseSubject(subject: LimitSubject): NormalisedSubject {
  return {
    user: subject.actor.name.toLowerCase(),
    kind: subject.actor.kind,
    groups: (subject.groups ?? []).map((g) => g.toLowerCase()),
    keyId: subject.keyId,
    endpoint: subject.endpoint,
  };
}

/** The values a rule counts this call under; empty when the rule does not apply to it. */
export function countedAs(rule: RuleScope, s: NormalisedSubject): readonly string[] {
  if (rule.endpoint !== undefined && rule.endpoint !== s.endpoint) return [];
  switch (rule.key) {
    case 'endpoint':
      return s.endpoint === undefined ? [] : [s.endpoint];
    case 'api_key':
      if (s.keyId === undefined) return [];
      return rule.principal === undefined || rule.principal === s.keyId ? [s.keyId] : [];
    case 'user':
    case 'service_principal':
      if (s.kind !== (rule.key === 'user' ? 'user' : 'service')) return [];
      return rule.principal === undefined || rule.principal === s.user ? [s.user] : [];
    case 'user_group':
      if (rule.principal === undefined) return s.groups;
      return s.groups.includes(rule.principal) ? [rule.principal] : [];
  }
}

/** The reservations of a concurrency rule this caller may use, in config order. */
export function reservationsFor(rule: ConcurrencyRule, s: NormalisedSubject): number[] {
  const indexes: number[] = [];
  rule.reserved.forEach((r, index) => {
    const matches =
      r.key === 'user_group'
        ? s.groups.includes(r.principal)
        : s.kind === (r.key === 'user' ? 'user' : 'service') && s.user === r.principal;
    if (matches) indexes.push(index);
  });
  return indexes;
}
