// Runs a governed query in the guard mode `on-error`: the plain form first (DuckDB keeps its filter
// pushdown), and, if the engine raises an error, the guarded form in its place, so any error the caller
// sees can only come from rows the caller may read. A cancel, timeout or out-of-memory is not retried.

import type { DuckDBConnection } from '@duckdb/node-api';
import { isLakegateError } from '../../core/index.js';
import type { GovernedQuery } from './sql-governor.js';

function mayDependOnRows(error: unknown): boolean {
  if (isLakegateError(error)) return false;
  const message = error instanceof Error ? error.message : String(error);
  return !/^(INTERRUPT|Out of Memory) Error/i.test(message);
}

export async function runGoverned<T>(
  connection: DuckDBConnection,
  governed: GovernedQuery,
  run: (sql: string) => Promise<T>,
): Promise<T> {
  try {
    return await run(governed.sql);
  } catch (error) {
    if (!governed.guarded || !mayDependOnRows(error)) throw error;
    return run(await governed.guarded(connection));
  }
}
