// Which functions user SQL and policy expressions may call. Default deny: a name is allowed only when it
// is one of DuckDB's own scalar, aggregate or window functions (read from the engine's function catalog
// once) and not one that reads session state, configuration or metadata. Table functions are a short
// explicit list: everything else in FROM (query, query_table, read_*, glob, duckdb_*(), pragma_*) is
// refused by name before DuckDB ever sees it.

import type { DuckDBConnection } from '@duckdb/node-api';

/** Table functions that only generate values. */
export const TABLE_FUNCTIONS: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);

/** Built-ins that read session variables, settings, sequences or the catalog, or depend on the session. */
const DENIED: ReadonlySet<string> = new Set([
  'getvariable',
  'current_setting',
  'current_schema',
  'current_schemas',
  'current_database',
  'current_catalog',
  'current_query',
  'nextval',
  'currval',
  'setseed',
  'txid_current',
  'get_block_size',
  'in_search_path',
  'query',
  'query_table',
  'getenv',
  'version',
  'pragma_version',
  'pragma_platform',
  'platform',
  'enum_range',
  'enum_range_boundary',
  'enum_first',
  'enum_last',
  'enum_code',
]);

const DENIED_PREFIXES = [
  'duckdb_',
  'pragma_',
  'pg_',
  'has_',
  'read_',
  'parquet_',
  'sniff_',
  'icu_',
  'json_serialize',
  'json_deserialize',
  'json_execute',
];

/** Window-only functions (no aggregate of the same name). */
const WINDOW_FUNCTIONS = [
  'row_number',
  'rank',
  'dense_rank',
  'rank_dense',
  'percent_rank',
  'cume_dist',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
  'fill',
];

/** Names the identity rewrite turns into literals before any check (see identity-literals.ts). */
export const IDENTITY_FUNCTIONS: ReadonlySet<string> = new Set([
  'current_user',
  'user',
  'session_user',
  'current_role',
  'is_member',
  'is_account_group_member',
]);

/**
 * Functions a row filter or column mask may call: comparisons, logic, arithmetic, string, date and list
 * helpers that compute from the row's own values. Nothing that reads other tables or the session.
 */
export const POLICY_FUNCTIONS: ReadonlySet<string> = new Set([
  '=',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '||',
  '~~',
  '!~~',
  '~~*',
  '!~~*',
  '~~~',
  'abs',
  'round',
  'floor',
  'ceil',
  'ceiling',
  'sign',
  'coalesce',
  'ifnull',
  'nullif',
  'greatest',
  'least',
  'concat',
  'concat_ws',
  'lower',
  'upper',
  'lcase',
  'ucase',
  'length',
  'len',
  'strlen',
  'substr',
  'substring',
  'left',
  'right',
  'lpad',
  'rpad',
  'trim',
  'ltrim',
  'rtrim',
  'replace',
  'repeat',
  'reverse',
  'split_part',
  'starts_with',
  'ends_with',
  'prefix',
  'suffix',
  'contains',
  'strpos',
  'instr',
  'position',
  'regexp_replace',
  'regexp_matches',
  'regexp_full_match',
  'regexp_extract',
  'like_escape',
  'md5',
  'sha1',
  'sha256',
  'hash',
  'format',
  'printf',
  'date_trunc',
  'date_part',
  'datepart',
  'year',
  'month',
  'day',
  'quarter',
  'week',
  'dayofweek',
  'hour',
  'minute',
  'strftime',
  'strptime',
  'to_date',
  'make_date',
  'current_date',
  'current_timestamp',
  'now',
  'today',
  'date_diff',
  'datediff',
  'date_add',
  'list_contains',
  'list_has',
  'array_contains',
  'list_has_any',
  'list_has_all',
  'list_filter',
  'list_transform',
  'list_value',
  'array_length',
  'struct_extract',
  'array_extract',
  'list_extract',
  'to_json',
]);

export interface FunctionRules {
  /** Whether user SQL may call this scalar, aggregate or window function. */
  allowsScalar(name: string): boolean;
}

function denied(name: string): boolean {
  return DENIED.has(name) || DENIED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Reads DuckDB's own functions once; macros that run a query (SELECT/FROM inside) are left out. */
export async function loadFunctionRules(connection: DuckDBConnection): Promise<FunctionRules> {
  const reader = await connection.runAndReadAll(
    `SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions()
     WHERE schema_name = 'main' AND internal
       AND (function_type IN ('scalar', 'aggregate')
            OR (function_type = 'macro' AND NOT regexp_matches(lower(coalesce(macro_definition, '')), '\\b(select|from)\\b')))`,
  );
  const allowed = new Set<string>(WINDOW_FUNCTIONS);
  for (const [name] of reader.getRows()) {
    if (typeof name === 'string' && !denied(name)) allowed.add(name);
  }
  return { allowsScalar: (name) => allowed.has(name.toLowerCase()) };
}
