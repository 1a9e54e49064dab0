// DuckDB's errors as the caller should read them: out-of-memory becomes QUERY_OUT_OF_MEMORY, anything else
// the engine rejects (binder, conversion, constraint, invalid input) is the query's fault and becomes
// VALIDATION_FAILED. The message keeps DuckDB's first line and drops the "LINE n:" excerpt, which would
// quote the rewritten SQL rather than what the caller wrote.

import { isLakegateError, LakegateError, validationError } from '../../core/index.js';

export function engineError(error: unknown): LakegateError {
  if (isLakegateError(error)) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.split(/\n\s*LINE \d+:/)[0]!.trim();
  if (/^Out of Memory Error/i.test(message) || /could not allocate|failed to allocate/i.test(message)) {
    return new LakegateError(
      'QUERY_OUT_OF_MEMORY',
      `The query needs more memory than the data engine may use: ${message}. Filter or aggregate earlier, or ask for fewer rows.`,
      { cause: error },
    );
  }
  if (/^INTERRUPT Error/i.test(message)) {
    return new LakegateError('REQUEST_CANCELLED', 'The query was interrupted.', { cause: error });
  }
  if (
    /^(Binder|Conversion|Invalid Input|Constraint|Parser|Catalog|Not implemented|Out of Range|Type Mismatch|Dependency) Error/i.test(
      message,
    )
  ) {
    return validationError(message);
  }
  return new LakegateError('INTERNAL', 'The query failed in the data engine.', { cause: error });
}
