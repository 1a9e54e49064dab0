// The query string of a usage report: `by` one dimension, `since` and `until` as a duration back from
// now (`7d`, `12h`), an ISO 8601 time, or epoch milliseconds. Bad values are the caller's 400.

import { validationError } from '../../core/index.js';
import { USAGE_DIMENSIONS, type UsageDimension } from '../../observability/index.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
/** The longest window a report may span: ten years, far past any retention. */
const MAX_WINDOW_MS = 3_660 * 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export interface UsageWindowQuery {
  by: UsageDimension;
  since: number;
  until: number;
  /** A principal's name, to limit the report to it. */
  principal?: string;
}

/** A time as epoch ms; durations count back from `now`. */
export function parseUsageTime(value: string, name: string, now: number): number {
  const text = value.trim();
  const duration = /^(\d{1,6})([mhdw])$/i.exec(text);
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!;
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (ISO.test(text)) {
    const at = Date.parse(text);
    if (Number.isFinite(at)) return at;
  }
  throw validationError(
    `${name} must be a duration back from now (30m, 12h, 7d, 2w), an ISO 8601 time or epoch milliseconds.`,
    { [name]: value.slice(0, 100) },
  );
}

export function parseUsageQuery(query: URLSearchParams, now = Date.now()): UsageWindowQuery {
  const by = query.get('by') ?? 'principal';
  if (!(USAGE_DIMENSIONS as readonly string[]).includes(by)) {
    throw validationError(`by must be one of ${USAGE_DIMENSIONS.join(', ')}.`, { by: by.slice(0, 100) });
  }
  const since = parseUsageTime(query.get('since') || '7d', 'since', now);
  const untilText = query.get('until');
  const until = untilText ? parseUsageTime(untilText, 'until', now) : now + 1;
  if (!(since < until)) throw validationError('since must be before until.');
  if (until - since > MAX_WINDOW_MS) throw validationError('A usage report spans at most ten years.');
  const out: UsageWindowQuery = { by: by as UsageDimension, since, until };
  const principal = query.get('principal');
  if (principal) out.principal = principal;
  return out;
}
