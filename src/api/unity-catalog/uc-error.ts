// Errors as Unity Catalog OSS sends them: an HTTP status and `{error_code, message}`, for the catalog
// REST surfaces (UC-compatible and Lakegate's additions alike), mapped from our codes in one place.

import type { ErrorCode, LakegateError } from '../../core/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Surface } from '../http/route.js';

export type UcErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

const STATUS: Record<UcErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

// Model-call and configuration codes cannot come out of catalog routes except as our own bugs: INTERNAL.
const BY_CODE: Partial<Record<ErrorCode, UcErrorCode>> = {
  VALIDATION_FAILED: 'INVALID_ARGUMENT',
  UNSUPPORTED_OPERATION: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  MODEL_NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  AUTH_UNAUTHENTICATED: 'UNAUTHENTICATED',
  AUTH_PERMISSION_DENIED: 'PERMISSION_DENIED',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

export function ucError(error: LakegateError): {
  status: number;
  body: { error_code: UcErrorCode; message: string };
} {
  const code = BY_CODE[error.code] ?? 'INTERNAL';
  // An internal error's message is ours (toLakegateError never leaks a foreign one), but say nothing more.
  const message =
    code === 'INTERNAL' && error.code !== 'INTERNAL' ? 'An internal error occurred.' : error.message;
  return { status: STATUS[code], body: { error_code: code, message } };
}

export const ucSurface: Surface = {
  name: 'unity-catalog',
  writeError(ctx: RequestContext, error: LakegateError) {
    const { status, body } = ucError(error);
    sendJson(ctx.res, status, body, { 'x-request-id': ctx.requestId });
  },
};
