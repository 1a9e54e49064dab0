// Errors as Databricks' Files API sends them: an HTTP status and `{error_code, message}` with Databricks'
// codes, mapped from ours in one place. A HEAD answer carries the status only (it has no body).

import type { ErrorCode, LakegateError } from '../../core/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Surface } from '../http/route.js';

const BY_CODE: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'INVALID_PARAMETER_VALUE',
  UNSUPPORTED_OPERATION: 'INVALID_PARAMETER_VALUE',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  AUTH_UNAUTHENTICATED: 'UNAUTHENTICATED',
  AUTH_PERMISSION_DENIED: 'PERMISSION_DENIED',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  REQUEST_CANCELLED: 'CANCELLED',
  QUERY_TIMEOUT: 'DEADLINE_EXCEEDED',
  RATE_LIMITED: 'REQUEST_LIMIT_EXCEEDED',
  BUDGET_EXCEEDED: 'REQUEST_LIMIT_EXCEEDED',
};

export function filesError(error: LakegateError): {
  status: number;
  body: { error_code: string; message: string };
} {
  const mapped = BY_CODE[error.code];
  if (!mapped) {
    // Our bug or an unexpected failure: say nothing about it on the wire.
    return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'An internal error occurred.' } };
  }
  const code = error.details['reason'] === 'DIRECTORY_NOT_EMPTY' ? 'DIRECTORY_NOT_EMPTY' : mapped;
  return { status: error.status, body: { error_code: code, message: error.message } };
}

export const filesSurface: Surface = {
  name: 'files',
  writeError(ctx: RequestContext, error: LakegateError) {
    const { status, body } = filesError(error);
    if (ctx.method === 'HEAD') {
      ctx.res.writeHead(status, { 'x-request-id': ctx.requestId, 'x-error-code': body.error_code });
      ctx.res.end();
      return;
    }
    sendJson(ctx.res, status, body, { 'x-request-id': ctx.requestId });
  },
};
