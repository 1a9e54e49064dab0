// Finds the entities of the asked-for types in a text: the pattern detectors of those types, compromise
// for names, then one span per region of text (the higher priority, then the longer, wins an overlap).

import { detectNames } from './pii-names.js';
import { entityBounds, PATTERN_DETECTORS, type PatternDetector } from './pii-patterns.js';
import type { PiiEntityType, PiiSpan } from './pii-types.js';
import { nonEmptyMatches } from './regex-matches.js';

interface Candidate extends PiiSpan {
  priority: number;
}

const NAME_PRIORITY = 1;

function scan(detector: PatternDetector, text: string, out: Candidate[]): void {
  for (const m of nonEmptyMatches(detector.regex, text)) {
    if (detector.accept && !detector.accept(m, text)) continue;
    const [start, end] = entityBounds(detector, m);
    if (end > start) out.push({ type: detector.type, start, end, priority: detector.priority });
  }
}

/** Non-overlapping spans, in text order. */
function resolveOverlaps(candidates: Candidate[]): PiiSpan[] {
  candidates.sort(
    (a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start);
  return kept.map(({ type, start, end }) => ({ type, start, end }));
}

export function detectPii(text: string, types: ReadonlySet<PiiEntityType>): PiiSpan[] {
  if (text.length === 0 || types.size === 0) return [];
  const candidates: Candidate[] = [];
  for (const detector of PATTERN_DETECTORS) {
    if (types.has(detector.type)) scan(detector, text, candidates);
  }
  if (types.has('NAME')) {
    for (const span of detectNames(text)) candidates.push({ ...span, priority: NAME_PRIORITY });
  }
  return resolveOverlaps(candidates);
}
