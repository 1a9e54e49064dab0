// The usage tables. `usage_records` holds one row per call in arrival order, so DuckDB's per-row-group
// min/max (zone maps) on `ts` and `seq` skip everything outside a time window or a batch without an
// index. `usage_daily` is the rollup the reports read for whole days: one row per day, principal,
// endpoint and model. A day is rolled up once, in one plain INSERT ... GROUP BY, when the records have
// moved past it (`usage_rollup.rolled_through`); a record that arrives later for a day already rolled
// up (a call that started before midnight and ended well after) is added to its row by an upsert. Both
// happen in the transaction that appends the records, so a report never counts a record twice or not
// at all. Upserting every batch into the rollup instead was measured (bench/usage, 1M records): about
// 5x slower recording (8k vs 40k records/s), getting slower as the rollup grew.

export const USAGE_RECORDS_DDL = `
CREATE TABLE IF NOT EXISTS usage_records (
  seq BIGINT NOT NULL,
  ts TIMESTAMP NOT NULL,
  request_id VARCHAR NOT NULL,
  principal_id VARCHAR NOT NULL,
  principal_name VARCHAR NOT NULL,
  key_id VARCHAR,
  operation VARCHAR NOT NULL,
  endpoint VARCHAR NOT NULL,
  requested_model VARCHAR NOT NULL,
  served_model VARCHAR NOT NULL,
  provider VARCHAR NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  latency_ms INTEGER NOT NULL,
  ttft_ms INTEGER,
  status VARCHAR NOT NULL,
  cost_usd DOUBLE,
  cache_hit BOOLEAN NOT NULL
)`;

export const USAGE_DAILY_DDL = `
CREATE TABLE IF NOT EXISTS usage_daily (
  day DATE NOT NULL,
  principal_id VARCHAR NOT NULL,
  endpoint VARCHAR NOT NULL,
  model VARCHAR NOT NULL,
  provider VARCHAR NOT NULL,
  principal_name VARCHAR NOT NULL,
  requests BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  cancelled BIGINT NOT NULL,
  cache_hits BIGINT NOT NULL,
  unpriced BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  cost_usd DOUBLE NOT NULL,
  latency_ms_sum BIGINT NOT NULL,
  PRIMARY KEY (day, principal_id, endpoint, model, provider)
)`;

/**
 * The model a report groups by: `provider/model` that answered, or the id the caller asked for when no
 * model was reached (refused, or failed before any attempt).
 */
export const MODEL_EXPR = `CASE WHEN served_model = '' THEN requested_model ELSE provider || '/' || served_model END`;

/** The measures of one group of raw records, in usage_daily's column order after the key. */
export const RECORD_MEASURES = `
  count(*) AS requests,
  count(*) FILTER (WHERE status NOT IN ('ok', 'cancelled')) AS errors,
  count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
  count(*) FILTER (WHERE cache_hit) AS cache_hits,
  count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced,
  sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens,
  coalesce(sum(cost_usd), 0) AS cost_usd,
  sum(latency_ms) AS latency_ms_sum`;

/** The days before `rolled_through` (epoch ms of a UTC midnight) are in usage_daily. */
export const USAGE_ROLLUP_DDL = `
CREATE TABLE IF NOT EXISTS usage_rollup (
  id INTEGER PRIMARY KEY,
  rolled_through BIGINT NOT NULL
)`;

/** A timestamp literal from epoch ms (an integer, so inlining it is safe). */
export function timestampSql(ms: number): string {
  return `make_timestamp(${Math.trunc(ms) * 1000}::BIGINT)`;
}

const ROLLUP_SELECT = `
SELECT CAST(ts AS DATE) AS day, principal_id, endpoint, ${MODEL_EXPR} AS model, provider,
  max(principal_name) AS principal_name, ${RECORD_MEASURES}
FROM usage_records`;

/** Rolls up the whole days in [from, to): days no row of usage_daily has yet. */
export function rollUpDaysSql(from: number, to: number): string {
  return `INSERT INTO usage_daily ${ROLLUP_SELECT}
WHERE ts >= ${timestampSql(from)} AND ts < ${timestampSql(to)}
GROUP BY ALL`;
}

/** Adds the records appended since `$first` that belong to days before `before` (already rolled up). */
export function addLateRecordsSql(before: number): string {
  return `INSERT INTO usage_daily ${ROLLUP_SELECT}
WHERE seq >= $first AND ts < ${timestampSql(before)}
GROUP BY ALL
ON CONFLICT DO UPDATE SET
  principal_name = excluded.principal_name,
  requests = requests + excluded.requests,
  errors = errors + excluded.errors,
  cancelled = cancelled + excluded.cancelled,
  cache_hits = cache_hits + excluded.cache_hits,
  unpriced = unpriced + excluded.unpriced,
  input_tokens = input_tokens + excluded.input_tokens,
  output_tokens = output_tokens + excluded.output_tokens,
  cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
  cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
  cost_usd = cost_usd + excluded.cost_usd,
  latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum`;
}
