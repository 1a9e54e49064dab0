// Times on the command line: a duration (`90s`, `15m`, `1h`, `30d`, `2w`) relative to now, or an
// absolute ISO 8601 time. The server always receives an ISO string.

import { usageError } from './cli-error.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * `value` as an ISO time: a duration counts back from `now` (`--since 1h`) when `sign` is -1, forward
 * (`--expires 30d`) when it is +1. Anything else must be an ISO date or date-time.
 */
export function parseTime(
  value: string,
  sign: 1 | -1,
  flag: string,
  usage: string,
  now = Date.now(),
): string {
  const duration = /^(\d+)\s*([smhdw])$/i.exec(value.trim());
  if (duration) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2]!.toLowerCase()]!;
    const at = new Date(now + sign * ms);
    if (!Number.isFinite(at.getTime())) throw usageError(`${flag} ${value} is too far away`, usage);
    return at.toISOString();
  }
  // Only ISO 8601 shapes: Date.parse alone would also take "1" or "May 3" in a locale-dependent way.
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(value.trim())) {
    const at = new Date(value.trim());
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  throw usageError(
    `${flag} "${value}" is neither a duration (90s, 15m, 1h, 30d, 2w) nor an ISO time (2025-01-31T12:00:00Z)`,
    usage,
  );
}
