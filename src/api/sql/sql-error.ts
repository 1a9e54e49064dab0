// Errors as Databricks' SQL Statement Execution API sends them: `{error_code, message}` with Databricks'
// codes, for failed requests (with the HTTP status) and inside a FAILED statement's status (HTTP 200, as
// Databricks answers a statement that ran and failed). Mapped from our codes in one place.

import type { ErrorCode, LakegateError } from '../../core/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Surface } from '../http/route.js';

const BY_CODE: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'INVALID_PARAMETER_VALUE',
  UNSUPPORTED_OPERATION: 'INVALID_PARAMETER_VALUE',
  PAYLOAD_TOO_LARGE: 'INVALID_PARAMETER_VALUE',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  AUTH_UNAUTHENTICATED: 'UNAUTHENTICATED',
  AUTH_PERMISSION_DENIED: 'PERMISSION_DENIED',
  METHOD_NOT_ALLOWED: 'BAD_REQUEST',
  REQUEST_CANCELLED: 'CANCELLED',
  QUERY_TIMEOUT: 'DEADLINE_EXCEEDED',
  QUERY_OUT_OF_MEMORY: 'RESOURCE_EXHAUSTED',
  RATE_LIMITED: 'REQUEST_LIMIT_EXCEEDED',
  BUDGET_EXCEEDED: 'REQUEST_LIMIT_EXCEEDED',
};

export interface SqlWireError {
  error_code: string;
  message: string;
}

/** Our error code and message in Databricks' words; anything unexpected says nothing about itself. */
export function sqlWireError(code: ErrorCode, message: string): SqlWireError {
  const mapped = BY_CODE[code];
  if (!mapped) return { error_code: 'INTERNAL_ERROR', message: 'An internal error occurred.' };
  return { error_code: mapped, message };
}

export const sqlSurface: Surface = {
  name: 'sql',
  writeError(ctx: RequestContext, error: LakegateError) {
    const body = sqlWireError(error.code, error.message);
    const status = body.error_code === 'INTERNAL_ERROR' ? 500 : error.status;
    sendJson(ctx.res, status, body, { 'x-request-id': ctx.requestId });
  },
};
