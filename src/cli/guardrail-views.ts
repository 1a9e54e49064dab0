// How `lakegate guardrails` draws what the Bedrock-shaped routes answer: a guardrail's policies as short
// tables (what each rule does on input and on output), and an ApplyGuardrail result as the action, the
// text that goes on, and one row per finding with where it is in the checked text.

import type { ApplyGuardrailResult, GuardrailAssessment, GuardrailPolicy } from '../guardrails/index.js';
import { escapeText, formatTime, renderDetails, renderTable } from './format-table.js';

type Policy = GuardrailPolicy;
type Topic = NonNullable<Policy['topicPolicyConfig']>['topicsConfig'][number];
type ContentFilter = NonNullable<Policy['contentPolicyConfig']>['filtersConfig'][number];
type GroundingFilter = NonNullable<Policy['contextualGroundingPolicyConfig']>['filtersConfig'][number];
type SensitiveConfig = NonNullable<Policy['sensitiveInformationPolicyConfig']>;
type PiiEntity = NonNullable<SensitiveConfig['piiEntitiesConfig']>[number];
type Regex = NonNullable<SensitiveConfig['regexesConfig']>[number];
type WordConfig = NonNullable<Policy['wordPolicyConfig']>;

/** GetGuardrail's answer (guardrail-wire.ts): the stored configs under their read names. */
export interface GuardrailWire {
  guardrailId: string;
  guardrailArn: string;
  name: string;
  description?: string;
  version: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  blockedInputMessaging?: string;
  blockedOutputsMessaging?: string;
  topicPolicy?: { topics: Topic[] };
  contentPolicy?: { filters: ContentFilter[] };
  wordPolicy?: {
    words: NonNullable<WordConfig['wordsConfig']>;
    managedWordLists: NonNullable<WordConfig['managedWordListsConfig']>;
  };
  sensitiveInformationPolicy?: { piiEntities: PiiEntity[]; regexes: Regex[] };
  contextualGroundingPolicy?: { filters: GroundingFilter[] };
}

export interface SummaryWire {
  id: string;
  name: string;
  status: string;
  version: string;
  description?: string;
  updatedAt: string;
}

export type ApplyWire = Omit<ApplyGuardrailResult, 'blocked'>;

// ---- rendering: a guardrail ------------------------------------------------------------------------

/** What a rule does on one direction: off when disabled there, else its own action for it. */
function direction(action: string | undefined, enabled: boolean | undefined): string {
  return enabled === false ? 'off' : (action ?? '-');
}

/** A rule's INPUT and OUTPUT cells: its own action per direction, else `fallback`. */
function directions(
  rule: { inputAction?: string; outputAction?: string; inputEnabled?: boolean; outputEnabled?: boolean },
  fallback: string | undefined,
): [string, string] {
  return [
    direction(rule.inputAction ?? fallback, rule.inputEnabled),
    direction(rule.outputAction ?? fallback, rule.outputEnabled),
  ];
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function section(title: string, body: string): string {
  return `\n${title}\n${indent(body)}`;
}

export function renderGuardrail(g: GuardrailWire, color: boolean): string {
  const pairs: [string, string][] = [
    ['id', g.guardrailId],
    ['name', g.name],
    ['arn', g.guardrailArn],
    ['version', g.version],
    ['status', g.status],
  ];
  if (g.description) pairs.push(['description', g.description]);
  pairs.push(
    ['created', formatTime(g.createdAt)],
    ['updated', formatTime(g.updatedAt)],
    ['blocked input', g.blockedInputMessaging ?? '-'],
    ['blocked output', g.blockedOutputsMessaging ?? '-'],
  );
  const parts = [renderDetails(pairs)];
  const table = (headers: string[], rows: string[][]) => renderTable(headers, rows, { color });

  const pii = g.sensitiveInformationPolicy;
  if (pii && (pii.piiEntities.length > 0 || pii.regexes.length > 0)) {
    const rows = [
      ...pii.piiEntities.map((e) => [e.type, ...directions(e, e.action)]),
      ...pii.regexes.map((r) => [`${r.name} (regex ${r.pattern})`, ...directions(r, r.action)]),
    ];
    parts.push(section('Sensitive information', table(['TYPE', 'INPUT', 'OUTPUT'], rows)));
  }

  const topics = g.topicPolicy?.topics ?? [];
  if (topics.length > 0) {
    const lines = topics.map((t) => {
      const [input, output] = directions(t, 'BLOCK');
      const actions = `input ${input}, output ${output}`;
      const examples = (t.examples ?? []).map((e) => `    e.g. "${escapeText(e)}"`);
      return [`${escapeText(t.name)} (${actions})`, `    ${escapeText(t.definition)}`, ...examples].join(
        '\n',
      );
    });
    parts.push(section('Denied topics', lines.join('\n')));
  }

  const words = g.wordPolicy;
  if (words && (words.words.length > 0 || words.managedWordLists.length > 0)) {
    const rows = [
      ...words.words.map((w) => [w.text, ...directions(w, 'BLOCK')]),
      ...words.managedWordLists.map((l) => [`${l.type} (managed list)`, ...directions(l, 'BLOCK')]),
    ];
    parts.push(section('Word filters', table(['WORDS', 'INPUT', 'OUTPUT'], rows)));
  }

  const filters = g.contentPolicy?.filters ?? [];
  if (filters.length > 0) {
    const rows = filters.map((f) => [
      f.type,
      direction(f.inputStrength, f.inputEnabled),
      direction(f.outputStrength, f.outputEnabled),
    ]);
    parts.push(section('Content filters (strength)', table(['FILTER', 'INPUT', 'OUTPUT'], rows)));
  }

  const grounding = g.contextualGroundingPolicy?.filters ?? [];
  if (grounding.length > 0) {
    const rows = grounding.map((f) => [
      f.type,
      String(f.threshold),
      f.enabled === false ? 'off' : `${f.action ?? 'BLOCK'} below the threshold`,
    ]);
    parts.push(section('Contextual grounding', table(['CHECK', 'THRESHOLD', 'ACTION'], rows)));
  }

  if (parts.length === 1) parts.push('\n(no policies)');
  return parts.join('\n');
}

// ---- rendering: an ApplyGuardrail result -----------------------------------------------------------

/** Finds each reported match in the checked text: the nth report of a string is its nth occurrence. */
function locator(text: string): (match: string | undefined) => string {
  const lower = text.toLowerCase();
  const next = new Map<string, number>();
  return (match) => {
    if (!match) return '-';
    const from = next.get(match) ?? 0;
    let at = text.indexOf(match, from);
    // Word filters match case-insensitively; the report may not carry the text's own case.
    if (at < 0) at = lower.indexOf(match.toLowerCase(), from);
    if (at < 0) return '-';
    next.set(match, at + match.length);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    return `${line}:${column}`;
  };
}

/** One row per finding: POLICY, FOUND, ACTION, WHERE (line:column in the checked text), MATCH. */
function assessmentRows(assessment: GuardrailAssessment, where: (match?: string) => string): string[][] {
  const rows: string[][] = [];
  for (const e of assessment.sensitiveInformationPolicy?.piiEntities ?? []) {
    rows.push(['sensitive information', e.type, e.action, where(e.match), e.match]);
  }
  for (const r of assessment.sensitiveInformationPolicy?.regexes ?? []) {
    rows.push(['regex', r.name, r.action, where(r.match), r.match]);
  }
  for (const w of assessment.wordPolicy?.customWords ?? []) {
    rows.push(['word filter', 'custom word', w.action, where(w.match), w.match]);
  }
  for (const w of assessment.wordPolicy?.managedWordLists ?? []) {
    rows.push(['word filter', w.type, w.action, where(w.match), w.match]);
  }
  for (const t of assessment.topicPolicy?.topics ?? []) {
    if (t.detected !== false) rows.push(['denied topic', t.name, t.action, 'whole text', '-']);
  }
  for (const f of assessment.contentPolicy?.filters ?? []) {
    if (f.detected === false) continue;
    rows.push(['content filter', `${f.type} (confidence ${f.confidence})`, f.action, 'whole text', '-']);
  }
  for (const f of assessment.contextualGroundingPolicy?.filters ?? []) {
    // Scores are shown even when they pass: how close to the threshold an answer came is the point.
    const score = `${f.type} ${f.score.toFixed(2)} (threshold ${f.threshold})`;
    rows.push(['contextual grounding', score, f.action, 'whole text', '-']);
  }
  return rows;
}

export function renderApply(result: ApplyWire, checked: string, color: boolean): string {
  const intervened = result.action === 'GUARDRAIL_INTERVENED';
  // The reason says whether it blocked or masked; on NONE it only repeats the action.
  const reason = intervened && result.actionReason ? ` (${escapeText(result.actionReason)})` : '';
  const lines = [`action: ${result.action}${reason}`];
  if (result.outputs.length > 0) {
    lines.push(intervened ? 'output:' : 'output (unchanged):');
    for (const output of result.outputs)
      lines.push(indent(output.text.split('\n').map(escapeText).join('\n')));
  } else {
    lines.push('output: (the text passes unchanged)');
  }
  const where = locator(checked);
  const rows = result.assessments.flatMap((a) => assessmentRows(a, where));
  lines.push('');
  lines.push(
    rows.length === 0
      ? 'Nothing was found.'
      : renderTable(['POLICY', 'FOUND', 'ACTION', 'WHERE', 'MATCH'], rows, { color }),
  );
  const metrics = result.assessments[0]?.invocationMetrics;
  const chars = result.guardrailCoverage?.textCharacters;
  if (chars) {
    const latency = metrics ? ` in ${metrics.guardrailProcessingLatency} ms` : '';
    lines.push('', `checked ${chars.guarded} of ${chars.total} characters${latency}`);
  }
  return lines.join('\n');
}
