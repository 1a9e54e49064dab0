// Usage totals over a time window, grouped by one dimension. Whole UTC days inside the window come
// from the daily rollup; only the partial days at its edges are summed from the raw records, where the
// zone maps on `ts` keep the scan to those hours. The cost of a report therefore grows with the number
// of days and groups, not with the number of calls.

import { MODEL_EXPR, RECORD_MEASURES, timestampSql } from './usage-schema.js';

export const USAGE_DIMENSIONS = ['principal', 'endpoint', 'model', 'provider', 'day'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export interface UsageReportQuery {
  by: UsageDimension;
  /** Window start, epoch ms, inclusive. */
  since: number;
  /** Window end, epoch ms, exclusive. */
  until: number;
  /** Only this principal's calls (a non-admin's own report). */
  principalId?: string;
}

export interface UsageReportRow {
  /** The group: a principal id, endpoint, `provider/model`, provider, or `YYYY-MM-DD`. */
  key: string;
  /** What to show for it: the principal's name for `principal`, else the key. */
  label: string;
  requests: number;
  errors: number;
  cancelled: number;
  cacheHits: number;
  /** Calls whose model has no price (their cost is not in `costUsd`). */
  unpriced: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  avgLatencyMs: number;
}

const DAY_MS = 86_400_000;

interface DimensionSql {
  daily: string;
  raw: string;
  /** The label beside the key, aggregated (the principal's latest name). */
  label: string;
}

const DIMENSIONS: Record<UsageDimension, DimensionSql> = {
  principal: { daily: 'principal_id', raw: 'principal_id', label: 'max(principal_name)' },
  endpoint: { daily: 'endpoint', raw: 'endpoint', label: "''" },
  model: { daily: 'model', raw: MODEL_EXPR, label: "''" },
  provider: { daily: 'provider', raw: 'provider', label: "''" },
  day: { daily: 'day', raw: 'CAST(ts AS DATE)', label: "''" },
};

function dateSql(ms: number): string {
  return `CAST(${timestampSql(ms)} AS DATE)`;
}

/**
 * The SQL of a report; `$principal` is bound when the query names a principal. `rolledThrough`: the
 * days before it are in the rollup (a record's day is there once, whichever table a report reads).
 */
export function usageReportSql(query: UsageReportQuery, rolledThrough: number): string {
  const dim = DIMENSIONS[query.by];
  const principalFilter = query.principalId !== undefined ? ' AND principal_id = $principal' : '';
  const firstWholeDay = Math.ceil(query.since / DAY_MS) * DAY_MS;
  const endOfWholeDays = Math.min(Math.floor(query.until / DAY_MS) * DAY_MS, rolledThrough);
  const parts: string[] = [];
  let rawWindow: string;
  if (firstWholeDay < endOfWholeDays) {
    parts.push(`SELECT ${dim.daily} AS k, principal_name AS name, requests, errors, cancelled, cache_hits, unpriced,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, latency_ms_sum
      FROM usage_daily
      WHERE day >= ${dateSql(firstWholeDay)} AND day < ${dateSql(endOfWholeDays)}${principalFilter}`);
    rawWindow = `((ts >= ${timestampSql(query.since)} AND ts < ${timestampSql(firstWholeDay)})
      OR (ts >= ${timestampSql(endOfWholeDays)} AND ts < ${timestampSql(query.until)}))`;
  } else {
    rawWindow = `ts >= ${timestampSql(query.since)} AND ts < ${timestampSql(query.until)}`;
  }
  parts.push(`SELECT ${dim.raw} AS k, max(principal_name) AS name, ${RECORD_MEASURES}
      FROM usage_records
      WHERE ${rawWindow}${principalFilter}
      GROUP BY ALL`);
  const label = query.by === 'principal' ? 'max(name)' : dim.label;
  const order = query.by === 'day' ? 'k' : 'cost_usd DESC, requests DESC, k';
  return `SELECT CAST(k AS VARCHAR) AS k, ${label} AS label,
      sum(requests)::BIGINT AS requests, sum(errors)::BIGINT AS errors, sum(cancelled)::BIGINT AS cancelled,
      sum(cache_hits)::BIGINT AS cache_hits, sum(unpriced)::BIGINT AS unpriced,
      sum(input_tokens)::BIGINT AS input_tokens, sum(output_tokens)::BIGINT AS output_tokens,
      sum(cache_read_tokens)::BIGINT AS cache_read_tokens, sum(cache_write_tokens)::BIGINT AS cache_write_tokens,
      sum(cost_usd)::DOUBLE AS cost_usd, sum(latency_ms_sum)::DOUBLE / sum(requests) AS avg_latency_ms
    FROM (${parts.join('\n    UNION ALL\n    ')})
    GROUP BY k
    ORDER BY ${order}`;
}
