// The refusals of the governed SQL layer, worded for the person who wrote the query: what was refused and
// what is allowed instead. A table the caller may not read is NOT_FOUND, worded like one that does not
// exist, so the answer never reveals that it does.

import { LakegateError, validationError } from '../../core/index.js';

export const ONLY_SELECT =
  'Only one SELECT statement (optionally with WITH, UNION, VALUES or FROM-first syntax) is allowed here; create and change tables through the tables API, or with CREATE TABLE ... AS SELECT and INSERT INTO ... SELECT.';

export function unsupported(what: string): LakegateError {
  return validationError(`${what} is not supported in governed SQL. ${ONLY_SELECT}`);
}

export function FUNCTION_NOT_ALLOWED(name: string): LakegateError {
  return validationError(
    `Function "${name}" is not allowed in governed SQL: only DuckDB's built-in scalar, aggregate and window functions that compute from their arguments may be called.`,
  );
}

export function TABLE_FUNCTION_NOT_ALLOWED(name: string): LakegateError {
  return validationError(
    `Table function "${name}" is not allowed in governed SQL: only range, generate_series and unnest; read data from governed tables by name.`,
  );
}

/** The one answer for a table that is missing and a table the caller may not read. */
export function tableNotFound(name: string): LakegateError {
  return new LakegateError(
    'NOT_FOUND',
    `Table or view '${name}' does not exist or you do not have permission to read it.`,
    { details: { securable_type: 'table', full_name: name } },
  );
}
